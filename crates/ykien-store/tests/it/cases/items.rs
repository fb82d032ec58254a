//! Items, the job queue and full-text search. The search text here is written by hand in
//! the shape the pipeline (ykien-listen) produces — folded syllables, then segmented words —
//! because the store does not read Vietnamese itself; ykien-listen's tests run the real
//! pipeline end to end on both backends.

use std::time::Duration;

use ykien_core::Role;
use ykien_store::{
    AnalysisRecord, Channel, Confidentiality, Failure, NewItem, OpinionReport, SearchQuery,
    StoreError,
};

use crate::harness::TestDb;

const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

fn new_item(unit: &str, source: &str, text: &str) -> NewItem {
    NewItem {
        unit: unit.into(),
        source: source.into(),
        channel: Channel::Import,
        external_id: None,
        author_user_id: None,
        author_contact: None,
        occurred_at: None,
        text: text.into(),
        title: None,
        report: OpinionReport::default(),
        confidentiality: Confidentiality::Normal,
        dedup_text: String::new(),
    }
}

fn record(search_text: &str, masked: &str) -> AnalysisRecord {
    AnalysisRecord {
        analysis: serde_json::json!({ "pii": [] }),
        language: Some("vi".into()),
        spam_label: Some("none".into()),
        spam_score: Some(0.01),
        is_hidden: false,
        sentiment: Some("negative".into()),
        topic: Some("moi_truong".into()),
        text_masked: masked.into(),
        search_text: search_text.into(),
        places: vec![(WARD.into(), 0..4), ("no-such-unit".into(), 5..6)],
    }
}

/// Runs every queued job with the given record.
async fn analyze_all(t: &TestDb, rec: impl Fn(&str) -> AnalysisRecord) {
    while let Some(job) = t
        .store
        .claim_job("test", Duration::from_secs(60))
        .await
        .unwrap()
    {
        assert!(
            t.store
                .complete_analysis(&job, &rec(&job.text))
                .await
                .unwrap()
        );
    }
}

pub async fn items_are_idempotent_stored_untouched_and_audited(t: &TestDb) {
    let s = t.with_units().await;
    // Old tone placement, odd spaces, a zero-width space: stored byte for byte.
    let text = "Người dân  phản ánh: hoà bình\u{200B} ngập úng ở ngõ 12.";
    let a = s
        .submit_item(
            None,
            NewItem {
                external_id: Some("fb-1".into()),
                ..new_item(WARD, "fanpage", text)
            },
        )
        .await
        .unwrap();
    assert!(a.created);
    assert_eq!(
        t.text(&format!("SELECT text FROM items WHERE id = {}", a.id))
            .await
            .as_deref(),
        Some(text)
    );
    // same external id, different text: nothing added
    let b = s
        .submit_item(
            None,
            NewItem {
                external_id: Some("fb-1".into()),
                ..new_item(WARD, "fanpage", "khác hẳn")
            },
        )
        .await
        .unwrap();
    assert_eq!((b.id, b.created), (a.id, false));
    // same content, no id: nothing added
    let c = s
        .submit_item(None, new_item(WARD, "fanpage", text))
        .await
        .unwrap();
    assert_eq!((c.id, c.created), (a.id, false));
    // the same text from another source is another item
    let d = s
        .submit_item(None, new_item(WARD, "zalo", text))
        .await
        .unwrap();
    assert!(d.created && d.id != a.id);
    assert_eq!(t.count("SELECT COUNT(*) FROM items").await, 2);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM jobs WHERE state = 'queued'")
            .await,
        2
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'item.create'")
            .await,
        2
    );
    // bad input writes nothing
    for bad in [
        new_item(WARD, "x", "   "),
        new_item("no-such-unit", "x", "a"),
        new_item(WARD, " ", "a"),
        new_item("old:c:00001", "x", "a"),
    ] {
        let e = s.submit_item(None, bad).await.unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM items").await, 2);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'item.create'")
            .await,
        2
    );
}

