//! Store cases of the officers' workspace (dashboard): the figures of a unit's subtree over a
//! period and the one before, scoped like every other read.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ykien_core::Role;
use ykien_store::{
    AlertKind, AlertSeverity, Channel, Confidentiality, DashboardQuery, NewAlert, NewCase, NewItem,
    NewSource, OpinionReport, Severity, SourceKind, StoreError,
};

use crate::harness::TestDb;

const CITY: &str = "01";
const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà
const HANOI: i32 = 7 * 3600;

/// The end of today in Hà Nội (local midnight), so that periods are whole local days.
fn end_of_today() -> DateTime<Utc> {
    let local = Utc::now() + Duration::seconds(i64::from(HANOI));
    let midnight = local.date_naive().and_hms_opt(0, 0, 0).unwrap();
    Utc.from_utc_datetime(&midnight) - Duration::seconds(i64::from(HANOI)) + Duration::days(1)
}

fn query(unit: &str, days: i64) -> DashboardQuery {
    let to = end_of_today();
    DashboardQuery {
        unit: unit.into(),
        from: to - Duration::days(days),
        to,
        utc_offset_secs: HANOI,
        top: 5,
    }
}

/// Files an item heard `days_ago` days before the end of today (minus an hour, so that 0 is
/// today in Hà Nội), with its topic and sentiment set as the pipeline would.
async fn heard(
    t: &TestDb,
    unit: &str,
    days_ago: f64,
    topic: Option<&str>,
    sentiment: Option<&str>,
    tag: &str,
) -> i64 {
    let at = end_of_today() - Duration::hours(1) - Duration::minutes((days_ago * 1440.0) as i64);
    let id = t
        .store
        .submit_item(
            None,
            NewItem {
                unit: unit.into(),
                source: "dashboard-test".into(),
                channel: if topic == Some("giao_thong") {
                    Channel::Form
                } else {
                    Channel::Import
                },
                external_id: Some(tag.into()),
                author_user_id: None,
                author_contact: None,
                occurred_at: Some(at),
                text: format!("Ý kiến thử {tag}"),
                title: None,
                report: OpinionReport::default(),
                confidentiality: Confidentiality::Normal,
                dedup_text: String::new(),
            },
        )
        .await
        .unwrap()
        .id;
    let set = |col: &str, v: Option<&str>| match v {
        Some(v) => format!("{col} = '{v}'"),
        None => format!("{col} = NULL"),
    };
    t.exec(&format!(
        "UPDATE items SET {}, {} WHERE id = {id}",
        set("topic", topic),
        set("sentiment", sentiment)
    ))
    .await
    .unwrap();
    id
}

fn count(v: &[ykien_store::Keyed], key: &str) -> (u64, u64) {
    v.iter()
        .find(|k| k.key == key)
        .map(|k| (k.count.current, k.count.previous))
        .unwrap_or((0, 0))
}

