//! The cases of the suite, each run on both backends by `on_both_backends!`.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Utc;
use ykien_alerts::burst::{assess, window_counts};
use ykien_alerts::smtp::{SmtpConfig, StartTls};
use ykien_alerts::{DeliveryConfig, EvalConfig, deliver_once, evaluate_once, http_client};
use ykien_core::{Actor, Role};
use ykien_listen::{WorkerConfig, drain};
use ykien_store::{
    AlertFilter, AlertKind, AlertSeverity, AlertStatus, ChannelKind, NewAlert, NewAlertChannel,
    NewRule, NewUser, RuleKind, Store, StoreError,
};

use crate::background::{BURST_TEXTS, BURST_WARD, item, submit_background};
use crate::harness::TestDb;
use crate::servers::{smtp_server, unbase64, webhook_server};

async fn actor(store: &Store, role: Role, unit: &str, email: &str) -> Actor {
    let u = store
        .create_user(
            None,
            NewUser {
                name: format!("{role} of {unit}"),
                email: Some(email.into()),
                phone: None,
                password: None,
                role,
                unit: unit.into(),
                member_org: None,
            },
        )
        .await
        .expect("create user");
    store.actor(u.id).await.unwrap().expect("actor")
}

async fn analyze_all(store: &Store) {
    let r = drain(store, &WorkerConfig::default(), |_| {})
        .await
        .expect("drain");
    assert_eq!(r.failed, 0);
}

fn eval_cfg(holder: &str) -> EvalConfig {
    EvalConfig {
        holder: holder.into(),
        settle_secs: 0,
        // The burst case evaluates at the next 16:00 in Hanoi, up to a day ahead.
        first_lookback_secs: 7 * 86_400,
        ..EvalConfig::default()
    }
}

fn fast_delivery(max_attempts: i64) -> DeliveryConfig {
    DeliveryConfig {
        max_attempts,
        backoff: Duration::ZERO,
        public_url: Some("https://ykien.example".into()),
        ..DeliveryConfig::default()
    }
}

fn integrity_alert(unit: &str, key: &str, items: Vec<i64>) -> NewAlert {
    NewAlert {
        unit_id: unit.into(),
        kind: AlertKind::Integrity,
        severity: AlertSeverity::Urgent,
        title: "Trang web của đơn vị bị chèn nội dung rác (spam)".into(),
        details: serde_json::json!({ "url": "https://ubnd.example/tin-tuc", "spam_score": 0.97 }),
        item_ids: items,
        dedup_key: key.into(),
    }
}