pub async fn items_are_scoped_restricted_and_masked(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "o@x.vn").await;
    let sibling = t.actor(Role::Officer, SIBLING, "s@x.vn").await;
    let city_viewer = t.actor(Role::Viewer, "01", "v@x.vn").await;
    let collab = t.actor(Role::Collaborator, WARD, "c@x.vn").await;
    let collab2 = t.actor(Role::Collaborator, WARD, "c2@x.vn").await;
    let leader = t.actor(Role::Leader, "01", "l@x.vn").await;

    // viewers do not file; nobody files outside their subtree
    let e = s
        .submit_item(Some(&city_viewer), new_item(WARD, "form", "x"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let e = s
        .submit_item(Some(&sibling), new_item(WARD, "form", "x"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");

    let text = "Ông A, SĐT 0912 345 678, phản ánh ngập.";
    let normal = s
        .submit_item(
            Some(&collab),
            NewItem {
                author_contact: Some("0912 345 678".into()),
                ..new_item(WARD, "form", text)
            },
        )
        .await
        .unwrap()
        .id;
    let restricted = s
        .submit_item(
            Some(&collab),
            NewItem {
                confidentiality: Confidentiality::Restricted,
                ..new_item(WARD, "form", "tin mật")
            },
        )
        .await
        .unwrap()
        .id;
    // the author was recorded from the actor
    assert_eq!(
        s.item(None, normal).await.unwrap().author_user_id,
        Some(collab.user_id)
    );

    // before analysis no masked copy exists: withheld from those who need no personal data
    let v = s.item(Some(&city_viewer), normal).await.unwrap();
    assert!(v.masked && v.text.is_empty() && v.author_contact.is_none());
    analyze_all(t, |_| {
        record("ong a sdt ngap", "Ông A, SĐT 09xx xxx 678, phản ánh ngập.")
    })
    .await;

    // officer of the ward and the city leader: everything, unmasked
    for a in [&officer, &leader] {
        let i = s.item(Some(a), normal).await.unwrap();
        assert_eq!((i.text.as_str(), i.masked), (text, false));
        assert_eq!(i.author_contact.as_deref(), Some("0912 345 678"));
        assert_eq!(i.status, "analyzed");
        assert!(i.analysis.is_some());
        assert_eq!(s.item(Some(a), restricted).await.unwrap().text, "tin mật");
    }
    // the author sees its own items whole, restricted ones too
    assert_eq!(s.item(Some(&collab), normal).await.unwrap().text, text);
    assert_eq!(
        s.item(Some(&collab), restricted).await.unwrap().text,
        "tin mật"
    );
    // another collaborator and a viewer: masked, and no restricted item at all
    for a in [&collab2, &city_viewer] {
        let i = s.item(Some(a), normal).await.unwrap();
        assert!(i.masked, "{:?}", a.role);
        assert_eq!(i.text, "Ông A, SĐT 09xx xxx 678, phản ánh ngập.");
        assert!(!i.text.contains("345") && i.author_contact.is_none() && i.analysis.is_none());
        let e = s.item(Some(a), restricted).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{e:?}");
    }
    // another ward: not found, exactly like a missing item
    for id in [normal, restricted, 999_999] {
        let e = s.item(Some(&sibling), id).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{e:?}");
    }
    assert!(
        s.list_items(Some(&sibling), true, 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.list_items(Some(&collab2), true, 100).await.unwrap().len(),
        1
    );
    assert_eq!(
        s.list_items(Some(&officer), true, 100).await.unwrap().len(),
        2
    );
    // places: unknown unit ids were skipped
    assert_eq!(
        t.count(&format!(
            "SELECT COUNT(*) FROM item_places WHERE item_id = {normal}"
        ))
        .await,
        1
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'item.analyze'")
            .await,
        2
    );
}

pub async fn jobs_retry_fail_and_survive_dead_workers(t: &TestDb) {
    let s = t.with_units().await;
    let id = s
        .submit_item(None, new_item(WARD, "x", "một"))
        .await
        .unwrap()
        .id;
    let lease = Duration::from_secs(60);
    let j1 = s.claim_job("w1", lease).await.unwrap().expect("a job");
    assert_eq!((j1.item_id, j1.attempts, j1.text.as_str()), (id, 1, "một"));
    assert!(s.claim_job("w2", lease).await.unwrap().is_none(), "leased");
    // a failure with attempts left: queued again after the backoff
    assert_eq!(
        s.fail_job(&j1, "boom 1", 3, Duration::from_secs(3600))
            .await
            .unwrap(),
        Failure::Retry
    );
    assert!(s.claim_job("w2", lease).await.unwrap().is_none(), "backoff");
    t.exec("UPDATE jobs SET run_at = 0").await.unwrap();
    let j2 = s.claim_job("w2", lease).await.unwrap().expect("due again");
    assert_eq!(j2.attempts, 2);
    // the first worker's lease is gone: its late result is refused
    assert!(
        !s.complete_analysis(&j1, &record("mot", "một"))
            .await
            .unwrap()
    );
    assert_eq!(
        s.fail_job(&j1, "late", 3, Duration::ZERO).await.unwrap(),
        Failure::LeaseLost
    );
    // a worker that dies: after its lease the job is claimable again
    let j3 = {
        let short = Duration::from_secs(1);
        t.exec("UPDATE jobs SET state = 'queued', run_at = 0")
            .await
            .unwrap();
        let j = s.claim_job("w3", short).await.unwrap().expect("claim");
        assert!(s.claim_job("w4", lease).await.unwrap().is_none());
        tokio::time::sleep(Duration::from_millis(2100)).await;
        let again = s
            .claim_job("w4", lease)
            .await
            .unwrap()
            .expect("lease ran out");
        assert_eq!(again.id, j.id);
        assert!(again.attempts > j.attempts);
        again
    };
    // last attempt fails: the job fails, the item stays and says why
    assert_eq!(
        s.fail_job(&j3, "analyzer exploded", 3, Duration::ZERO)
            .await
            .unwrap(),
        Failure::Failed
    );
    let item = s.item(None, id).await.unwrap();
    assert_eq!(item.status, "failed");
    assert_eq!(item.status_reason.as_deref(), Some("analyzer exploded"));
    assert_eq!(item.text, "một");
    assert_eq!(
        s.job_error(id).await.unwrap().map(|e| e.0).as_deref(),
        Some("analyzer exploded")
    );
    let q = s.queue_stats().await.unwrap();
    assert_eq!((q.queued, q.running, q.failed), (0, 0, 1));
    assert!(s.claim_job("w5", lease).await.unwrap().is_none());
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'item.analysis_failed'")
            .await,
        1
    );
}

pub async fn search_folds_segments_filters_and_scopes(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "o@x.vn").await;
    let sibling = t.actor(Role::Officer, SIBLING, "s@x.vn").await;
    let a = s
        .submit_item(None, new_item(WARD, "fanpage", "Đình Chèm ở Thụy Phương"))
        .await
        .unwrap()
        .id;
    let b = s
        .submit_item(
            None,
            new_item(SIBLING, "fanpage", "Thụy Phương, phường bên"),
        )
        .await
        .unwrap()
        .id;
    let spam = s
        .submit_item(
            None,
            new_item(WARD, "fanpage", "Thụy Phương nhà cái uy tín"),
        )
        .await
        .unwrap()
        .id;
    let other = s
        .submit_item(None, new_item(WARD, "zalo", "phương án thụy sĩ"))
        .await
        .unwrap()
        .id;
    analyze_all(t, |text| {
        let (st, hidden) = match text {
            "Đình Chèm ở Thụy Phương" => {
                ("dinh chem o thuy phuong dinh_chem thuy_phuong", false)
            }
            "Thụy Phương, phường bên" => ("thuy phuong phuong ben thuy_phuong", false),
            "Thụy Phương nhà cái uy tín" => (
                "thuy phuong nha cai uy tin thuy_phuong nha_cai uy_tin",
                true,
            ),
            _ => ("phuong an thuy si phuong_an thuy_si", false),
        };
        AnalysisRecord {
            is_hidden: hidden,
            ..record(st, text)
        }
    })
    .await;
    let ids =
        |hits: Vec<ykien_store::SearchHit>| hits.into_iter().map(|h| h.item.id).collect::<Vec<_>>();
    let q = |terms: &str| SearchQuery {
        terms: terms.into(),
        ..SearchQuery::default()
    };
    // both spellings of the query; spam hidden; the syllables must be adjacent for a
    // segmented word, so "phương án thụy sĩ" is not "thuy_phuong"
    for terms in ["thuy phuong", "thuy_phuong"] {
        let mut got = ids(s.search(None, &q(terms)).await.unwrap());
        got.sort();
        let mut want = if terms == "thuy phuong" {
            vec![a, b, other]
        } else {
            vec![a, b]
        };
        want.sort();
        assert_eq!(got, want, "{terms}");
    }
    // spam on request
    let with_spam = ids(s
        .search(
            None,
            &SearchQuery {
                include_spam: true,
                ..q("thuy_phuong")
            },
        )
        .await
        .unwrap());
    assert!(with_spam.contains(&spam) && with_spam.len() == 3);
    // the ward officer sees its own ward only; the sibling its own; --unit narrows
    assert_eq!(
        ids(s.search(Some(&officer), &q("thuy_phuong")).await.unwrap()),
        vec![a]
    );
    assert_eq!(
        ids(s.search(Some(&sibling), &q("thuy_phuong")).await.unwrap()),
        vec![b]
    );
    assert_eq!(
        ids(s
            .search(
                None,
                &SearchQuery {
                    unit: Some(SIBLING.into()),
                    ..q("thuy_phuong")
                }
            )
            .await
            .unwrap()),
        vec![b]
    );
    let e = s
        .search(
            Some(&officer),
            &SearchQuery {
                unit: Some(SIBLING.into()),
                ..q("thuy")
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    // filters
    assert_eq!(
        ids(s
            .search(
                None,
                &SearchQuery {
                    source: Some("zalo".into()),
                    ..q("thuy")
                }
            )
            .await
            .unwrap()),
        vec![other]
    );
    assert!(
        s.search(
            None,
            &SearchQuery {
                topic: Some("giao_thong".into()),
                ..q("thuy")
            }
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert_eq!(
        s.search(
            None,
            &SearchQuery {
                sentiment: Some("negative".into()),
                ..q("thuy")
            }
        )
        .await
        .unwrap()
        .len(),
        3
    );
    let future = chrono::Utc::now() + chrono::Duration::days(1);
    assert!(
        s.search(
            None,
            &SearchQuery {
                from: Some(future),
                ..q("thuy")
            }
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert_eq!(
        s.search(
            None,
            &SearchQuery {
                to: Some(future),
                ..q("thuy")
            }
        )
        .await
        .unwrap()
        .len(),
        3
    );
    // ranking: the item with the word twice comes before the one with it once
    let ranked = s.search(None, &q("phuong")).await.unwrap();
    assert_eq!(ranked.first().map(|h| h.item.id), Some(b), "{ranked:?}");
    assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
    // nothing to look for, or operators only: a clear error, not a syntax error
    for bad in ["", "  \"*\" - "] {
        let e = s.search(None, &q(bad)).await.unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    }
    // the index follows re-analysis (the trigger / generated column keeps it in sync)
    t.exec(&format!(
        "UPDATE items SET search_text = 'dinh chem' WHERE id = {a}"
    ))
    .await
    .unwrap();
    assert_eq!(
        ids(s.search(None, &q("thuy_phuong")).await.unwrap()),
        vec![b]
    );
    assert_eq!(ids(s.search(None, &q("dinh chem")).await.unwrap()), vec![a]);
}

/// Several workers claiming at once never get the same job, and together get them all.
pub async fn concurrent_workers_never_share_a_job(t: &TestDb) {
    let s = t.with_units().await;
    for i in 0..24 {
        s.submit_item(None, new_item(WARD, "x", &format!("việc số {i}")))
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..4 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(j) = s
                .claim_job(&format!("w{w}"), Duration::from_secs(60))
                .await
                .unwrap()
            {
                got.push(j.id);
            }
            got
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!((n, all.len()), (24, 24));
    assert_eq!(s.queue_stats().await.unwrap().running, 24);
}

/// Done jobs older than the cut are purged (bounded per call); queued, running and failed
/// jobs, and recent done ones, stay; the items keep their analysis.
pub async fn done_jobs_are_purged_and_the_rest_kept(t: &TestDb) {
    let s = t.with_units().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let text = format!("văn bản số {n}");
        ids.push(
            s.submit_item(None, new_item(WARD, &text, &text))
                .await
                .unwrap()
                .id,
        );
    }
    let lease = Duration::from_secs(60);
    // three done, one failed, one still queued
    for _ in 0..3 {
        let j = s.claim_job("w", lease).await.unwrap().expect("a job");
        assert!(s.complete_analysis(&j, &record("x", "x")).await.unwrap());
    }
    let j = s.claim_job("w", lease).await.unwrap().expect("a job");
    s.fail_job(&j, "boom", 1, Duration::ZERO).await.unwrap();
    let before = s.queue_stats().await.unwrap();
    assert_eq!((before.done, before.failed, before.queued), (3, 1, 1));

    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        s.purge_done_jobs(now - 3600, 100).await.unwrap(),
        0,
        "all recent"
    );
    assert_eq!(
        s.purge_done_jobs(now + 10, 2).await.unwrap(),
        2,
        "bounded by max"
    );
    assert_eq!(s.purge_done_jobs(now + 10, 100).await.unwrap(), 1);
    let after = s.queue_stats().await.unwrap();
    assert_eq!((after.done, after.failed, after.queued), (0, 1, 1));
    let analyzed = s.item(None, ids[0]).await.unwrap();
    assert_eq!(analyzed.status, "analyzed", "the item keeps its analysis");
}
