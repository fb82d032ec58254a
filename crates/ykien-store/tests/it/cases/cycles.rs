//! Reporting cycles: the roster of collaborators by unit and member organization with each
//! one's status in the month, completion per unit, "nothing notable" declarations, flash
//! reports, and reminders booked, claimed and sent once — scoped like every read.

use chrono::{TimeZone, Utc};
use ykien_core::{Actor, Role};
use ykien_store::{
    APP_CHANNEL, Channel, Confidentiality, CyclePeriod, CycleStatus, EMAIL_CHANNEL,
    MAX_REMINDER_ATTEMPTS, NewItem, NewUser, OpinionReport, StoreError,
};

use crate::harness::TestDb;

const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

async fn collaborator(
    t: &TestDb,
    name: &str,
    unit: &str,
    org: Option<&str>,
    email: &str,
    phone: Option<&str>,
) -> Actor {
    let u = t
        .store
        .create_user(
            None,
            NewUser {
                name: name.into(),
                email: Some(email.into()),
                phone: phone.map(Into::into),
                password: None,
                role: Role::Collaborator,
                unit: unit.into(),
                member_org: org.map(Into::into),
            },
        )
        .await
        .unwrap();
    t.store.actor(u.id).await.unwrap().unwrap()
}

async fn report(t: &TestDb, by: &Actor, unit: &str, text: &str) -> i64 {
    t.store
        .submit_item(
            Some(by),
            NewItem {
                unit: unit.into(),
                source: "form".into(),
                channel: Channel::Form,
                external_id: None,
                author_user_id: Some(by.user_id),
                author_contact: None,
                occurred_at: None,
                text: text.into(),
                title: None,
                report: OpinionReport::default(),
                confidentiality: Confidentiality::Normal,
                dedup_text: String::new(),
            },
        )
        .await
        .unwrap()
        .id
}

pub async fn cycle_periods_follow_hanoi_months(_t: &TestDb) {
    let p = CyclePeriod::parse("2026-11").unwrap();
    assert_eq!(p.key, "2026-11");
    assert_eq!(
        p.from,
        Utc.with_ymd_and_hms(2026, 10, 31, 17, 0, 0).unwrap()
    );
    assert_eq!(p.to, Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap());
    assert_eq!(CyclePeriod::parse(" 2026-1 ").unwrap().key, "2026-01");
    for bad in ["2026-13", "2026-00", "2026", "tháng 11", "2026-11-01"] {
        assert!(
            matches!(CyclePeriod::parse(bad), Err(StoreError::Invalid { .. })),
            "{bad}"
        );
    }
    // 17:00 UTC on 30 November is midnight of 1 December in Hà Nội.
    let edge = Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap();
    assert_eq!(CyclePeriod::containing(edge).key, "2026-12");
    assert_eq!(
        CyclePeriod::containing(edge - chrono::Duration::seconds(1)).key,
        "2026-11"
    );
    assert_eq!(
        CyclePeriod::parse("2026-01").unwrap().previous().key,
        "2025-12"
    );
}