/// Five weeks of background across six wards and three topics with daily and weekly rhythm:
/// the evaluator raises nothing. Then fourteen items of one topic in one ward within two
/// hours: exactly one burst alert, for that ward and topic, listing exactly that series'
/// items of the window; evaluating again raises nothing new, and later items join it.
pub async fn burst_in_a_realistic_background_raises_exactly_one_alert(t: &TestDb) {
    let store = &t.store;
    // The evaluation time is the next 16:00 in Hanoi (busy hours, whatever the wall clock):
    // it is never earlier than the analysis, which is all the evaluator's cursor needs.
    let real = Utc::now().timestamp() + 60;
    let start = real + (16 * 3600 - (real + 7 * 3600).rem_euclid(86_400)).rem_euclid(86_400);
    let background = submit_background(store, start, 35).await;
    assert!(background.len() > 600, "{} items", background.len());
    let started = std::time::Instant::now();
    analyze_all(store).await;
    eprintln!(
        "background: {} items analysed in {:?}",
        background.len(),
        started.elapsed()
    );
    let cfg = eval_cfg("e2e");
    let now = start + 1;
    let timer = std::time::Instant::now();
    let quiet = evaluate_once(store, &cfg, now).await.unwrap();
    let first_round = timer.elapsed();
    let timer = std::time::Instant::now();
    let idle = evaluate_once(store, &cfg, now).await.unwrap();
    eprintln!(
        "evaluator: first round over {} items, {} series in {first_round:?}; idle round in {:?}",
        quiet.items,
        quiet.series_checked,
        timer.elapsed()
    );
    assert_eq!(idle.items, 0);
    assert_eq!(quiet.items as usize, background.len());
    assert_eq!(quiet.burst_alerts, 0, "{quiet:?}");
    // A replay: every series of the background, at every hour of its last week, through the
    // same detector and the same store reads as the evaluator; ordinary days never fire.
    let mut series = BTreeSet::new();
    for &(id, ward, _) in &background {
        series.insert((ward, store.item(None, id).await.unwrap().topic));
    }
    assert!(series.len() >= 18, "{series:?}");
    let p = cfg.burst;
    let mut checked = 0;
    for (ward, topic) in &series {
        let events = store
            .series_events(ward, topic.as_deref(), start - 40 * 86_400, start + 1)
            .await
            .unwrap();
        let times: Vec<i64> = events.iter().map(|e| e.1).collect();
        for h in 0..168 {
            let at = start - h * 3600;
            let (observed, history) = window_counts(&times, at, p.window_secs, p.history_days);
            let v = assess(observed, &history, &p);
            assert!(!v.fires, "{ward} {topic:?} at -{h} h: {v:?}");
            checked += 1;
        }
    }
    assert!(checked >= 18 * 168);
    assert!(
        store
            .list_alerts(None, &AlertFilter::default())
            .await
            .unwrap()
            .is_empty()
    );

    // The burst: 14 reports in the last two hours.
    let mut burst = Vec::new();
    for i in 0..14usize {
        let at = start - 7000 + i as i64 * 480;
        let text = format!("{} (hộ số {})", BURST_TEXTS[i % BURST_TEXTS.len()], 10 + i);
        let s = ykien_listen::submit(store, None, item(BURST_WARD, text, at, 100_000 + i))
            .await
            .unwrap();
        burst.push(s.id);
    }
    analyze_all(store).await;
    // The classifier decides the stored topic; the burst texts are unambiguous.
    let mut topics = Vec::new();
    for &id in &burst {
        topics.push(
            store
                .item(None, id)
                .await
                .unwrap()
                .topic
                .unwrap_or_default(),
        );
    }
    let topic = topics[0].clone();
    assert!(
        topics.iter().filter(|t| **t == topic).count() >= 12,
        "burst topics: {topics:?}"
    );
    let now = start + 2;
    let report = evaluate_once(store, &cfg, now).await.unwrap();
    assert_eq!(report.items, 14);
    assert_eq!(report.burst_alerts, 1, "{report:?}");
    let alerts = store
        .list_alerts(None, &AlertFilter::default())
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let a = &alerts[0];
    assert_eq!(a.kind, AlertKind::Burst);
    assert_eq!(a.unit.0, BURST_WARD);
    assert_eq!(a.details["topic"], topic.as_str());
    assert_eq!(a.dedup_key, format!("burst:{BURST_WARD}:{topic}"));

    // Exactly the series' items of the window: the burst (of that topic) plus any background
    // item of that ward and topic in the last three hours.
    let w = cfg.burst.window_secs;
    let mut expected = BTreeSet::new();
    for (&id, t) in burst.iter().zip(&topics) {
        if *t == topic {
            expected.insert(id);
        }
    }
    for &(id, ward, at) in &background {
        if ward == BURST_WARD && at >= now - w && at < now {
            let it = store.item(None, id).await.unwrap();
            let all = store
                .analyzed_after(
                    ykien_store::Lease {
                        cursor_at: 0,
                        cursor_id: 0,
                    },
                    i64::MAX,
                    100_000,
                )
                .await
                .unwrap();
            eprintln!("{:#?}", &all[all.len() - 3..]);
            if it.topic.as_deref() == Some(topic.as_str()) && !it.is_hidden {
                expected.insert(id);
            }
        }
    }
    let detail = store.get_alert(None, a.id).await.unwrap();
    let got: BTreeSet<i64> = detail.items.iter().copied().collect();
    assert_eq!(got, expected);
    let d = &a.details;
    assert_eq!(d["observed"].as_u64().unwrap() as usize, expected.len());
    assert!(d["expected"].as_f64().unwrap() < 2.0, "{d}");
    assert!(d["ratio"].as_f64().unwrap() >= 3.0, "{d}");
    assert!(d["p_value"].as_f64().unwrap() <= 1e-4, "{d}");
    assert!(a.title.contains("Giảng Võ"), "{}", a.title);

    // Again, later: nothing new. Two more reports: they join the open alert.
    assert_eq!(
        evaluate_once(store, &cfg, now + 5)
            .await
            .unwrap()
            .burst_alerts,
        0
    );
    let mut more = Vec::new();
    for (i, t) in BURST_TEXTS.iter().take(2).enumerate() {
        let text = format!("{t} (hộ số {})", 40 + i);
        let s = ykien_listen::submit(store, None, item(BURST_WARD, text, start - 60, 200_000 + i))
            .await
            .unwrap();
        more.push(s.id);
    }
    analyze_all(store).await;
    let r = evaluate_once(store, &cfg, start + 10).await.unwrap();
    assert_eq!(
        (r.items, r.series_checked, r.burst_alerts),
        (2, 1, 0),
        "{r:?}"
    );
    let alerts = store
        .list_alerts(None, &AlertFilter::default())
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1);
    let items = store.get_alert(None, alerts[0].id).await.unwrap().items;
    let mut joined = 0;
    for id in more {
        if store.item(None, id).await.unwrap().topic.as_deref() == Some(topic.as_str()) {
            assert!(items.contains(&id), "{id} not in {items:?}");
            joined += 1;
        }
    }
    assert!(joined >= 1);
}

