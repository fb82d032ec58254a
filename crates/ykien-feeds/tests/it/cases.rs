//! The cases, each run on both backends by `main.rs`.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chrono::Utc;
use ykien_core::Role;
use ykien_feeds::{ErrorKind, Poller};
use ykien_store::{
    AlertFilter, AlertKind, AlertSeverity, FetchOutcome, Item, NewSource, SourceKind, StoreError,
};

use crate::harness::{TestDb, poller, poller_config};
use crate::server::{self, site_page};

const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

async fn items_of(t: &TestDb, source: &str) -> Vec<Item> {
    let mut v: Vec<Item> = t
        .store
        .list_items(None, true, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.source == source)
        .collect();
    v.sort_by_key(|i| i.id);
    v
}

pub async fn rss_and_atom_become_items_once(t: &TestDb) {
    let srv = server::start().await;
    let rss = t
        .source(WARD, SourceKind::Rss, "Tin phường", &srv.url("/rss.xml"))
        .await;
    let atom = t
        .source(WARD, SourceKind::Atom, "Thông báo", &srv.url("/atom.xml"))
        .await;
    let p = poller(t);
    // Both are due as soon as they are registered.
    let reports = p.poll_due().await.unwrap();
    assert_eq!(reports.len(), 2, "{reports:?}");
    let by_id: HashMap<i64, _> = reports.iter().map(|r| (r.source_id, r)).collect();
    assert_eq!(by_id[&rss.id].outcome, FetchOutcome::Ok);
    assert_eq!(
        (by_id[&rss.id].items_found, by_id[&rss.id].items_added),
        (3, 3)
    );
    assert_eq!(
        (by_id[&atom.id].items_found, by_id[&atom.id].items_added),
        (2, 2)
    );

    let items = items_of(t, "Tin phường").await;
    assert_eq!(items.len(), 3);
    for i in &items {
        assert_eq!(i.channel, "feed");
        assert_eq!(i.unit.as_str(), WARD);
        assert!(
            !i.text.contains('<') && !i.text.contains("&amp;"),
            "{}",
            i.text
        );
    }
    let flood = items
        .iter()
        .find(|i| i.external_id.as_deref() == Some("tin-2026-11-28-001"))
        .expect("the guid is the external id");
    assert!(flood.text.contains("ngõ 12 Đội Cấn phản ánh nước ngập sâu"));
    assert!(flood.text.contains("nạo vét cống"));
    assert_eq!(
        flood.title.as_deref(),
        Some("Người dân phản ánh ngập úng ở ngõ 12 Đội Cấn")
    );
    assert_eq!(
        flood.occurred_at.map(|d| d.to_rfc3339()),
        Some("2026-11-28T00:30:00+00:00".into())
    );
    // content:encoded, longer than the description, wins; entities are decoded.
    let meeting = items
        .iter()
        .find(|i| i.external_id.as_deref() == Some("tin-2026-11-28-002"))
        .unwrap();
    assert!(meeting.text.contains("sân chơi cho trẻ em & lắp thêm đèn"));
    // No guid: the link stands in.
    assert!(
        items
            .iter()
            .any(|i| i.external_id.as_deref() == Some("http://example.invalid/tin/cat-dien-30-11"))
    );
    let notices = items_of(t, "Thông báo").await;
    assert_eq!(notices.len(), 2);
    assert!(notices.iter().all(|i| !i.text.contains("track()")));
    assert!(
        notices
            .iter()
            .any(|i| i.text.contains("tiếp tục ủng hộ đồng bào"))
    );

    // Not due again before the interval…
    assert!(p.poll_due().await.unwrap().is_empty());
    // …and fetching again anyway adds nothing.
    for (s, found) in [(&rss, 3), (&atom, 2)] {
        let r = p.fetch_now(s.id).await.unwrap().expect("not leased");
        assert_eq!((r.items_found, r.items_added), (found, 0), "{r:?}");
    }
    assert_eq!(items_of(t, "Tin phường").await.len(), 3);
    assert_eq!(items_of(t, "Thông báo").await.len(), 2);
    let h = t.store.fetch_history(None, rss.id, 10).await.unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(
        h.iter()
            .map(|f| (f.outcome.as_str(), f.items_added, f.http_status))
            .collect::<Vec<_>>(),
        vec![("ok", 0, Some(200)), ("ok", 3, Some(200))]
    );
    assert!(h.iter().all(|f| f.bytes as usize == server::RSS.len()));
    let s = t.store.source(None, rss.id).await.unwrap();
    assert_eq!(s.consecutive_failures, 0);
    assert_eq!(s.last_status.as_deref(), Some("ok"));
    let ahead = (s.next_fetch_at - Utc::now()).num_seconds();
    assert!((3500..=3600).contains(&ahead), "{ahead}");
}

