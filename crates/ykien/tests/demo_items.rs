//! `ykien demo` loads realistic items as a user runs it (the binary, a real SQLite file):
//! the synthetic reports and the resolution excerpts are stored and analyzed, spam is
//! hidden, search finds a demo item by its unaccented spelling, the same rumour from several
//! wards becomes a suggested case, the leader's corrections are labels and trained a topic
//! model; and a second run adds nothing. Without the shared data folder (as here) no real
//! news is loaded and the demo still works.

use std::path::Path;
use std::process::{Command, Output};

use ykien_store::{DbConfig, LabelField, Store};

/// Where the demo keeps its database: the data directory's SQLite file, or PostgreSQL.
#[derive(Clone)]
struct Db {
    cfg: DbConfig,
    url: Option<String>,
}

fn run_in(dir: &Path, db: &Db, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ykien"));
    for v in [
        "YKIEN_DATA_DIR",
        "YKIEN_DATABASE_URL",
        "YKIEN_CONFIG",
        "YKIEN_LOG",
        "YKIEN_DATA",
    ] {
        c.env_remove(v);
    }
    if let Some(u) = &db.url {
        c.env("YKIEN_DATABASE_URL", u);
    }
    c.arg("--data-dir").arg(dir).args(args);
    c.output().expect("run ykien")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_loads_analyzes_and_suggests_cases_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("demo");
    let db = Db {
        cfg: DbConfig::Sqlite {
            path: d.join("ykien.db"),
        },
        url: None,
    };
    demo_loads_analyzes_and_suggests_cases(&d, &db).await;
}

/// The same on PostgreSQL, in a schema of its own, when `YKIEN_TEST_PG_URL` is set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_loads_analyzes_and_suggests_cases_postgres() {
    let Ok(url) = std::env::var("YKIEN_TEST_PG_URL") else {
        assert!(
            std::env::var("YKIEN_REQUIRE_PG").map_or(true, |v| v != "1"),
            "YKIEN_REQUIRE_PG=1 but YKIEN_TEST_PG_URL is not set"
        );
        return;
    };
    let schema = format!("ykdemo_{}_{}", std::process::id(), chrono_free_nanos());
    let admin = sqlx::PgPool::connect(&url).await.expect("PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let scoped = format!("{url}{sep}options[search_path]={schema}");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("demo");
    let db = Db {
        cfg: DbConfig::Postgres {
            url: scoped.clone(),
        },
        url: Some(scoped),
    };
    demo_loads_analyzes_and_suggests_cases(&d, &db).await;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await;
}

fn chrono_free_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