/// A keyword watch matches folded text ("thuy phuong" finds "Thụy Phương"), a threshold
/// rule fires at its count; rules are managed by handlers of their subtree only, alerts are
/// seen by handlers of the subtree, acknowledging and closing are audited.
pub async fn keyword_watch_and_threshold_rule_fire(t: &TestDb) {
    let store = &t.store;
    let city = actor(store, Role::Officer, "01", "city@x.vn").await;
    let ward = actor(store, Role::Officer, "00004", "ward@x.vn").await;
    let viewer = actor(store, Role::Viewer, "01", "viewer@x.vn").await;
    let watch = NewRule {
        unit: "01".into(),
        name: "Ngập Thụy Phương".into(),
        kind: RuleKind::Keyword,
        topic: None,
        terms: vec!["thuy phuong".into(), "  ".into()],
        threshold: 1,
        window_secs: 3600,
        negative_only: false,
        severity: AlertSeverity::Urgent,
    };
    // Scope: a ward officer cannot watch the city; a viewer cannot manage rules.
    assert!(matches!(
        store.create_rule(Some(&ward), &watch).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.create_rule(Some(&viewer), &watch).await,
        Err(StoreError::Forbidden { .. })
    ));
    let w = store.create_rule(Some(&city), &watch).await.unwrap();
    assert_eq!(w.terms, ["thuy phuong"]);
    let rule = store
        .create_rule(
            Some(&ward),
            &NewRule {
                unit: "00004".into(),
                name: "Ba Đình: 3 ý kiến trong 1 giờ".into(),
                kind: RuleKind::Threshold,
                topic: None,
                terms: vec![],
                threshold: 3,
                window_secs: 3600,
                negative_only: false,
                severity: AlertSeverity::Normal,
            },
        )
        .await
        .unwrap();
    assert_eq!(store.list_rules(Some(&ward)).await.unwrap().len(), 1);
    assert_eq!(store.list_rules(Some(&city)).await.unwrap().len(), 2);

    let now = Utc::now().timestamp();
    let texts = [
        (
            "00008",
            "Ngập sâu ở khu vực THỤY PHƯƠNG sau trận mưa lớn đêm qua",
        ),
        ("00008", "Đường Phương Liệt bị ngập, xe chết máy hàng loạt"),
        ("00004", "Rác thải ùn ứ ở ngõ 12, đề nghị thu gom sớm"),
        ("00004", "Đèn đường ở phố Đội Cấn không sáng nhiều ngày"),
    ];
    let mut ids = Vec::new();
    for (i, (unit, text)) in texts.iter().enumerate() {
        let s = ykien_listen::submit(
            store,
            None,
            item(unit, text.to_string(), now - 600, 300 + i),
        )
        .await
        .unwrap();
        ids.push(s.id);
    }
    analyze_all(store).await;
    let cfg = eval_cfg("rules");
    let r = evaluate_once(store, &cfg, Utc::now().timestamp() + 1)
        .await
        .unwrap();
    assert_eq!((r.keyword_alerts, r.rule_alerts), (1, 0), "{r:?}");
    let kw = store
        .list_alerts(
            Some(&city),
            &AlertFilter {
                kind: Some(AlertKind::Keyword),
                ..AlertFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(kw.len(), 1);
    assert_eq!(kw[0].severity, AlertSeverity::Urgent);
    assert_eq!(
        store.get_alert(Some(&city), kw[0].id).await.unwrap().items,
        [ids[0]]
    );
    // Filed at the city: not in the ward officer's subtree.
    assert!(matches!(
        store.get_alert(Some(&ward), kw[0].id).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .list_alerts(Some(&ward), &AlertFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store
            .list_alerts(Some(&viewer), &AlertFilter::default())
            .await,
        Err(StoreError::Forbidden { .. })
    ));

    // A third item in Ba Đình reaches the rule's threshold.
    let s = ykien_listen::submit(
        store,
        None,
        item(
            "00004",
            "Vỉa hè phố Kim Mã bị lấn chiếm".into(),
            now - 300,
            399,
        ),
    )
    .await
    .unwrap();
    analyze_all(store).await;
    let r = evaluate_once(store, &cfg, Utc::now().timestamp() + 1)
        .await
        .unwrap();
    assert_eq!((r.keyword_alerts, r.rule_alerts), (0, 1), "{r:?}");
    let ra = store
        .list_alerts(
            Some(&ward),
            &AlertFilter {
                kind: Some(AlertKind::Rule),
                ..AlertFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(ra.len(), 1);
    assert_eq!(ra[0].rule_id, Some(rule.id));
    let got: BTreeSet<i64> = store
        .get_alert(Some(&ward), ra[0].id)
        .await
        .unwrap()
        .items
        .into_iter()
        .collect();
    assert_eq!(got, BTreeSet::from([ids[2], ids[3], s.id]));

    // Acknowledge, close; a closed alert cannot be acknowledged; both audited.
    let a = store
        .set_alert_status(Some(&ward), ra[0].id, AlertStatus::Acknowledged)
        .await
        .unwrap();
    assert_eq!(a.status, AlertStatus::Acknowledged);
    assert_eq!(a.acknowledged_by, Some(ward.user_id));
    store
        .set_alert_status(Some(&ward), ra[0].id, AlertStatus::Closed)
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_alert_status(Some(&ward), ra[0].id, AlertStatus::Acknowledged)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let audit = store.audit_tail(None, 200).await.unwrap();
    for action in [
        "alert_rule.create",
        "alert.raise",
        "alert.acknowledged",
        "alert.closed",
    ] {
        assert!(audit.iter().any(|e| e.action == action), "{action}");
    }
    // Within its window the closed rule alert does not fire again at once (cool-down).
    let r = evaluate_once(store, &cfg, Utc::now().timestamp() + 2)
        .await
        .unwrap();
    assert_eq!(r.rule_alerts, 0);
    // Disabling and deleting are scoped and audited too.
    assert!(matches!(
        store.set_rule_enabled(Some(&ward), w.id, false).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        !store
            .set_rule_enabled(Some(&city), w.id, false)
            .await
            .unwrap()
            .enabled
    );
    store.delete_rule(Some(&ward), rule.id).await.unwrap();
    assert_eq!(store.list_rules(Some(&city)).await.unwrap().len(), 1);
}

/// An alert raised like the feeds' integrity watch raises it is delivered to a webhook of
/// its subtree (not to one elsewhere): signed (the server checks the HMAC and the
/// timestamp), answered 500 first, retried, then 200; every attempt recorded.
pub async fn webhook_is_signed_and_retried_with_backoff(t: &TestDb) {
    let store = &t.store;
    let city = actor(store, Role::Admin, "01", "admin@x.vn").await;
    let (url, seen) = webhook_server("s3cret-key", 1).await;
    let (other_url, other_seen) = webhook_server("other", 0).await;
    let ch = store
        .create_channel(
            Some(&city),
            &NewAlertChannel {
                unit: "01".into(),
                rule_id: None,
                kind: ChannelKind::Webhook,
                target: url.clone(),
                secret: Some("s3cret-key".into()),
                min_severity: AlertSeverity::Normal,
            },
        )
        .await
        .unwrap();
    assert!(ch.has_secret);
    store
        .create_channel(
            Some(&city),
            &NewAlertChannel {
                unit: "00008".into(),
                rule_id: None,
                kind: ChannelKind::Webhook,
                target: other_url,
                secret: Some("other".into()),
                min_severity: AlertSeverity::Normal,
            },
        )
        .await
        .unwrap();
    // A webhook without a secret is refused.
    assert!(
        store
            .create_channel(
                Some(&city),
                &NewAlertChannel {
                    unit: "01".into(),
                    rule_id: None,
                    kind: ChannelKind::Webhook,
                    target: url.clone(),
                    secret: None,
                    min_severity: AlertSeverity::Normal,
                },
            )
            .await
            .is_err()
    );
    let s = ykien_listen::submit(
        store,
        None,
        item(
            "00004",
            "Trang tin phường bị chèn quảng cáo cờ bạc".into(),
            Utc::now().timestamp(),
            1,
        ),
    )
    .await
    .unwrap();
    let id = store
        .raise_alert(&integrity_alert(
            "00004",
            "integrity:https://ubnd.example/tin-tuc",
            vec![s.id, 999_999],
        ))
        .await
        .unwrap()
        .expect("raised");
    // The same key while open: deduplicated.
    assert_eq!(
        store
            .raise_alert(&integrity_alert(
                "00004",
                "integrity:https://ubnd.example/tin-tuc",
                vec![]
            ))
            .await
            .unwrap(),
        None
    );
    let http = http_client(Duration::from_secs(5)).unwrap();
    let r = deliver_once(store, &http, &fast_delivery(5)).await.unwrap();
    assert_eq!(
        (r.planned, r.delivered, r.retried, r.failed),
        (1, 1, 1, 0),
        "{r:?}"
    );
    let hooks = seen.lock().unwrap().clone();
    assert_eq!(hooks.len(), 2);
    assert!(hooks.iter().all(|h| h.signature_ok && h.timestamp_ok));
    assert_eq!((hooks[0].status, hooks[1].status), (500, 200));
    let body: serde_json::Value = serde_json::from_slice(&hooks[1].body).unwrap();
    assert_eq!(body["alert"]["id"], id);
    assert_eq!(body["alert"]["kind"], "integrity");
    assert_eq!(body["alert"]["severity"], "urgent");
    assert_eq!(
        body["alert"]["url"],
        format!("https://ykien.example/alerts/{id}")
    );
    assert_eq!(body["attempt"], 2);
    assert_eq!(body["items"][0]["id"], s.id);
    assert!(other_seen.lock().unwrap().is_empty());
    let d = store.alert_deliveries(Some(&city), id).await.unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].state.as_str(), d[0].attempts, d[0].last_status),
        ("done", 2, Some(200))
    );
    // Nothing more to do.
    let r = deliver_once(store, &http, &fast_delivery(5)).await.unwrap();
    assert_eq!((r.planned, r.delivered), (0, 0));
    assert_eq!(seen.lock().unwrap().len(), 2);
}

/// An endpoint that keeps failing is tried `max_attempts` times, then given up, recorded.
pub async fn webhook_gives_up_after_max_attempts(t: &TestDb) {
    let store = &t.store;
    let (url, seen) = webhook_server("k", usize::MAX).await;
    store
        .create_channel(
            None,
            &NewAlertChannel {
                unit: "00004".into(),
                rule_id: None,
                kind: ChannelKind::Webhook,
                target: url,
                secret: Some("k".into()),
                min_severity: AlertSeverity::Normal,
            },
        )
        .await
        .unwrap();
    let id = store
        .raise_alert(&integrity_alert("00004", "k1", vec![]))
        .await
        .unwrap()
        .unwrap();
    let http = http_client(Duration::from_secs(5)).unwrap();
    let r = deliver_once(store, &http, &fast_delivery(3)).await.unwrap();
    assert_eq!((r.delivered, r.retried, r.failed), (0, 2, 1), "{r:?}");
    assert_eq!(seen.lock().unwrap().len(), 3);
    let d = store.alert_deliveries(None, id).await.unwrap();
    assert_eq!(
        (d[0].state.as_str(), d[0].attempts, d[0].last_status),
        ("failed", 3, Some(500))
    );
    assert!(d[0].last_error.as_deref().unwrap_or("").contains("500"));
}

/// An e-mail channel receives the alert through a real SMTP exchange; the server checks
/// the order of commands, the message carries the title (RFC 2047) and the items.
pub async fn email_is_delivered_over_smtp(t: &TestDb) {
    let store = &t.store;
    let (port, got) = smtp_server().await;
    store
        .create_channel(
            None,
            &NewAlertChannel {
                unit: "01".into(),
                rule_id: None,
                kind: ChannelKind::Email,
                target: "canbo@ubnd.example.vn".into(),
                secret: None,
                min_severity: AlertSeverity::Urgent,
            },
        )
        .await
        .unwrap();
    let s = ykien_listen::submit(
        store,
        None,
        item(
            "00070",
            "Khói bụi công trình gây ô nhiễm. Liên hệ anh Tuấn 0912 345 678".into(),
            Utc::now().timestamp(),
            5,
        ),
    )
    .await
    .unwrap();
    analyze_all(store).await;
    // A normal alert does not reach an urgent-only channel; the urgent one does.
    let mut normal = integrity_alert("00070", "n1", vec![s.id]);
    normal.severity = AlertSeverity::Normal;
    store.raise_alert(&normal).await.unwrap().unwrap();
    let id = store
        .raise_alert(&integrity_alert("00070", "u1", vec![s.id]))
        .await
        .unwrap()
        .unwrap();
    let cfg = DeliveryConfig {
        smtp: Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            from: "ykien@ubnd.example.vn".into(),
            username: None,
            password: None,
            starttls: StartTls::Opportunistic,
            hello: "ykien.test".into(),
            timeout_secs: 10,
        }),
        ..fast_delivery(3)
    };
    let http = http_client(Duration::from_secs(5)).unwrap();
    let r = deliver_once(store, &http, &cfg).await.unwrap();
    assert_eq!((r.planned, r.delivered, r.failed), (1, 1, 0), "{r:?}");
    let mails = got.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.ehlo, "ykien.test");
    assert_eq!(m.mail_from, "ykien@ubnd.example.vn");
    assert_eq!(m.rcpt_to, ["canbo@ubnd.example.vn"]);
    let (head, body) = m.data.split_once("\r\n\r\n").expect("headers and body");
    let subject = head
        .lines()
        .find_map(|l| l.strip_prefix("Subject: =?UTF-8?B?"))
        .and_then(|s| s.strip_suffix("?="))
        .expect("encoded subject");
    let subject = String::from_utf8(unbase64(subject)).unwrap();
    assert_eq!(
        subject,
        "[ykien] Trang web của đơn vị bị chèn nội dung rác (spam)"
    );
    assert!(head.contains("Content-Transfer-Encoding: base64"));
    assert!(body.lines().all(|l| l.len() <= 76));
    let text = String::from_utf8(unbase64(body)).unwrap();
    assert!(text.contains("Phường Hoàn Kiếm"), "{text}");
    assert!(text.contains(&format!("#{}", s.id)), "{text}");
    assert!(text.contains("Khói bụi công trình"), "{text}");
    // Personal data does not leave ykien: the phone number is masked.
    assert!(!text.contains("0912 345 678"), "{text}");
    let d = store.alert_deliveries(None, id).await.unwrap();
    assert_eq!((d[0].state.as_str(), d[0].last_status), ("done", Some(250)));
}