pub async fn article_page_gives_its_main_text(t: &TestDb) {
    let srv = server::start().await;
    let page = t
        .source(
            WARD,
            SourceKind::Page,
            "Báo phường",
            &srv.url("/bai-viet.html"),
        )
        .await;
    let p = poller(t);
    let r = p.fetch_now(page.id).await.unwrap().unwrap();
    assert_eq!(
        (r.outcome, r.items_found, r.items_added),
        (FetchOutcome::Ok, 1, 1)
    );
    let items = items_of(t, "Báo phường").await;
    assert_eq!(items.len(), 1);
    let text = &items[0].text;
    for wanted in [
        "Chợ dân sinh của phường được xây dựng từ những năm 1990",
        "Bà Nguyễn Thị Lan, bán rau ở chợ hơn hai mươi năm",
        "bố trí lực lượng giữ trật tự, an toàn giao thông.",
    ] {
        assert!(text.contains(wanted), "missing {wanted:?} in {text}");
    }
    for unwanted in [
        "Đọc nhiều",
        "Giá vàng hôm nay",
        "Trang chủ",
        "Bản quyền",
        "MA-THEO-DOI",
        "KHONG-PHAI-NOI-DUNG",
        "font-family",
    ] {
        assert!(!text.contains(unwanted), "{unwanted:?} leaked into {text}");
    }
    assert_eq!(
        items[0].title.as_deref(),
        Some("Cải tạo chợ dân sinh: người dân mong sớm hoàn thành")
    );
    // The same text again is not a new item.
    let r = p.fetch_now(page.id).await.unwrap().unwrap();
    assert_eq!((r.items_found, r.items_added), (1, 0));
    assert_eq!(items_of(t, "Báo phường").await.len(), 1);
}

pub async fn conditional_requests_get_304(t: &TestDb) {
    let srv = server::start().await;
    let s = t
        .source(
            WARD,
            SourceKind::Rss,
            "Tin có điều kiện",
            &srv.url("/cond.xml"),
        )
        .await;
    let p = poller(t);
    let first = p.fetch_now(s.id).await.unwrap().unwrap();
    assert_eq!((first.outcome, first.items_added), (FetchOutcome::Ok, 3));
    let stored = t.store.source(None, s.id).await.unwrap();
    assert_eq!(stored.etag.as_deref(), Some("\"tin-v1\""));
    assert_eq!(
        stored.last_modified.as_deref(),
        Some("Sat, 28 Nov 2026 01:00:00 GMT")
    );
    assert_eq!(
        srv.shared.counters.conditional_hits.load(Ordering::SeqCst),
        0
    );
    for n in 1..=2 {
        let again = p.fetch_now(s.id).await.unwrap().unwrap();
        assert_eq!(again.outcome, FetchOutcome::NotModified, "{again:?}");
        assert_eq!((again.items_found, again.items_added), (0, 0));
        assert_eq!(again.http_status, Some(304));
        assert_eq!(
            srv.shared.counters.conditional_hits.load(Ordering::SeqCst),
            n
        );
    }
    assert_eq!(srv.shared.counters.cond_requests.load(Ordering::SeqCst), 3);
    let h = t.store.fetch_history(None, s.id, 10).await.unwrap();
    assert_eq!(
        h.iter()
            .map(|f| (f.outcome.as_str(), f.http_status, f.bytes))
            .collect::<Vec<_>>(),
        vec![
            ("not_modified", Some(304), 0),
            ("not_modified", Some(304), 0),
            ("ok", Some(200), server::RSS.len() as i64)
        ]
    );
    let stored = t.store.source(None, s.id).await.unwrap();
    assert_eq!(stored.last_status.as_deref(), Some("not_modified"));
    assert_eq!(
        stored.etag.as_deref(),
        Some("\"tin-v1\""),
        "validators kept"
    );
    assert_eq!(items_of(t, "Tin có điều kiện").await.len(), 3);
}