pub async fn dashboard_counts_both_periods_by_day_topic_sentiment_and_unit(t: &TestDb) {
    let s = t.with_units().await;
    let leader = t.actor(Role::Leader, CITY, "lead@x.vn").await;
    let officer = t.actor(Role::Officer, WARD, "o@x.vn").await;
    let collab = t.actor(Role::Collaborator, WARD, "c@x.vn").await;

    // Ba Đình: three this week, one the week before, one spam, one restricted, one too old.
    heard(t, WARD, 0.0, Some("moi_truong"), Some("negative"), "w0").await;
    heard(t, WARD, 1.0, Some("moi_truong"), Some("negative"), "w1").await;
    heard(t, WARD, 6.0, Some("giao_thong"), Some("positive"), "w6").await;
    heard(t, WARD, 8.0, Some("moi_truong"), Some("neutral"), "w8").await;
    let spam = heard(t, WARD, 2.0, Some("other"), Some("neutral"), "spam").await;
    t.exec(&format!(
        "UPDATE items SET is_hidden = TRUE WHERE id = {spam}"
    ))
    .await
    .unwrap();
    let secret = heard(t, WARD, 3.0, Some("moi_truong"), None, "secret").await;
    t.exec(&format!(
        "UPDATE items SET confidentiality = 'restricted' WHERE id = {secret}"
    ))
    .await
    .unwrap();
    heard(t, WARD, 20.0, Some("moi_truong"), Some("negative"), "old").await;
    // Not analysed yet: counted, under no topic.
    heard(t, WARD, 0.5, None, None, "pending").await;
    // Received today but heard long ago (an import of old comments): not this week.
    heard(t, WARD, 100.0, Some("giao_thong"), None, "imported").await;
    // Received long ago with no date of its own: counted by when it was received.
    let received = heard(t, WARD, 30.0, Some("giao_thong"), None, "received").await;
    let three_days_ago = (Utc::now() - Duration::days(3)).timestamp();
    t.exec(&format!(
        "UPDATE items SET occurred_at = NULL, received_at = {three_days_ago} WHERE id = {received}"
    ))
    .await
    .unwrap();
    // Ngọc Hà: two this week. The city itself: one.
    heard(t, SIBLING, 0.0, Some("giao_thong"), Some("negative"), "s0").await;
    heard(t, SIBLING, 4.0, Some("giao_thong"), Some("negative"), "s4").await;
    heard(t, CITY, 2.0, Some("y_te"), Some("neutral"), "c2").await;

    // The ward officer: w0 w1 w6 secret pending received this week; w8 the week before.
    let d = s.dashboard(&officer, &query(WARD, 7)).await.unwrap();
    assert_eq!(d.unit.id.as_str(), WARD);
    assert_eq!((d.items.current, d.items.previous), (6, 1));
    assert_eq!(d.items.delta(), 5);
    assert_eq!(d.items.percent(), Some(500.0));
    assert_eq!((d.hidden.current, d.hidden.previous), (1, 0));
    assert_eq!(d.pending, 1);
    assert_eq!(count(&d.topics, "moi_truong"), (3, 1));
    assert_eq!(count(&d.topics, "giao_thong"), (2, 0));
    assert_eq!(count(&d.topics, "other"), (0, 0), "spam is not a topic");
    assert_eq!(count(&d.topics, ""), (1, 0));
    assert_eq!(d.topics[0].key, "moi_truong", "the most frequent first");
    assert_eq!(count(&d.sentiments, "negative"), (2, 0));
    assert_eq!(count(&d.sentiments, "neutral"), (0, 1));
    assert_eq!(count(&d.sentiments, "positive"), (1, 0));
    assert_eq!(count(&d.channels, "form"), (2, 0));
    assert_eq!(count(&d.channels, "import"), (4, 1));
    // Seven local days each, every day present; today last.
    assert_eq!(d.daily.len(), 7);
    assert_eq!(d.daily_previous.len(), 7);
    assert_eq!(d.daily[6].1, 2, "w0 and pending today: {:?}", d.daily);
    assert_eq!(d.daily[5].1, 1);
    assert_eq!(d.daily[0].1, 1, "w6 six days ago");
    assert_eq!(d.daily.iter().map(|x| x.1).sum::<u64>(), d.items.current);
    assert_eq!(d.daily_previous.iter().map(|x| x.1).sum::<u64>(), 1);
    assert_eq!(d.daily[0].0 - d.daily_previous[0].0, Duration::days(7));
    assert_eq!(d.daily[6].0 - d.daily[0].0, Duration::days(6));
    assert!(d.trail.is_empty(), "the officer's own unit: no way up");
    assert!(d.children.is_empty() && d.direct.current == 6);

    // The newest items, as listed to the officer: the restricted one included, spam not.
    assert_eq!(d.latest.len(), 5);
    assert!(d.latest.iter().any(|i| i.id == secret));
    assert!(
        d.latest
            .iter()
            .all(|i| !i.is_hidden && i.unit.as_str() == WARD)
    );

    // A collaborator of the same ward does not count the restricted item, nor sees it.
    let d = s.dashboard(&collab, &query(WARD, 7)).await.unwrap();
    assert_eq!((d.items.current, d.items.previous), (5, 1));
    assert!(d.latest.iter().all(|i| i.id != secret));
    assert_eq!(count(&d.topics, "moi_truong"), (2, 1));

    // The city: its wards and itself; each ward's figures are those of its own dashboard.
    let d = s.dashboard(&leader, &query(CITY, 7)).await.unwrap();
    assert_eq!(d.items.current, 6 + 2 + 1);
    assert_eq!(d.children.len(), 126, "Hà Nội's 126 communes and wards");
    let child = |id: &str| {
        d.children
            .iter()
            .find(|c| c.unit.id.as_str() == id)
            .unwrap()
            .items
    };
    assert_eq!((child(WARD).current, child(WARD).previous), (6, 1));
    assert_eq!(child(SIBLING).current, 2);
    assert_eq!(child("00070").current, 0);
    assert_eq!(d.direct.current, 1);
    assert!(d.children.iter().all(|c| c.unit.lat.is_some()), "centroids");
    assert_eq!(count(&d.topics, "giao_thong"), (4, 0));
    // The breakdown groups the same rows by unit below, topic and sentiment: its sums are
    // the dashboard's figures.
    let b = s
        .dashboard_breakdown(&leader, &query(CITY, 7))
        .await
        .unwrap();
    let sum = |f: &dyn Fn(&ykien_store::BreakdownRow) -> bool| {
        b.iter().filter(|r| f(r)).fold((0, 0), |(c, p), r| {
            (c + r.count.current, p + r.count.previous)
        })
    };
    assert_eq!(sum(&|_| true), (d.items.current, d.items.previous));
    for k in &d.topics {
        assert_eq!(
            sum(&|r| r.topic == k.key),
            (k.count.current, k.count.previous),
            "{}",
            k.key
        );
    }
    for c in &d.children {
        let id = Some(c.unit.id.clone());
        assert_eq!(sum(&|r| r.child == id), (c.items.current, c.items.previous));
    }
    assert_eq!(
        sum(&|r| r.child.is_none()),
        (1, 0),
        "filed at the city itself"
    );
    assert_eq!(
        sum(&|r| r.child.as_ref().is_some_and(|u| u.as_str() == WARD)
            && r.topic == "moi_truong"
            && r.sentiment == "negative"),
        (2, 0)
    );
    assert_eq!(
        sum(&|r| r.child.as_ref().is_some_and(|u| u.as_str() == SIBLING) && r.topic == "giao_thong"),
        (2, 0)
    );
    // Scoped like the dashboard: the ward officer cannot break the city down.
    let e = s
        .dashboard_breakdown(&officer, &query(CITY, 7))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    // Drill-down: the leader on the ward sees what the ward officer sees, with the way up.
    let w = s.dashboard(&leader, &query(WARD, 7)).await.unwrap();
    assert_eq!((w.items.current, w.items.previous), (6, 1));
    assert_eq!(
        w.trail.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        vec![CITY]
    );

    // A longer period takes in the older items; 30 days before that, nothing.
    let d = s.dashboard(&officer, &query(WARD, 30)).await.unwrap();
    assert_eq!((d.items.current, d.items.previous), (8, 0));
    assert_eq!(d.daily.len(), 30);
}

