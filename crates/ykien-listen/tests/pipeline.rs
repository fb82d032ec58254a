//! The pipeline end to end on a real SQLite file and, when `YKIEN_TEST_PG_URL` is set, on
//! PostgreSQL in a schema of its own (`YKIEN_REQUIRE_PG=1` makes a missing PostgreSQL a
//! failure instead of a skip): submit → worker → searchable; failures retried then
//! recorded; a dead worker's job taken over.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ykien_core::{Actor, Role};
use ykien_listen::{Analyze, WorkerConfig, drain, run_worker_with, search, submit};
use ykien_store::{AnalysisRecord, SearchQuery};

mod common;

use common::{SIBLING, TestDb, WARD, item};

fn quick(analyzer: Arc<dyn Analyze>) -> WorkerConfig {
    WorkerConfig {
        name: "test".into(),
        backoff: Duration::ZERO,
        idle_poll: Duration::from_millis(50),
        max_attempts: 3,
        analyzer,
        ..WorkerConfig::default()
    }
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = crate::TestDb::sqlite().await;
                    crate::$name(&t).await;
                    t.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(t) = crate::TestDb::postgres().await else { return };
                    crate::$name(&t).await;
                    t.cleanup().await;
                }
            )*
        }
    };
}

on_both_backends!(
    submitted_items_become_searchable,
    failing_analysis_is_retried_then_recorded,
    a_dead_workers_job_is_taken_over,
    a_job_that_keeps_killing_workers_is_given_up,
    a_batch_stores_what_it_still_holds,
);

async fn submitted_items_become_searchable(t: &TestDb) {
    let s = &t.store;
    let officer = t.actor(Role::Officer, WARD, "o@x.vn").await;
    let sibling = t.actor(Role::Officer, SIBLING, "s@x.vn").await;
    let viewer = t.actor(Role::Viewer, WARD, "v@x.vn").await;
    let chem = submit(
        s,
        Some(&officer),
        item(
            WARD,
            "Người dân gần Đình Chèm, phường Thụy Phương phản ánh ngập úng. Liên hệ 0912 345 678.",
        ),
    )
    .await
    .unwrap();
    assert!(chem.created);
    // old tone placement in the text, new in the query, and the other way round
    let peace = submit(s, None, item(WARD, "Khu phố hoà bình, không ồn ào."))
        .await
        .unwrap()
        .id;
    let peace2 = submit(s, None, item(WARD, "Xóm Hòa Lạc đường hẹp."))
        .await
        .unwrap()
        .id;
    let other_ward = submit(s, None, item(SIBLING, "Thụy Phương cũng ngập."))
        .await
        .unwrap()
        .id;
    let spam = submit(
        s,
        None,
        item(
            WARD,
            "Fv88 cổng game bài đổi thưởng uy tín, nạp đầu tặng 100k, link vào nhà cái Thụy Phương",
        ),
    )
    .await
    .unwrap()
    .id;
    // the same text again (re-encoded tone placement): nothing added
    let again = submit(s, None, item(WARD, "Khu phố hòa bình, không ồn ào."))
        .await
        .unwrap();
    assert_eq!((again.id, again.created), (peace, false));

    // a worker in the background until the queue is empty
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(run_worker_with(
        s.clone(),
        quick(Arc::new(ykien_listen::TextAnalyzer::default())),
        async {
            let _ = rx.await;
        },
    ));
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let q = s.queue_stats().await.unwrap();
        if q.queued == 0 && q.running == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "queue not drained: {q:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tx.send(()).unwrap();
    let report = worker.await.unwrap().unwrap();
    assert_eq!(report.analyzed, 5);

    let find = |actor: Option<&Actor>, q: &str| {
        let q = q.to_string();
        let actor = actor.cloned();
        async move {
            search(s, actor.as_ref(), &q, SearchQuery::default())
                .await
                .unwrap()
        }
    };
    for q in ["thuy phuong", "Thụy Phương", "thuy_phuong", "THUY PHUONG"] {
        let hits = find(Some(&officer), q).await;
        let ids: Vec<i64> = hits.iter().map(|h| h.item.id).collect();
        assert_eq!(ids, vec![chem.id], "{q}: {hits:?}");
        let snip = hits[0].snippet.marked("[", "]");
        assert!(snip.contains("[Thụy Phương]"), "{snip}");
    }
    for (q, want) in [
        ("hoà", vec![peace, peace2]),
        ("hòa", vec![peace, peace2]),
        ("hoa binh", vec![peace]),
    ] {
        let mut ids: Vec<i64> = find(None, q).await.iter().map(|h| h.item.id).collect();
        ids.sort();
        assert_eq!(ids, want, "{q}");
    }
    let hits = find(None, "hòa bình").await;
    assert!(
        hits[0].snippet.marked("[", "]").contains("[hoà bình]"),
        "{hits:?}"
    );
    // scope: the other ward sees its own item only; the system sees both wards
    let ids: Vec<i64> = find(Some(&sibling), "thuy phuong")
        .await
        .iter()
        .map(|h| h.item.id)
        .collect();
    assert_eq!(ids, vec![other_ward]);
    assert_eq!(find(None, "thuy phuong").await.len(), 2);
    // spam: analyzed, kept, hidden unless asked for
    let sp = s.item(None, spam).await.unwrap();
    assert!(
        sp.is_hidden && sp.spam_label.as_deref() == Some("gambling"),
        "{sp:?}"
    );
    let with_spam = search(
        s,
        None,
        "thuy phuong",
        SearchQuery {
            include_spam: true,
            ..SearchQuery::default()
        },
    )
    .await
    .unwrap();
    assert!(with_spam.iter().any(|h| h.item.id == spam));
    // personal data: masked for the viewer, in the item and in the snippet
    let v = find(Some(&viewer), "ngap ung").await;
    assert_eq!(v.len(), 1);
    assert!(
        v[0].item.masked && !v[0].item.text.contains("345 678"),
        "{:?}",
        v[0].item.text
    );
    assert!(!v[0].snippet.text.contains("345 678"));
    let o = find(Some(&officer), "ngap ung").await;
    assert!(o[0].item.text.contains("0912 345 678"));
    // the analysis is stored with spans into the original
    let full = s.item(None, chem.id).await.unwrap();
    assert_eq!(full.status, "analyzed");
    assert_eq!(full.language.as_deref(), Some("vi"));
    let a = full.analysis.unwrap();
    let p = &a["pii"][0];
    let (st, en) = (
        p["start"].as_u64().unwrap() as usize,
        p["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&full.text[st..en], "0912 345 678");
}

/// Fails every time, counting its calls.
struct Broken(AtomicUsize);

impl Analyze for Broken {
    fn analyze(&self, _text: &str) -> Result<AnalysisRecord, String> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Err("the topic model is missing".into())
    }
}

/// Panics the first time, then works.
struct Flaky(AtomicUsize);

impl Analyze for Flaky {
    fn analyze(&self, text: &str) -> Result<AnalysisRecord, String> {
        if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("out of cheese");
        }
        ykien_listen::TextAnalyzer::default().analyze(text)
    }
}