pub async fn cycle_roster_statuses_completion_and_scope(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "cy.officer@badinh.vn").await;
    let leader = t.actor(Role::Leader, WARD, "cy.leader@badinh.vn").await;
    let editor = t.actor(Role::Editor, WARD, "cy.editor@badinh.vn").await;
    let other = t
        .actor(Role::Officer, SIBLING, "cy.officer@ngocha.vn")
        .await;
    let city = t.actor(Role::Leader, "01", "cy.leader@hn.vn").await;
    let an = collaborator(
        t,
        "Nguyễn Văn An",
        WARD,
        Some("mttq"),
        "an@badinh.vn",
        Some("0912345678"),
    )
    .await;
    let binh = collaborator(t, "Trần Thị Bình", WARD, None, "binh@badinh.vn", None).await;
    let cuong = collaborator(
        t,
        "Lê Cường",
        SIBLING,
        Some("congdoan"),
        "cuong@ngocha.vn",
        None,
    )
    .await;
    let gone = collaborator(t, "Đã nghỉ", WARD, Some("mttq"), "nghi@badinh.vn", None).await;
    s.set_disabled(None, gone.user_id, true).await.unwrap();

    let period = CyclePeriod::containing(Utc::now());
    let one = report(t, &an, WARD, "Bà con phản ánh đường ngập nước sau mưa").await;
    let two = report(t, &an, WARD, "Người dân lo lắng về giá điện tăng").await;
    let old = report(t, &an, WARD, "Ý kiến từ tháng trước về rác thải").await;
    let before = period.from.timestamp() - 3600;
    t.exec(&format!(
        "UPDATE items SET received_at = {before} WHERE id = {old}"
    ))
    .await
    .unwrap();
    // An officer's own item is no collaborator's report.
    report(t, &officer, WARD, "Cán bộ ghi nhận ý kiến tại hội nghị").await;

    // Flash reports: only the author marks its item, once.
    for a in [&binh, &officer, &other] {
        let e = s.mark_flash(a, one).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{e:?}");
    }
    s.mark_flash(&an, one).await.unwrap();
    s.mark_flash(&an, one).await.unwrap();
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'item.flash'")
            .await,
        1
    );
    assert_eq!(s.flash_items(&[one, two, old]).await.unwrap(), vec![one]);

    // "Nothing notable": collaborators only, not once they have reported, idempotent.
    assert!(s.declare_nothing_notable(&binh, &period).await.unwrap());
    assert!(!s.declare_nothing_notable(&binh, &period).await.unwrap());
    let e = s.declare_nothing_notable(&an, &period).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    let e = s
        .declare_nothing_notable(&officer, &period)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let next = CyclePeriod::containing(period.to + chrono::Duration::days(1));
    let e = s.declare_nothing_notable(&cuong, &next).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'cycle.nothing_notable'")
            .await,
        1
    );

    // The officer's roster: grouped by unit and member organization, no contacts.
    let roster = s.cycle_roster(Some(&officer), WARD, &period).await.unwrap();
    assert!(!roster.contacts_shown);
    let groups: Vec<(&str, Option<&str>, Vec<&str>)> = roster
        .groups
        .iter()
        .map(|g| {
            (
                g.unit.as_str(),
                g.member_org.as_deref(),
                g.members.iter().map(|m| m.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        vec![
            (WARD, Some("mttq"), vec!["Nguyễn Văn An"]),
            (WARD, None, vec!["Trần Thị Bình"]),
        ]
    );
    let e_an = roster.entries().find(|e| e.user_id == an.user_id).unwrap();
    assert_eq!(
        (e_an.items, e_an.flash, e_an.status),
        (2, 1, CycleStatus::Reported)
    );
    assert_eq!(
        e_an.member_org_name.as_deref(),
        Some("Mặt trận Tổ quốc Việt Nam")
    );
    assert!(e_an.email.is_none() && e_an.phone.is_none());
    let e_binh = roster
        .entries()
        .find(|e| e.user_id == binh.user_id)
        .unwrap();
    assert_eq!(
        (e_binh.items, e_binh.status),
        (0, CycleStatus::NothingNotable)
    );
    assert!(e_binh.nothing_notable_at.is_some());

    // A leader may read accounts: contacts shown.
    let roster = s.cycle_roster(Some(&leader), WARD, &period).await.unwrap();
    assert!(roster.contacts_shown);
    let e_an = roster.entries().find(|e| e.user_id == an.user_id).unwrap();
    assert_eq!(
        (e_an.email.as_deref(), e_an.phone.as_deref()),
        (Some("an@badinh.vn"), Some("0912345678"))
    );

    // Scope and roles.
    for (a, unit) in [(&other, WARD), (&officer, SIBLING), (&officer, "01")] {
        let e = s.cycle_roster(Some(a), unit, &period).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{e:?}");
        let e = s
            .cycle_completion(Some(a), unit, &period)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{e:?}");
    }
    for a in [&editor, &binh] {
        let e = s.cycle_roster(Some(a), WARD, &period).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    }

    // Completion for the city and its wards.
    let c = s
        .cycle_completion(Some(&city), "01", &period)
        .await
        .unwrap();
    assert_eq!(
        (
            c.unit.collaborators,
            c.unit.done,
            c.unit.reported,
            c.unit.nothing_notable,
            c.unit.flash
        ),
        (3, 2, 1, 1, 1)
    );
    let ward = c.children.iter().find(|u| u.unit.as_str() == WARD).unwrap();
    assert_eq!((ward.collaborators, ward.done), (2, 2));
    assert_eq!(ward.rate(), Some(1.0));
    let sib = c
        .children
        .iter()
        .find(|u| u.unit.as_str() == SIBLING)
        .unwrap();
    assert_eq!((sib.collaborators, sib.done, sib.rate()), (1, 0, Some(0.0)));
    let empty = c
        .children
        .iter()
        .find(|u| u.collaborators == 0)
        .expect("most wards have no collaborators in this test");
    assert_eq!(empty.rate(), None);

    // Last month: the old item counts there, nothing declared.
    let last = s
        .cycle_roster(Some(&officer), WARD, &period.previous())
        .await
        .unwrap();
    let e_an = last.entries().find(|e| e.user_id == an.user_id).unwrap();
    assert_eq!((e_an.items, e_an.flash), (1, 0));
    let e_binh = last.entries().find(|e| e.user_id == binh.user_id).unwrap();
    assert_eq!(e_binh.status, CycleStatus::NotYet);

    // The collaborator's own view, and withdrawing a declaration.
    let mine = s.my_cycle(&an, &period).await.unwrap();
    assert_eq!(
        (mine.items, mine.flash, mine.status),
        (2, 1, CycleStatus::Reported)
    );
    assert!(s.withdraw_nothing_notable(&binh, &period).await.unwrap());
    assert!(!s.withdraw_nothing_notable(&binh, &period).await.unwrap());
    assert_eq!(
        s.my_cycle(&binh, &period).await.unwrap().status,
        CycleStatus::NotYet
    );

    // Who is still to report: the system sees contacts.
    let pending = s.cycle_pending(None, "01", &period).await.unwrap();
    let names: Vec<(&str, Option<&str>)> = pending
        .iter()
        .map(|e| (e.name.as_str(), e.email.as_deref()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("Trần Thị Bình", Some("binh@badinh.vn")),
            ("Lê Cường", Some("cuong@ngocha.vn"))
        ]
    );
    let pending = s
        .cycle_pending(Some(&officer), WARD, &period)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert!(pending[0].email.is_none());
}

pub async fn cycle_reminders_go_once_and_failed_ones_are_retried(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "rm.officer@badinh.vn").await;
    let other = t
        .actor(Role::Officer, SIBLING, "rm.officer@ngocha.vn")
        .await;
    let an = collaborator(t, "An", WARD, None, "an.rm@badinh.vn", None).await;
    let period = CyclePeriod::containing(Utc::now());
    let key = period.key.as_str();

    assert!(
        s.book_reminder(an.user_id, key, "before", EMAIL_CHANNEL, None)
            .await
            .unwrap()
    );
    assert!(
        !s.book_reminder(an.user_id, key, "before", EMAIL_CHANNEL, None)
            .await
            .unwrap(),
        "booked once"
    );
    assert!(
        s.book_reminder(an.user_id, key, "before", APP_CHANNEL, None)
            .await
            .unwrap()
    );
    assert!(matches!(
        s.book_reminder(an.user_id, "2026-13", "before", EMAIL_CHANNEL, None)
            .await
            .unwrap_err(),
        StoreError::Invalid { .. }
    ));
    assert!(matches!(
        s.book_reminder(an.user_id, key, "be fore\r\n", EMAIL_CHANNEL, None)
            .await
            .unwrap_err(),
        StoreError::Invalid { .. }
    ));
    // No address, no e-mail; no such user, not found.
    let phone_only = t
        .store
        .create_user(
            None,
            NewUser {
                name: "Chỉ có điện thoại".into(),
                email: None,
                phone: Some("0912999888".into()),
                password: None,
                role: Role::Collaborator,
                unit: WARD.into(),
                member_org: None,
            },
        )
        .await
        .unwrap();
    assert!(
        !s.book_reminder(phone_only.id, key, "before", EMAIL_CHANNEL, None)
            .await
            .unwrap()
    );
    assert!(
        s.book_reminder(phone_only.id, key, "before", APP_CHANNEL, None)
            .await
            .unwrap()
    );
    assert!(matches!(
        s.book_reminder(999_999, key, "before", EMAIL_CHANNEL, None)
            .await
            .unwrap_err(),
        StoreError::NotFound
    ));
    // The in-app reminder is delivered by being booked: the banner and the roster show it.
    let mine = s.my_cycle(&an, &period).await.unwrap();
    assert!(mine.last_reminded_at.is_some());

    let claims = s.claim_reminders(EMAIL_CHANNEL, 10).await.unwrap();
    assert_eq!(claims.len(), 1);
    let c = &claims[0];
    assert_eq!(
        (c.user_id, c.email.as_deref(), c.stage.as_str(), c.attempt),
        (an.user_id, Some("an.rm@badinh.vn"), "before", 1)
    );
    assert!(
        s.claim_reminders(EMAIL_CHANNEL, 10)
            .await
            .unwrap()
            .is_empty(),
        "a claimed reminder is not claimed twice"
    );
    assert!(s.claim_reminders(APP_CHANNEL, 10).await.unwrap().is_empty());

    // A failure is tried again after a while, not at once.
    s.finish_reminder(c.id, Err("450 mailbox busy".into()), false)
        .await
        .unwrap();
    assert!(
        s.claim_reminders(EMAIL_CHANNEL, 10)
            .await
            .unwrap()
            .is_empty()
    );
    t.exec(&format!(
        "UPDATE cycle_reminders SET claimed_at = claimed_at - 100000 WHERE id = {}",
        c.id
    ))
    .await
    .unwrap();
    let again = s.claim_reminders(EMAIL_CHANNEL, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].id, again[0].attempt), (c.id, 2));
    s.finish_reminder(c.id, Ok(()), false).await.unwrap();
    assert!(matches!(
        s.finish_reminder(c.id, Ok(()), false).await.unwrap_err(),
        StoreError::NotFound
    ));
    t.exec("UPDATE cycle_reminders SET claimed_at = claimed_at - 100000")
        .await
        .unwrap();
    assert!(
        s.claim_reminders(EMAIL_CHANNEL, 10)
            .await
            .unwrap()
            .is_empty(),
        "a sent reminder is never sent again"
    );

    // A permanent failure uses up the attempts.
    assert!(
        s.book_reminder(
            an.user_id,
            key,
            "after",
            EMAIL_CHANNEL,
            Some(officer.user_id)
        )
        .await
        .unwrap()
    );
    let c = s
        .claim_reminders(EMAIL_CHANNEL, 10)
        .await
        .unwrap()
        .remove(0);
    s.finish_reminder(c.id, Err("550 no such user".into()), true)
        .await
        .unwrap();
    t.exec("UPDATE cycle_reminders SET claimed_at = claimed_at - 100000")
        .await
        .unwrap();
    assert!(
        s.claim_reminders(EMAIL_CHANNEL, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let booked = s.reminders(Some(&an), an.user_id, key).await.unwrap();
    assert_eq!(booked.len(), 3);
    let after = booked.iter().find(|r| r.stage == "after").unwrap();
    assert_eq!(after.attempts, MAX_REMINDER_ATTEMPTS);
    assert_eq!(after.requested_by, Some(officer.user_id));
    assert!(after.sent_at.is_none() && after.error.is_some());
    assert_eq!(
        s.reminders(Some(&officer), an.user_id, key)
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(matches!(
        s.reminders(Some(&other), an.user_id, key)
            .await
            .unwrap_err(),
        StoreError::NotFound
    ));

    // Two senders at once never take the same reminder.
    let mut users = Vec::new();
    for i in 0..20 {
        let u = collaborator(
            t,
            &format!("CTV {i}"),
            WARD,
            None,
            &format!("ctv{i}.rm@badinh.vn"),
            None,
        )
        .await;
        s.book_reminder(u.user_id, key, "before", EMAIL_CHANNEL, None)
            .await
            .unwrap();
        users.push(u.user_id);
    }
    let (a, b) = tokio::join!(
        s.claim_reminders(EMAIL_CHANNEL, 15),
        s.claim_reminders(EMAIL_CHANNEL, 15)
    );
    let mut ids: Vec<i64> = a
        .unwrap()
        .into_iter()
        .chain(b.unwrap())
        .map(|c| c.user_id)
        .collect();
    ids.sort_unstable();
    users.sort_unstable();
    assert_eq!(ids, users, "each claimed exactly once");
}