pub async fn dashboard_is_scoped_and_checks_its_period(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "o@x.vn").await;
    let other = t.actor(Role::Officer, SIBLING, "other@x.vn").await;
    let viewer = t.actor(Role::Viewer, WARD, "v@x.vn").await;
    let leader = t.actor(Role::Leader, CITY, "lead@x.vn").await;
    heard(t, WARD, 0.0, Some("moi_truong"), Some("negative"), "w0").await;

    // A sibling ward, the city above, a legacy unit, a missing one: all not found alike.
    for unit in [SIBLING, CITY, "79", "old:c:00001", "99999", ""] {
        let e = s.dashboard(&officer, &query(unit, 7)).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{unit}: {e:?}");
    }
    let e = s.dashboard(&other, &query(WARD, 7)).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let d = s.dashboard(&other, &query(SIBLING, 7)).await.unwrap();
    assert_eq!(d.items.current, 0, "nothing of Ba Đình leaks into Ngọc Hà");

    // Periods are whole days, one year at most.
    let mut q = query(WARD, 7);
    q.from += Duration::hours(1);
    assert!(matches!(
        s.dashboard(&officer, &q).await,
        Err(StoreError::Invalid { .. })
    ));
    for days in [0, 400] {
        assert!(matches!(
            s.dashboard(&officer, &query(WARD, days)).await,
            Err(StoreError::Invalid { .. })
        ));
    }

    // Cases: open ones counted, the overdue ones first; closed ones not at all.
    let past = Utc::now() - Duration::hours(5);
    let mk = |title: &str, severity, due| NewCase {
        unit: WARD.into(),
        title: title.into(),
        severity,
        item_ids: vec![],
        due_at: due,
    };
    let late = s
        .create_case(Some(&officer), mk("Quá hạn", Severity::Normal, Some(past)))
        .await
        .unwrap();
    let urgent = s
        .create_case(Some(&officer), mk("Khẩn", Severity::Urgent, None))
        .await
        .unwrap();
    s.create_case(Some(&officer), mk("Thường", Severity::Normal, None))
        .await
        .unwrap();
    let d = s.dashboard(&officer, &query(WARD, 7)).await.unwrap();
    assert_eq!((d.cases.open, d.cases.overdue), (3, 1));
    assert_eq!(d.cases.top[0].id, late.case.id, "overdue first");
    assert_eq!(d.cases.top[1].id, urgent.case.id, "then urgent");
    assert_eq!(d.cases.overdue_list.len(), 1);
    let d = s.dashboard(&leader, &query(CITY, 7)).await.unwrap();
    assert_eq!(
        (d.cases.open, d.cases.overdue),
        (3, 1),
        "the city counts its wards"
    );
    let d = s.dashboard(&other, &query(SIBLING, 7)).await.unwrap();
    assert_eq!(d.cases.open, 0);
    let mut one = query(WARD, 7);
    one.top = 1;
    let d = s.dashboard(&officer, &one).await.unwrap();
    assert_eq!(
        (d.cases.open, d.cases.top.len()),
        (3, 1),
        "top limits the list only"
    );

    // Alerts: handlers see the open ones; other roles none at all.
    s.raise_alert(&NewAlert {
        unit_id: WARD.into(),
        kind: AlertKind::Burst,
        severity: AlertSeverity::Normal,
        title: "Đột biến ý kiến về môi trường".into(),
        details: serde_json::json!({}),
        item_ids: vec![],
        dedup_key: "burst:00004:moi_truong".into(),
    })
    .await
    .unwrap();
    let d = s.dashboard(&officer, &query(WARD, 7)).await.unwrap();
    let a = d.alerts.expect("an officer handles alerts");
    assert_eq!((a.open, a.latest.len()), (1, 1));
    let d = s.dashboard(&viewer, &query(WARD, 7)).await.unwrap();
    assert!(d.alerts.is_none());
    assert_eq!(
        d.items.current, 1,
        "a viewer still sees the figures of its ward"
    );
    let d = s.dashboard(&other, &query(SIBLING, 7)).await.unwrap();
    assert_eq!(d.alerts.map(|a| a.open), Some(0));

    // Feed sources of the subtree.
    s.add_source(
        None,
        NewSource {
            unit: WARD.into(),
            kind: SourceKind::Rss,
            url: "https://example.invalid/rss.xml".into(),
            name: "Báo phường".into(),
            poll_interval: std::time::Duration::from_secs(3600),
        },
    )
    .await
    .unwrap();
    let d = s.dashboard(&leader, &query(CITY, 7)).await.unwrap();
    assert_eq!(
        (d.feeds.sources, d.feeds.enabled, d.feeds.failing),
        (1, 1, 0)
    );
    let d = s.dashboard(&other, &query(SIBLING, 7)).await.unwrap();
    assert_eq!(d.feeds.sources, 0);
}