pub async fn bad_responses_are_recorded_and_retried_later(t: &TestDb) {
    let srv = server::start().await;
    let (raw, _raw_task) = server::start_raw().await;
    let cases: Vec<(&str, String, ErrorKind)> = vec![
        ("rác", srv.url("/garbage.xml"), ErrorKind::Parse),
        ("cụt", srv.url("/truncated.xml"), ErrorKind::Parse),
        ("chậm", srv.url("/slow.xml"), ErrorKind::Timeout),
        (
            "nhỏ giọt",
            format!("http://{raw}/trickle"),
            ErrorKind::Timeout,
        ),
        ("đứt", format!("http://{raw}/cut"), ErrorKind::Body),
        ("vòng lặp", srv.url("/loop/a"), ErrorKind::Redirect),
        ("quá lớn", srv.url("/big.xml"), ErrorKind::TooLarge),
        ("không có", srv.url("/missing.xml"), ErrorKind::HttpStatus),
        // Nothing listens on port 1.
        (
            "không kết nối",
            "http://127.0.0.1:1/feed.xml".into(),
            ErrorKind::Connect,
        ),
    ];
    let mut ids = HashMap::new();
    for (name, url, kind) in &cases {
        let s = t.source(WARD, SourceKind::Rss, name, url).await;
        ids.insert(s.id, (*name, *kind));
    }
    let p = poller(t);
    let clock = Instant::now();
    // All of them at once: the poller fetches a batch concurrently, and nothing hangs.
    let mut reports = Vec::new();
    loop {
        let r = p.poll_due().await.unwrap();
        if r.is_empty() {
            break;
        }
        reports.extend(r);
    }
    let took = clock.elapsed();
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert_eq!(reports.len(), cases.len());
    let before = Utc::now();
    for r in &reports {
        let (name, kind) = ids[&r.source_id];
        assert_eq!(r.outcome, FetchOutcome::Error, "{name}: {r:?}");
        assert_eq!(r.error_kind, Some(kind), "{name}: {r:?}");
        assert_eq!(r.items_added, 0);
        let s = t.store.source(None, r.source_id).await.unwrap();
        assert_eq!(s.consecutive_failures, 1, "{name}");
        assert_eq!(s.last_status.as_deref(), Some(kind.as_str()), "{name}");
        let ahead = (s.next_fetch_at - before).num_seconds();
        assert!((40..=75).contains(&ahead), "{name}: retried in {ahead} s");
        let h = t.store.fetch_history(None, r.source_id, 10).await.unwrap();
        assert_eq!(h.len(), 1, "{name}");
        assert_eq!(h[0].outcome, "error");
        assert_eq!(h[0].error_kind.as_deref(), Some(kind.as_str()));
        assert!(
            h[0].error_message.as_deref().is_some_and(|m| !m.is_empty()),
            "{name}"
        );
    }
    let loops = srv.shared.counters.loop_requests.load(Ordering::SeqCst);
    assert!((2..=7).contains(&loops), "redirects followed: {loops}");
    let missing = reports
        .iter()
        .find(|r| ids[&r.source_id].0 == "không có")
        .unwrap();
    assert_eq!(missing.http_status, Some(404));
    // Retried later, not now.
    assert!(p.poll_due().await.unwrap().is_empty());
    assert!(t.store.list_items(None, true, 10).await.unwrap().is_empty());
}