async fn demo_loads_analyzes_and_suggests_cases(d: &Path, db: &Db) {
    let t0 = std::time::Instant::now();
    let out = stdout(&run_in(d, db, &["demo", "--no-serve", "--no-news"]));
    let took = t0.elapsed();
    assert!(out.contains("184 synthetic reports"), "{out}");
    assert!(out.contains("26 excerpts of Resolution 1656"), "{out}");
    assert!(out.contains("0 real news articles"), "{out}");
    assert!(out.contains("analyzed 210"), "{out}");
    eprintln!("demo without news took {:.1} s", took.as_secs_f64());

    let store = Store::open(&db.cfg).await.unwrap();
    let items = store.list_items(None, true, 10_000).await.unwrap();
    assert_eq!(items.len(), 210);
    assert!(items.iter().all(|i| i.status == "analyzed"));
    let synthetic: Vec<_> = items
        .iter()
        .filter(|i| i.source == "demo-synthetic")
        .collect();
    assert_eq!(synthetic.len(), 184);
    assert_eq!(
        items.iter().filter(|i| i.source == "legal-1656").count(),
        26
    );
    // Reports carry their fields, and their times spread over the last 60 days.
    let reports: Vec<_> = synthetic.iter().filter(|i| i.channel == "form").collect();
    assert_eq!(reports.len(), 152);
    assert!(
        reports
            .iter()
            .all(|r| r.report.locality.is_some() && r.report.heard.is_some())
    );
    let oldest = synthetic
        .iter()
        .filter_map(|i| i.occurred_at)
        .min()
        .unwrap();
    let newest = synthetic
        .iter()
        .filter_map(|i| i.occurred_at)
        .max()
        .unwrap();
    assert!((newest - oldest).num_days() >= 50, "{oldest} .. {newest}");
    // The demo collaborator wrote the reports of its ward.
    assert!(
        reports
            .iter()
            .any(|r| r.unit.as_str() == "00004" && r.author_user_id.is_some())
    );
    // Spam comments are kept and hidden.
    let hidden = synthetic.iter().filter(|i| i.is_hidden).count();
    assert!((5..=8).contains(&hidden), "hidden: {hidden}");
    // Every topic of the taxonomy occurs; the flood burst reads negative.
    let topics: std::collections::BTreeSet<_> =
        items.iter().filter_map(|i| i.topic.as_deref()).collect();
    assert!(topics.len() >= 10, "{topics:?}");
    let negative = synthetic
        .iter()
        .filter(|i| i.channel == "import" && i.sentiment.as_deref() == Some("negative"))
        .count();
    assert!(negative >= 10, "negative comments: {negative}");

    // Search finds a demo item typed without diacritics.
    let o = run_in(d, db, &["search", "dong ngac", "--json"]);
    let hits: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter().any(|h| h["source"] == "demo-synthetic"
            && h["snippet"].as_str().unwrap().contains("Đông Ngạc"))
    );

    // The rumours reported from several wards are suggested as cases to the city's leader,
    // one of them within the Ba Đình officer's own ward too.
    let users = store.list_users(None).await.unwrap();
    let actor_of = |email: &str| {
        users
            .iter()
            .find(|u| u.email.as_deref() == Some(email))
            .unwrap()
            .id
    };
    let leader = store
        .actor(actor_of("lanhdao@hanoi.demo.ykien.vn"))
        .await
        .unwrap()
        .unwrap();
    let sugg = ykien_listen::suggest_cases(&store, &leader, &Default::default())
        .await
        .unwrap();
    assert!(
        sugg.iter().filter(|s| s.items.len() >= 4).count() >= 3,
        "{sugg:?}"
    );
    let officer = store
        .actor(actor_of("canbo@badinh.demo.ykien.vn"))
        .await
        .unwrap()
        .unwrap();
    let own = ykien_listen::suggest_cases(&store, &officer, &Default::default())
        .await
        .unwrap();
    assert!(own.iter().any(|s| s.items.len() >= 2), "{own:?}");

    // Learning shown: the leader's corrections are labels, and a topic model was trained.
    let labels = store.labelled_texts(LabelField::Topic).await.unwrap();
    assert!(labels.len() >= 20, "{}", labels.len());
    assert!(out.contains("learning:"), "{out}");
    let models = store.list_models().await.unwrap();
    assert_eq!(models.len(), 1, "{models:?}");
    let audit = store.audit_tail(None, 10_000).await.unwrap().len();
    store.close().await;

    // A second run adds nothing.
    let again = stdout(&run_in(d, db, &["demo", "--no-serve", "--no-news"]));
    assert!(again.contains("; 0 new"), "{again}");
    let store = Store::open(&db.cfg).await.unwrap();
    assert_eq!(
        store.list_items(None, true, 10_000).await.unwrap().len(),
        210
    );
    assert_eq!(store.audit_tail(None, 10_000).await.unwrap().len(), audit);
    store.close().await;

    // The labels as JSONL, and retraining by hand: measured, stored, listed.
    let o = run_in(d, db, &["model", "labels"]);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), labels.len());
    assert!(
        lines
            .iter()
            .all(|l| l["field"] == "topic" && l["actor_name"] == "Lãnh đạo Thành phố")
    );
    let o = run_in(d, db, &["model", "retrain", "--json"]);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let topic = r
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model"] == "topic")
        .unwrap();
    assert!(
        topic["before_macro_f1"].is_number() && topic["after_macro_f1"].is_number(),
        "{r}"
    );
    assert_eq!(topic["version"], 2, "{r}");
    let sentiment = r
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model"] == "sentiment")
        .unwrap();
    assert_eq!(sentiment["outcome"], "skipped", "no sentiment labels: {r}");
    let o = run_in(d, db, &["model", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .filter(|m| m["active"] == true)
            .count(),
        1
    );
    let o = run_in(d, db, &["model", "activate", "topic", "1"]);
    stdout(&o);
    let o = run_in(d, db, &["model", "activate", "topic", "99"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown version is the user's mistake"
    );
}
