//! The reporting cycle's reminder run end to end: a real SQLite store (and PostgreSQL when
//! `YKIEN_TEST_PG_URL` is set), real collaborators and items, and a real SMTP server on a
//! local socket that accepts one address and refuses another. Each reminder goes once; a
//! refused address is recorded and not tried again; an officer's "remind now" books at most
//! one a day.

mod common;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::TestDb;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use ykien_alerts::smtp::{SmtpConfig, StartTls};
use ykien_core::{Actor, Role};
use ykien_report::cycles::{
    CycleSettings, Stage, due_date, remind_now, run_round, stage_on, working_days_before,
};
use ykien_store::{
    Channel, Confidentiality, CyclePeriod, EMAIL_CHANNEL, MAX_REMINDER_ATTEMPTS, NewItem, NewUser,
    OpinionReport, Store,
};

const WARD: &str = "00004"; // Phường Ba Đình

/// One message the server accepted.
#[derive(Debug, Clone, Default)]
struct Received {
    rcpt: String,
    data: String,
}

/// An SMTP server (RFC 5321 subset) on a random port; refuses recipients starting with
/// "bounce" with 550.
async fn smtp_server() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let out = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let got = got.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut r = BufReader::new(r);
                w.write_all(b"220 test.localhost ESMTP\r\n").await.unwrap();
                let mut cur = Received::default();
                let mut line = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let cmd = line.trim_end().to_string();
                    let upper = cmd.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO ") {
                        b"250-test.localhost\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("MAIL FROM:") {
                        b"250 OK\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        let to = cmd[8..].trim_matches(['<', '>']).to_string();
                        if to.starts_with("bounce") {
                            b"550 no such mailbox\r\n"
                        } else {
                            cur.rcpt = to;
                            b"250 OK\r\n"
                        }
                    } else if upper == "DATA" {
                        w.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            if r.read_line(&mut l).await.unwrap_or(0) == 0 {
                                return;
                            }
                            if l == ".\r\n" {
                                break;
                            }
                            data.push_str(l.strip_prefix('.').unwrap_or(&l));
                        }
                        cur.data = data;
                        got.lock().unwrap().push(std::mem::take(&mut cur));
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"502 not implemented\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, out)
}

fn unbase64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let clean: Vec<u32> = s.bytes().filter_map(val).collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |a, (i, &v)| a | (v << (18 - 6 * i)));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

/// (subject, body) of a received message, decoded.
fn decode(r: &Received) -> (String, String) {
    let (head, body) = r.data.split_once("\r\n\r\n").unwrap();
    let subject = head
        .lines()
        .find_map(|l| l.strip_prefix("Subject: =?UTF-8?B?"))
        .and_then(|s| s.strip_suffix("?="))
        .unwrap();
    (
        String::from_utf8(unbase64(subject)).unwrap(),
        String::from_utf8(unbase64(body)).unwrap(),
    )
}

async fn user(
    store: &Store,
    name: &str,
    role: Role,
    email: Option<&str>,
    phone: Option<&str>,
) -> Actor {
    let u = store
        .create_user(
            None,
            NewUser {
                name: name.into(),
                email: email.map(Into::into),
                phone: phone.map(Into::into),
                password: None,
                role,
                unit: WARD.into(),
                member_org: None,
            },
        )
        .await
        .unwrap();
    store.actor(u.id).await.unwrap().unwrap()
}

