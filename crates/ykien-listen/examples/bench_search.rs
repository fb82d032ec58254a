//! Search latency benchmark (bench/search/run.sh): a fixed mix of queries, each run several
//! times against an existing database through `ykien_listen::search` — the same call as
//! `ykien search` and the search pages (query preparation, the store's scoped full-text
//! query, snippets) — printing p50/p99 per kind of query and overall.
//!
//! ```text
//! cargo run --release -p ykien-listen --example bench_search -- DB [RUNS] [TOPICS] [UNIT] [WARD]
//! ```
//! DB: a SQLite file or a `postgres://` URL. RUNS: timed runs per query (default 20, after
//! one untimed warm-up run). TOPICS: comma-separated topic ids for the topic filter.
//! UNIT / WARD: a province and a ward id for the subtree filter (default 01 and 00004).

use std::time::Instant;

use ykien_store::{DbConfig, SearchQuery, Store};

struct Case {
    kind: &'static str,
    query: &'static str,
    unit: Option<String>,
    topic: Option<String>,
}

fn cases(topics: &[String], unit: &str, ward: &str) -> Vec<Case> {
    let plain = |kind, query| Case {
        kind,
        query,
        unit: None,
        topic: None,
    };
    let mut v = vec![
        // One word, with and without diacritics.
        plain("one word, diacritics", "điện"),
        plain("one word, diacritics", "bóng đá"),
        plain("one word, diacritics", "chứng khoán"),
        plain("one word, no diacritics", "dien"),
        plain("one word, no diacritics", "bong da"),
        plain("one word, no diacritics", "chung khoan"),
        // Several words.
        plain("multi-word, diacritics", "tai nạn giao thông"),
        plain("multi-word, diacritics", "giá xăng dầu tăng"),
        plain("multi-word, diacritics", "thành phố Hồ Chí Minh"),
        plain("multi-word, diacritics", "công an phường bắt giữ"),
        plain("multi-word, no diacritics", "tai nan giao thong"),
        plain("multi-word, no diacritics", "gia xang dau tang"),
        plain("multi-word, no diacritics", "thanh pho ho chi minh"),
        plain("multi-word, no diacritics", "cong an phuong bat giu"),
        // Old tone placement, rare words.
        plain("old tone placement", "hoà bình"),
        plain("rare word", "Thụy Phương"),
    ];
    for (q, u) in [
        ("giao thông", unit),
        ("bệnh viện", unit),
        ("giao thong", ward),
        ("hoc sinh", ward),
    ] {
        v.push(Case {
            kind: "unit subtree filter",
            query: q,
            unit: Some(u.to_string()),
            topic: None,
        });
    }
    for (t, q) in topics
        .iter()
        .zip(["thị trường", "tỉnh", "người dân"].iter().cycle())
    {
        v.push(Case {
            kind: "topic filter",
            query: q,
            unit: None,
            topic: Some(t.clone()),
        });
        v.push(Case {
            kind: "topic + unit filter",
            query: q,
            unit: Some(unit.to_string()),
            topic: Some(t.clone()),
        });
    }
    v
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let k = (sorted.len() - 1) as f64 * p / 100.0;
    let (lo, hi) = (k.floor() as usize, k.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (k - lo as f64)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let db = args
        .first()
        .expect("usage: bench_search DB [RUNS] [TOPICS] [UNIT] [WARD]");
    let runs: usize = args.get(1).map_or(20, |r| r.parse().expect("RUNS"));
    let topics: Vec<String> = args
        .get(2)
        .map(|t| {
            t.split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let unit = args.get(3).map_or("01", String::as_str);
    let ward = args.get(4).map_or("00004", String::as_str);
    let cfg = if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        DbConfig::Postgres { url: db.clone() }
    } else {
        DbConfig::Sqlite { path: db.into() }
    };
    let store = Store::open(&cfg).await.expect("open the database");
    let mut by_kind: Vec<(&'static str, Vec<f64>)> = Vec::new();
    let mut all = Vec::new();
    println!("| query | filters | hits | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    for c in cases(&topics, unit, ward) {
        let filters = SearchQuery {
            unit: c.unit.clone(),
            topic: c.topic.clone(),
            limit: 20,
            ..SearchQuery::default()
        };
        let mut times = Vec::with_capacity(runs);
        let mut hits = 0;
        for run in 0..=runs {
            let t = Instant::now();
            let h = ykien_listen::search(&store, None, c.query, filters.clone())
                .await
                .expect("search");
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if run > 0 {
                times.push(ms);
            }
            hits = h.len();
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| {} | {} | {} | {:.2} | {:.2} |",
            c.query,
            [
                c.unit.as_deref().map(|u| format!("unit {u}")),
                c.topic.as_deref().map(|t| format!("topic {t}"))
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            hits,
            pct(&times, 50.0),
            pct(&times, 99.0)
        );
        all.extend_from_slice(&times);
        match by_kind.iter_mut().find(|(k, _)| *k == c.kind) {
            Some((_, v)) => v.extend_from_slice(&times),
            None => by_kind.push((c.kind, times)),
        }
    }
    println!();
    println!("| kind | searches | p50 ms | p99 ms |");
    println!("|---|---|---|---|");
    for (k, mut v) in by_kind {
        v.sort_by(f64::total_cmp);
        println!(
            "| {k} | {} | {:.2} | {:.2} |",
            v.len(),
            pct(&v, 50.0),
            pct(&v, 99.0)
        );
    }
    all.sort_by(f64::total_cmp);
    println!(
        "| **all** | {} | **{:.2}** | **{:.2}** |",
        all.len(),
        pct(&all, 50.0),
        pct(&all, 99.0)
    );
    store.close().await;
}
