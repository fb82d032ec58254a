//! How long [`Store::dashboard`] takes (issue 6: each dashboard page under 200 ms of server
//! time): fills a fresh database with N items over Hà Nội's 126 communes and wards, heard over
//! the last 180 days (all received today, as after a bulk import: the worst case for the
//! `received_at` index bound), with topics and sentiments as the pipeline stores them, then
//! times the dashboard of the city (a leader) and of one ward (an officer) for 7, 30 and 90
//! days.
//!
//! ```text
//! cargo run --release -p ykien-store --example dashboard_bench -- [N] [postgres://…]
//! ```
//! N defaults to 20,000; without a URL it runs on a SQLite file in a temporary directory
//! (kept, and named, when `KEEP_DB=1`). Each figure is measured twice: with every item
//! received today (a bulk import), then with each received ten minutes after it was heard
//! (a live deployment, where the `received_at` bound narrows the scan to the two periods).

use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use ykien_store::{
    Actor, AnalysisRecord, Channel, Confidentiality, DashboardQuery, DbConfig, NewItem, NewUser,
    OpinionReport, Role, Store,
};

const TOPICS: [&str; 6] = [
    "traffic_urban",
    "environment",
    "land",
    "health",
    "livelihood",
    "admin_procedures",
];
const SENTIMENTS: [&str; 3] = ["negative", "neutral", "positive"];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let dir = std::env::temp_dir().join(format!("ykien-dashboard-bench-{}", std::process::id()));
    let cfg = match args.next() {
        Some(url) => DbConfig::Postgres { url },
        None => DbConfig::Sqlite {
            path: dir.join("ykien.db"),
        },
    };
    let store = Store::open(&cfg).await.expect("open the store");
    store.load_units().await.expect("load units");
    let wards: Vec<String> = store
        .list_units(Some("01"), false)
        .await
        .expect("Hà Nội's units")
        .into_iter()
        .map(|u| u.id.0)
        .collect();
    println!(
        "{} · {n} items over {} units",
        store.backend_name(),
        wards.len()
    );

    let t = Instant::now();
    let now = Utc::now();
    let mut filed = 0;
    while filed < n {
        let batch: Vec<NewItem> = (filed..(filed + 500).min(n))
            .map(|i| NewItem {
                // Inner wards hear more: a skewed spread like a real city's.
                unit: wards[(i * i + 7 * i) % wards.len().min(if i % 3 == 0 { 126 } else { 30 })]
                    .clone(),
                source: "dashboard-bench".into(),
                channel: if i % 4 == 0 {
                    Channel::Form
                } else {
                    Channel::Import
                },
                external_id: Some(format!("bench-{i}")),
                author_user_id: None,
                author_contact: None,
                occurred_at: Some(now - Duration::minutes(((i * 7919) % (180 * 1440)) as i64)),
                text: format!("Ý kiến thử số {i} về đời sống dân sinh ở địa phương"),
                title: None,
                report: OpinionReport::default(),
                confidentiality: if i % 50 == 0 {
                    Confidentiality::Restricted
                } else {
                    Confidentiality::Normal
                },
                dedup_text: String::new(),
            })
            .collect();
        filed += batch.len();
        for r in store.submit_items(None, batch).await.expect("submit") {
            r.expect("item");
        }
    }
    let stored = t.elapsed();
    let t = Instant::now();
    loop {
        let jobs = store
            .claim_jobs("bench", StdDuration::from_secs(600), 500)
            .await
            .expect("claim");
        if jobs.is_empty() {
            break;
        }
        let recs: Vec<AnalysisRecord> = jobs
            .iter()
            .map(|j| AnalysisRecord {
                analysis: serde_json::json!({}),
                language: Some("vi".into()),
                spam_label: Some("none".into()),
                spam_score: Some(0.0),
                is_hidden: j.item_id % 40 == 0,
                sentiment: Some(SENTIMENTS[(j.item_id % 3) as usize].into()),
                topic: Some(TOPICS[(j.item_id % 6) as usize].into()),
                text_masked: j.text.clone(),
                search_text: String::new(),
                places: vec![],
            })
            .collect();
        let done: Vec<_> = jobs.iter().zip(recs.iter()).collect();
        store.complete_analyses(&done).await.expect("complete");
    }
    println!(
        "filled in {:.1} s (store) + {:.1} s (analyses)",
        stored.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );

    let actor = |role: Role, unit: &str, email: &str| {
        let store = store.clone();
        let (unit, email) = (unit.to_string(), email.to_string());
        async move {
            let u = store
                .create_user(
                    None,
                    NewUser {
                        name: format!("{role} bench"),
                        email: Some(email),
                        phone: None,
                        password: None,
                        role,
                        unit,
                        member_org: None,
                    },
                )
                .await
                .expect("user");
            store.actor(u.id).await.unwrap().expect("actor")
        }
    };
    let leader = actor(Role::Leader, "01", "leader@bench.invalid").await;
    let officer = actor(Role::Officer, &wards[0], "officer@bench.invalid").await;
    measure(
        &store,
        &leader,
        &officer,
        &wards[0],
        "bulk import (all received today)",
    )
    .await;
    let live = "UPDATE items SET received_at = occurred_at + 600";
    match &cfg {
        DbConfig::Sqlite { path } => {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .expect("raw sqlite");
            sqlx::query(live).execute(&pool).await.expect("live times");
            sqlx::query("ANALYZE")
                .execute(&pool)
                .await
                .expect("analyze");
            pool.close().await;
        }
        DbConfig::Postgres { url } => {
            let pool = sqlx::PgPool::connect(url).await.expect("raw postgres");
            sqlx::query(live).execute(&pool).await.expect("live times");
            sqlx::query("ANALYZE")
                .execute(&pool)
                .await
                .expect("analyze");
            pool.close().await;
        }
    }
    measure(
        &store,
        &leader,
        &officer,
        &wards[0],
        "live (received as heard)",
    )
    .await;
    store.close().await;
    if std::env::var("KEEP_DB").as_deref() == Ok("1") {
        println!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Times the dashboard of the city and of one ward, for each period.
async fn measure(store: &Store, leader: &Actor, officer: &Actor, ward: &str, label: &str) {
    println!("{label}:");
    let now = Utc::now();
    let off = Duration::hours(7);
    let today = (now + off).date_naive();
    let to = today
        .succ_opt()
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        - off;
    for (who, a, unit) in [("city", leader, "01"), ("ward", officer, ward)] {
        for days in [7, 30, 90] {
            let q = DashboardQuery {
                unit: unit.into(),
                from: to - Duration::days(days),
                to,
                utc_offset_secs: 7 * 3600,
                top: 5,
            };
            let d = store.dashboard(a, &q).await.expect("dashboard");
            let mut times: Vec<f64> = Vec::new();
            for _ in 0..20 {
                let t = Instant::now();
                std::hint::black_box(store.dashboard(a, &q).await.expect("dashboard"));
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{who} {days:>2} days: {} items in the period · p50 {:.1} ms · max {:.1} ms",
                d.items.current,
                times[times.len() / 2],
                times[times.len() - 1]
            );
        }
    }
}