/// Two processes on one database: one evaluator at a time; the lease passes on release.
pub async fn one_evaluator_at_a_time(t: &TestDb) {
    let other = t.second_process().await;
    let now = Utc::now().timestamp();
    let a = evaluate_once(&t.store, &eval_cfg("proc-a"), now)
        .await
        .unwrap();
    assert!(!a.not_leader);
    let b = evaluate_once(&other, &eval_cfg("proc-b"), now)
        .await
        .unwrap();
    assert!(b.not_leader);
    t.store
        .release_lease(ykien_alerts::evaluate::EVALUATOR, "proc-a")
        .await
        .unwrap();
    let b = evaluate_once(&other, &eval_cfg("proc-b"), now)
        .await
        .unwrap();
    assert!(!b.not_leader);
    other.close().await;
}

/// The contract the feeds rely on: one open alert per key (later items join it, unknown item
/// ids are skipped), a new one once the old is acknowledged; raised by the system, audited;
/// an unknown unit is refused. Concurrent raises of one key (two processes) make one alert.
pub async fn raise_alert_dedups_attaches_and_audits(t: &TestDb) {
    let store = &t.store;
    let now = Utc::now().timestamp();
    let mut ids = Vec::new();
    for i in 0..3usize {
        let s = ykien_listen::submit(
            store,
            None,
            item(
                "00008",
                format!("Trang tin bị chèn liên kết lạ số {i}"),
                now,
                700 + i,
            ),
        )
        .await
        .unwrap();
        ids.push(s.id);
    }
    let key = "integrity:https://ubnd.example/a";
    let first = store
        .raise_alert(&integrity_alert("00008", key, vec![ids[0], 987_654_321]))
        .await
        .unwrap()
        .expect("raised");
    assert_eq!(
        store
            .raise_alert(&integrity_alert("00008", key, vec![ids[0], ids[1]]))
            .await
            .unwrap(),
        None
    );
    let d = store.get_alert(None, first).await.unwrap();
    assert_eq!(d.items, [ids[0], ids[1]]);
    assert_eq!(d.alert.kind, AlertKind::Integrity);
    assert_eq!(d.alert.severity, AlertSeverity::Urgent);
    let audit = store.audit_tail(None, 50).await.unwrap();
    let raise: Vec<_> = audit.iter().filter(|e| e.action == "alert.raise").collect();
    assert_eq!(raise.len(), 1);
    assert_eq!(raise[0].actor_user_id, None);
    assert_eq!(raise[0].unit_path.as_deref(), Some("/01/00008/"));
    assert!(audit.iter().any(|e| e.action == "alert.add_items"));
    assert!(matches!(
        store
            .raise_alert(&integrity_alert("nope", "x", vec![]))
            .await,
        Err(StoreError::Invalid { .. })
    ));
    store
        .set_alert_status(None, first, AlertStatus::Acknowledged)
        .await
        .unwrap();
    let second = store
        .raise_alert(&integrity_alert("00008", key, vec![ids[2]]))
        .await
        .unwrap()
        .expect("a new alert once the first is acknowledged");
    assert_ne!(first, second);

    // Two processes raise one new key at once, many times: one alert, every item on it.
    let other = t.second_process().await;
    let mut tasks = Vec::new();
    for k in 0..8usize {
        let s = if k % 2 == 0 {
            store.clone()
        } else {
            other.clone()
        };
        let item = ids[k % 3];
        tasks.push(tokio::spawn(async move {
            s.raise_alert(&integrity_alert("00008", "race", vec![item]))
                .await
                .unwrap()
        }));
    }
    let mut raised = 0;
    for task in tasks {
        if task.await.unwrap().is_some() {
            raised += 1;
        }
    }
    assert_eq!(raised, 1);
    let race = store
        .list_alerts(None, &AlertFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.dedup_key == "race")
        .collect::<Vec<_>>();
    assert_eq!(race.len(), 1);
    assert_eq!(race[0].item_count, 3);
    other.close().await;
}

/// STARTTLS required but not offered: nothing is sent, and the error says why.
pub async fn smtp_refuses_to_send_without_required_tls(t: &TestDb) {
    let _ = t;
    let (port, got) = smtp_server().await;
    let cfg = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        from: "ykien@ubnd.example.vn".into(),
        username: None,
        password: None,
        starttls: StartTls::Required,
        hello: "ykien.test".into(),
        timeout_secs: 5,
    };
    let mail = ykien_alerts::smtp::Mail {
        to: "a@b.vn".into(),
        subject: "x".into(),
        body: "y".into(),
        id: "t1".into(),
    };
    let e = ykien_alerts::smtp::send_mail(&cfg, &mail)
        .await
        .unwrap_err();
    assert!(e.message.contains("STARTTLS"), "{e}");
    // A password is never sent in the clear either.
    let plain = SmtpConfig {
        starttls: StartTls::Opportunistic,
        username: Some("u".into()),
        password: Some("p".into()),
        ..cfg
    };
    let e = ykien_alerts::smtp::send_mail(&plain, &mail)
        .await
        .unwrap_err();
    assert!(e.permanent && e.message.contains("without TLS"), "{e}");
    assert!(got.lock().unwrap().is_empty());
}