pub async fn failures_back_off_then_recover(t: &TestDb) {
    let srv = server::start().await;
    srv.shared
        .counters
        .flaky_failures_left
        .store(3, Ordering::SeqCst);
    let s = t
        .source(
            WARD,
            SourceKind::Atom,
            "Thất thường",
            &srv.url("/flaky.xml"),
        )
        .await;
    let p = poller(t);
    let mut delays = Vec::new();
    for n in 1..=3 {
        let r = p.fetch_now(s.id).await.unwrap().unwrap();
        assert_eq!(r.error_kind, Some(ErrorKind::HttpStatus), "{r:?}");
        assert_eq!(r.http_status, Some(500));
        let stored = t.store.source(None, s.id).await.unwrap();
        assert_eq!(stored.consecutive_failures, n);
        assert_eq!(
            stored.next_fetch_at,
            r.next_fetch_at.trunc_subsecs_to_secs()
        );
        delays.push((stored.next_fetch_at - Utc::now()).num_seconds());
    }
    assert!((45..=72).contains(&delays[0]), "{delays:?}");
    assert!(
        delays.windows(2).all(|w| w[1] > w[0]),
        "the backoff grows: {delays:?}"
    );
    assert!(delays[2] >= 190, "{delays:?}");
    let r = p.fetch_now(s.id).await.unwrap().unwrap();
    assert_eq!((r.outcome, r.items_added), (FetchOutcome::Ok, 2));
    let stored = t.store.source(None, s.id).await.unwrap();
    assert_eq!(stored.consecutive_failures, 0);
    let ahead = (stored.next_fetch_at - Utc::now()).num_seconds();
    assert!((3500..=3600).contains(&ahead), "back on schedule: {ahead}");
    let h = t.store.fetch_history(None, s.id, 10).await.unwrap();
    assert_eq!(
        h.iter().map(|f| f.outcome.as_str()).collect::<Vec<_>>(),
        vec!["ok", "error", "error", "error"]
    );
    assert_eq!(srv.shared.counters.flaky_requests.load(Ordering::SeqCst), 4);
}

trait Secs {
    fn trunc_subsecs_to_secs(self) -> Self;
}

impl Secs for chrono::DateTime<Utc> {
    fn trunc_subsecs_to_secs(self) -> Self {
        chrono::DateTime::from_timestamp(self.timestamp(), 0).unwrap()
    }
}

async fn integrity_alerts(t: &TestDb) -> Vec<ykien_store::Alert> {
    t.store
        .list_alerts(
            None,
            &AlertFilter {
                status: None,
                kind: Some(AlertKind::Integrity),
                limit: 0,
            },
        )
        .await
        .unwrap()
}