/// 09:00 in Hà Nội on `d`.
fn morning(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_are_booked_once_and_emailed_through_the_relay() {
    let sqlite = TestDb::sqlite().await;
    run_cycle(&sqlite.store).await;
    sqlite.cleanup().await;
    if let Some(pg) = TestDb::postgres().await {
        run_cycle(&pg.store).await;
        pg.cleanup().await;
    }
}

async fn run_cycle(store: &Store) {
    store.load_units().await.unwrap();
    let (port, got) = smtp_server().await;
    let smtp = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        from: "ykien@mttq.example.vn".into(),
        username: None,
        password: None,
        starttls: StartTls::Never,
        hello: "ykien.test".into(),
        timeout_secs: 10,
    };
    let settings = CycleSettings {
        public_url: Some("https://ykien.example.vn".into()),
        ..CycleSettings::default()
    };
    let an = user(
        store,
        "Nguyễn Văn An",
        Role::Collaborator,
        Some("an@example.vn"),
        None,
    )
    .await;
    let binh = user(
        store,
        "Trần Bình",
        Role::Collaborator,
        Some("bounce.binh@example.vn"),
        None,
    )
    .await;
    let cuong = user(
        store,
        "Lê Cường",
        Role::Collaborator,
        None,
        Some("0912000111"),
    )
    .await;
    let dung = user(
        store,
        "Phạm Dũng",
        Role::Collaborator,
        Some("dung@example.vn"),
        None,
    )
    .await;
    let officer = user(
        store,
        "Cán bộ",
        Role::Officer,
        Some("canbo@example.vn"),
        None,
    )
    .await;
    // Dũng has reported this month: never reminded.
    store
        .submit_item(
            Some(&dung),
            NewItem {
                unit: WARD.into(),
                source: "form".into(),
                channel: Channel::Form,
                external_id: None,
                author_user_id: None,
                author_contact: None,
                occurred_at: None,
                text: "Bà con phản ánh đèn đường hỏng nhiều tuần".into(),
                title: None,
                report: OpinionReport::default(),
                confidentiality: Confidentiality::Normal,
                dedup_text: String::new(),
            },
        )
        .await
        .unwrap();

    let period = CyclePeriod::containing(Utc::now());
    let cal = store.work_calendar().await.unwrap();
    let due = due_date(&cal, &period, settings.due_day);
    let before_day = working_days_before(&cal, due, settings.remind_before);
    assert_eq!(
        stage_on(&cal, &settings, &period, before_day),
        Some(Stage::Before)
    );

    // Too early: nothing at all.
    let r = run_round(
        store,
        &settings,
        Some(&smtp),
        morning(before_day - Duration::days(1)),
    )
    .await
    .unwrap();
    assert_eq!((r.stage, r.booked, r.sent), (None, 0, 0));

    // The "before" round: An, Bình and Cường are reminded in the app; An's e-mail goes,
    // Bình's is refused by the relay (550), Cường has no address.
    let r = run_round(store, &settings, Some(&smtp), morning(before_day))
        .await
        .unwrap();
    assert_eq!(r.stage.as_deref(), Some("before"));
    assert_eq!((r.booked, r.sent, r.failed), (3, 1, 1));
    {
        let got = got.lock().unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].rcpt, "an@example.vn");
        let (subject, body) = decode(&got[0]);
        let month = format!("{}/{}", period.month, period.year);
        assert!(subject.contains(&format!("tháng {month}")), "{subject}");
        assert!(
            subject.contains(&due.format("%d/%m/%Y").to_string()),
            "{subject}"
        );
        assert!(body.contains("Kính gửi đồng chí Nguyễn Văn An"), "{body}");
        assert!(body.contains("https://ykien.example.vn/report"), "{body}");
    }
    for (who, in_app) in [(&an, true), (&binh, true), (&cuong, true), (&dung, false)] {
        let mine = store.my_cycle(who, &period).await.unwrap();
        assert_eq!(mine.last_reminded_at.is_some(), in_app, "{}", who.name);
    }
    let binh_mail = store
        .reminders(None, binh.user_id, &period.key)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.channel == EMAIL_CHANNEL)
        .unwrap();
    assert!(binh_mail.sent_at.is_none());
    assert_eq!(
        binh_mail.attempts, MAX_REMINDER_ATTEMPTS,
        "550 is not retried"
    );
    assert!(binh_mail.error.as_deref().unwrap_or("").contains("550"));

    // The same day again (another process, or the next hourly round): nothing twice.
    let r = run_round(
        store,
        &settings,
        Some(&smtp),
        morning(before_day) + Duration::hours(3),
    )
    .await
    .unwrap();
    assert_eq!((r.booked, r.sent, r.failed), (0, 0, 0));
    assert_eq!(got.lock().unwrap().len(), 1);

    // Cường says nothing was notable: the "after" round reminds An and Bình only.
    assert!(
        store
            .declare_nothing_notable(&cuong, &period)
            .await
            .unwrap()
    );
    let after = due + Duration::days(1);
    if after <= (period.to - Duration::hours(7)).date_naive() {
        let r = run_round(store, &settings, Some(&smtp), morning(after))
            .await
            .unwrap();
        assert_eq!(r.stage.as_deref(), Some("after"));
        assert_eq!((r.booked, r.sent, r.failed), (2, 1, 1));
        let got = got.lock().unwrap();
        let (subject, _) = decode(got.last().unwrap());
        assert!(subject.contains("Quá hạn"), "{subject}");
    }
    let sent_so_far = got.lock().unwrap().len();

    // An officer's "remind now": once a day, scoped like the roster.
    assert_eq!(
        remind_now(store, &officer, WARD, &period, Utc::now())
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        remind_now(store, &officer, WARD, &period, Utc::now())
            .await
            .unwrap(),
        0
    );
    assert!(
        remind_now(store, &an, WARD, &period, Utc::now())
            .await
            .is_err(),
        "a collaborator may not remind others"
    );
    let r = run_round(
        store,
        &settings,
        None,
        morning(before_day - Duration::days(1)),
    )
    .await
    .unwrap();
    assert_eq!(r.sent, 0, "without a relay nothing is sent");
    let r = run_round(
        store,
        &settings,
        Some(&smtp),
        morning(before_day - Duration::days(1)),
    )
    .await
    .unwrap();
    assert_eq!((r.sent, r.failed), (1, 1));
    assert_eq!(got.lock().unwrap().len(), sent_so_far + 1);
    let manual = store
        .reminders(Some(&officer), an.user_id, &period.key)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.stage.starts_with("manual-") && r.channel == EMAIL_CHANNEL)
        .unwrap();
    assert_eq!(manual.requested_by, Some(officer.user_id));
    assert!(manual.sent_at.is_some());
}