async fn failing_analysis_is_retried_then_recorded(t: &TestDb) {
    let s = &t.store;
    let id = submit(s, None, item(WARD, "Đường Thụy Khuê hỏng."))
        .await
        .unwrap()
        .id;
    let broken = Arc::new(Broken(AtomicUsize::new(0)));
    let r = drain(s, &quick(broken.clone()), |_| {}).await.unwrap();
    assert_eq!((r.analyzed, r.retried, r.failed), (0, 2, 1));
    assert_eq!(broken.0.load(Ordering::SeqCst), 3);
    let it = s.item(None, id).await.unwrap();
    assert_eq!(it.status, "failed");
    assert_eq!(
        it.status_reason.as_deref(),
        Some("the topic model is missing")
    );
    assert_eq!(it.text, "Đường Thụy Khuê hỏng.");
    assert_eq!(s.queue_stats().await.unwrap().failed, 1);
    // a panic is a failed attempt too, and the retry succeeds
    let id2 = submit(s, None, item(WARD, "Chợ Thụy Khuê đông."))
        .await
        .unwrap()
        .id;
    let r = drain(s, &quick(Arc::new(Flaky(AtomicUsize::new(0)))), |_| {})
        .await
        .unwrap();
    assert_eq!((r.analyzed, r.retried, r.failed), (1, 1, 0));
    let it = s.item(None, id2).await.unwrap();
    assert_eq!(it.status, "analyzed");
    assert!(
        s.job_error(id2).await.unwrap().is_none(),
        "a success clears the last error"
    );
    let hits = search(s, None, "thuy khue", SearchQuery::default())
        .await
        .unwrap();
    assert_eq!(
        hits.iter().map(|h| h.item.id).collect::<Vec<_>>(),
        vec![id2]
    );
}