pub async fn integrity_watch_alerts_once_on_injected_spam(t: &TestDb) {
    let srv = server::start().await;
    let url = srv.url("/site/gioi-thieu.html");
    let w = t
        .source(WARD, SourceKind::Watch, "Trang giới thiệu", &url)
        .await;
    let p = poller(t);
    // The clean page: the first snapshot, nothing to report.
    let r = p.fetch_now(w.id).await.unwrap().unwrap();
    assert_eq!((r.outcome, r.alert_id), (FetchOutcome::Ok, None), "{r:?}");
    // A harmless edit.
    srv.set_site_page(site_page("Từ tháng 12 năm 2026, ", ""));
    let r = p.fetch_now(w.id).await.unwrap().unwrap();
    assert_eq!((r.outcome, r.alert_id), (FetchOutcome::Ok, None), "{r:?}");
    assert!(integrity_alerts(t).await.is_empty());
    // The defacement: gambling spam hidden in the page and glued into a sentence.
    srv.set_site_page(site_page(
        "Từ tháng 12 năm 2026, ",
        "<div style=\"display:none\">Nhà cái fb88 uy tín hàng đầu châu Á, soi cầu lô đề \
         chính xác 100%, nạp đầu tặng thưởng, link vào fb88 mới nhất không bị chặn.</div>",
    ));
    let r = p.fetch_now(w.id).await.unwrap().unwrap();
    assert_eq!(r.outcome, FetchOutcome::Ok, "{r:?}");
    let alert_id = r.alert_id.expect("an alert for the injected spam");
    // Fetched again unchanged: no second alert.
    let r = p.fetch_now(w.id).await.unwrap().unwrap();
    assert_eq!(r.alert_id, None);
    let alerts = integrity_alerts(t).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let a = &alerts[0];
    assert_eq!(a.id, alert_id);
    assert_eq!(a.severity, AlertSeverity::Urgent);
    assert_eq!(a.unit.as_str(), WARD);
    assert!(a.title.contains("Trang giới thiệu"), "{}", a.title);
    let d = &a.details;
    assert_eq!(d["url"], url.as_str());
    assert!(d["spam_score"].as_f64().unwrap() >= 0.5, "{d}");
    let terms: Vec<String> = d["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_lowercase())
        .collect();
    assert!(terms.iter().any(|t| t.contains("fb88")), "{terms:?}");
    let excerpt = d["excerpt"].as_str().unwrap();
    assert!(excerpt.contains("fb88"), "{excerpt}");
    assert!(
        !excerpt.contains("Ủy ban tập hợp"),
        "only the injected text: {excerpt}"
    );
    // The spam removed again: removal brings nothing in.
    srv.set_site_page(site_page("Từ tháng 12 năm 2026, ", ""));
    let r = p.fetch_now(w.id).await.unwrap().unwrap();
    assert_eq!(r.alert_id, None);
    assert_eq!(integrity_alerts(t).await.len(), 1);
    // A watched page is not an item source.
    assert!(items_of(t, "Trang giới thiệu").await.is_empty());
}

pub async fn pollers_never_fetch_a_source_twice_at_once(t: &TestDb) {
    let srv = server::start().await;
    let mut ids = Vec::new();
    for n in 0..10 {
        let s = t
            .source(
                WARD,
                SourceKind::Rss,
                &format!("Nguồn {n}"),
                &srv.url(&format!("/rss.xml?n={n}")),
            )
            .await;
        ids.push(s.id);
    }
    let mut cfg = poller_config();
    cfg.batch = 2;
    // Two pollers on two connection pools, as two processes would be.
    let other = t.other_process().await;
    let a = Poller::new(t.store.clone(), cfg.clone()).unwrap();
    let b = Poller::new(other.clone(), cfg).unwrap();
    let drain = |p: Poller| async move {
        let mut got = Vec::new();
        loop {
            let r = p.poll_due().await.unwrap();
            if r.is_empty() {
                return got;
            }
            got.extend(r.into_iter().map(|r| r.source_id));
        }
    };
    let (ga, gb) = tokio::join!(drain(a), drain(b));
    other.close().await;
    let mut all: Vec<i64> = ga.iter().chain(&gb).copied().collect();
    all.sort();
    assert_eq!(all, ids, "each source fetched exactly once: {ga:?} {gb:?}");
    for id in &ids {
        assert_eq!(t.store.fetch_history(None, *id, 10).await.unwrap().len(), 1);
    }
    // A source leased by a live poller cannot be fetched now by another.
    let claimed = t
        .store
        .claim_source(ids[0], Duration::from_secs(60))
        .await
        .unwrap()
        .expect("free");
    assert!(poller(t).fetch_now(ids[0]).await.unwrap().is_none());
    let r = poller(t).fetch_claimed(claimed).await.unwrap();
    assert!(r.recorded_state);
    // The running loop picks up a new source by itself and stops on request.
    let late = t
        .source(WARD, SourceKind::Atom, "Nguồn muộn", &srv.url("/atom.xml"))
        .await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(poller(t).run(async move {
        let _ = stopped.await;
    }));
    let deadline = Instant::now() + Duration::from_secs(10);
    while t
        .store
        .fetch_history(None, late.id, 1)
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "the loop never fetched the source"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the loop stops")
        .unwrap();
    assert_eq!(items_of(t, "Nguồn muộn").await.len(), 2);
}

pub async fn sources_are_scoped_and_audited(t: &TestDb) {
    let officer = t.actor(Role::Officer, WARD, "officer@example.org").await;
    let collab = t.actor(Role::Collaborator, WARD, "ctv@example.org").await;
    let viewer = t.actor(Role::Viewer, WARD, "viewer@example.org").await;
    let other = t.actor(Role::Officer, SIBLING, "other@example.org").await;
    let new = |unit: &str, name: &str, url: &str| NewSource {
        unit: unit.into(),
        kind: SourceKind::Rss,
        url: url.into(),
        name: name.into(),
        poll_interval: Duration::from_secs(600),
    };
    let s = t
        .store
        .add_source(
            Some(&officer),
            new(WARD, "Báo địa phương", "https://example.invalid/rss"),
        )
        .await
        .unwrap();
    assert_eq!(s.unit.as_str(), WARD);
    assert!(matches!(
        t.store
            .add_source(
                Some(&collab),
                new(WARD, "Khác", "https://example.invalid/a")
            )
            .await,
        Err(StoreError::Forbidden { .. })
    ));
    assert!(matches!(
        t.store
            .add_source(Some(&other), new(WARD, "Khác", "https://example.invalid/b"))
            .await,
        Err(StoreError::NotFound)
    ));
    for (bad_url, interval) in [
        ("ftp://example.invalid/x", 600),
        ("/relative/rss", 600),
        ("https://", 600),
        ("https://example.invalid/c", 10),
    ] {
        let mut n = new(WARD, "Sai", bad_url);
        n.poll_interval = Duration::from_secs(interval);
        assert!(
            matches!(
                t.store.add_source(Some(&officer), n).await,
                Err(StoreError::Invalid { .. })
            ),
            "{bad_url} every {interval} s"
        );
    }
    assert!(matches!(
        t.store
            .add_source(
                Some(&officer),
                new(WARD, "Báo địa phương", "https://example.invalid/d")
            )
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // Everyone in the subtree sees it; the sibling ward does not know it exists.
    for a in [&officer, &collab, &viewer] {
        let listed = t.store.list_sources(Some(a)).await.unwrap();
        assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), vec![s.id]);
        assert!(
            t.store
                .fetch_history(Some(a), s.id, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert!(t.store.list_sources(Some(&other)).await.unwrap().is_empty());
    assert!(matches!(
        t.store.source(Some(&other), s.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        t.store.fetch_history(Some(&other), s.id, 10).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        t.store.remove_source(Some(&other), s.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        t.store.remove_source(Some(&collab), s.id).await,
        Err(StoreError::Forbidden { .. })
    ));
    t.store.remove_source(Some(&officer), s.id).await.unwrap();
    assert!(t.store.list_sources(None).await.unwrap().is_empty());
    let audit = t.store.audit_tail(None, 50).await.unwrap();
    let actions: Vec<(&str, Option<i64>)> = audit
        .iter()
        .filter(|e| e.entity == "source")
        .map(|e| (e.action.as_str(), e.actor_user_id))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("source.create", Some(officer.user_id)),
            ("source.delete", Some(officer.user_id))
        ]
    );
}