async fn a_dead_workers_job_is_taken_over(t: &TestDb) {
    let s = &t.store;
    let id = submit(s, None, item(WARD, "Cầu Thăng Long ùn tắc."))
        .await
        .unwrap()
        .id;
    // a worker claims the job and dies without a word
    let dead = s
        .claim_job("dead", Duration::from_secs(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dead.item_id, id);
    let cfg = quick(Arc::new(ykien_listen::TextAnalyzer::default()));
    let r = drain(s, &cfg, |_| {}).await.unwrap();
    assert_eq!(r.analyzed, 0, "the lease still holds");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = drain(s, &cfg, |_| {}).await.unwrap();
    assert_eq!(r.analyzed, 1);
    assert_eq!(s.item(None, id).await.unwrap().status, "analyzed");
    // a store reopened (a restart) finds nothing left to do
    let q = s.queue_stats().await.unwrap();
    assert_eq!((q.queued, q.running, q.done), (0, 0, 1));
}

async fn a_job_that_keeps_killing_workers_is_given_up(t: &TestDb) {
    let s = &t.store;
    let id = submit(s, None, item(WARD, "Văn bản độc."))
        .await
        .unwrap()
        .id;
    let one_try = WorkerConfig {
        max_attempts: 1,
        ..quick(Arc::new(ykien_listen::TextAnalyzer::default()))
    };
    // the only attempt allowed: its worker dies
    s.claim_job("dead", Duration::from_secs(1))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = drain(s, &one_try, |_| {}).await.unwrap();
    assert_eq!((r.analyzed, r.failed), (0, 1));
    let it = s.item(None, id).await.unwrap();
    assert_eq!(it.status, "failed");
    assert!(
        it.status_reason
            .as_deref()
            .unwrap()
            .contains("worker stopped"),
        "{:?}",
        it.status_reason
    );
}

/// Workers claim and store jobs in batches: a batch stores the jobs whose lease it still
/// holds, and leaves the one another worker took over to that worker.
async fn a_batch_stores_what_it_still_holds(t: &TestDb) {
    let s = &t.store;
    let mut ids = Vec::new();
    for text in [
        "Cầu Thăng Long ùn tắc.",
        "Chợ Ngọc Hà ngập.",
        "Đèn đường ngõ 5 hỏng.",
    ] {
        ids.push(submit(s, None, item(WARD, text)).await.unwrap().id);
    }
    let slow = s
        .claim_jobs("slow", Duration::from_secs(1), 10)
        .await
        .unwrap();
    let claimed: Vec<i64> = slow.iter().map(|j| j.item_id).collect();
    assert_eq!(claimed, ids, "oldest first, all in one claim");
    assert!(slow.iter().all(|j| !j.text.is_empty()), "texts come along");
    assert!(
        s.claim_jobs("other", Duration::from_secs(1), 10)
            .await
            .unwrap()
            .is_empty(),
        "leased jobs are not claimed twice"
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // The slow worker's leases ran out; another worker takes the oldest job over.
    let fast = s
        .claim_jobs("fast", Duration::from_secs(60), 1)
        .await
        .unwrap();
    assert_eq!(fast.len(), 1);
    assert_eq!(fast[0].item_id, ids[0]);
    let analyzer = ykien_listen::TextAnalyzer::default();
    let recs: Vec<_> = slow
        .iter()
        .map(|j| analyzer.analyze(&j.text).unwrap())
        .collect();
    let batch: Vec<_> = slow.iter().zip(&recs).collect();
    let stored = s.complete_analyses(&batch).await.unwrap();
    assert_eq!(stored, vec![false, true, true]);
    assert_eq!(s.item(None, ids[0]).await.unwrap().status, "pending");
    assert_eq!(s.item(None, ids[1]).await.unwrap().status, "analyzed");
    let rec = analyzer.analyze(&fast[0].text).unwrap();
    assert_eq!(
        s.complete_analyses(&[(&fast[0], &rec)]).await.unwrap(),
        vec![true]
    );
    let q = s.queue_stats().await.unwrap();
    assert_eq!((q.queued, q.running, q.done), (0, 0, 3));
}
