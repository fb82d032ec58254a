//! `ykien cases list|overdue|show` as an officer runs it: cases filed through the store in
//! three units (two wards of Hà Nội, and Hồ Chí Minh City), listed per unit subtree,
//! the overdue ones alone, one case in full, and the user's mistakes exiting with 2.

use std::path::Path;
use std::process::{Command, Output};

use ykien_store::{Confidentiality, DbConfig, NewCase, NewItem, OpinionReport, Severity, Store};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ykien"));
    for v in [
        "YKIEN_DATA_DIR",
        "YKIEN_DATABASE_URL",
        "YKIEN_CONFIG",
        "YKIEN_LOG",
    ] {
        c.env_remove(v);
    }
    c.arg("--data-dir").arg(dir).args(args);
    c.output().expect("run ykien")
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn ids(v: &serde_json::Value) -> Vec<i64> {
    let mut ids: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

/// Files one item and opens a case over it, due at `due`; returns the case id.
async fn open(store: &Store, unit: &str, title: &str, due: chrono::DateTime<chrono::Utc>) -> i64 {
    let item = store
        .submit_item(
            None,
            NewItem {
                unit: unit.into(),
                source: "test".into(),
                channel: ykien_store::Channel::Import,
                external_id: None,
                author_user_id: None,
                author_contact: None,
                occurred_at: None,
                text: format!("Phản ánh: {title}"),
                title: None,
                report: OpinionReport::default(),
                confidentiality: Confidentiality::Normal,
                dedup_text: String::new(),
            },
        )
        .await
        .unwrap()
        .id;
    store
        .create_case(
            None,
            NewCase {
                unit: unit.into(),
                title: title.into(),
                severity: Severity::Urgent,
                item_ids: vec![item],
                due_at: Some(due),
            },
        )
        .await
        .unwrap()
        .case
        .id
}

#[test]
fn cases_are_listed_by_unit_subtree_overdue_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A new database: no cases yet (and the units are loaded on the way).
    let v = json(&run_in(&data, &["cases", "list", "--json"]));
    assert_eq!(v, serde_json::json!([]));

    let now = chrono::Utc::now();
    let (late, ward_ok, saigon) = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = Store::open(&DbConfig::Sqlite {
            path: data.join("ykien.db"),
        })
        .await
        .unwrap();
        let late = open(
            &store,
            "00004",
            "Ngập úng Đội Cấn",
            now - chrono::Duration::hours(3),
        )
        .await;
        let ok = open(
            &store,
            "00070",
            "Rác chợ Hàng Da",
            now + chrono::Duration::days(2),
        )
        .await;
        let saigon = open(
            &store,
            "79",
            "Kẹt xe Nguyễn Huệ",
            now - chrono::Duration::hours(1),
        )
        .await;
        store.close().await;
        (late, ok, saigon)
    });

    let all = json(&run_in(&data, &["cases", "list", "--json"]));
    assert_eq!(ids(&all), vec![late, ward_ok, saigon]);
    let hanoi = json(&run_in(&data, &["cases", "list", "--unit", "01", "--json"]));
    assert_eq!(ids(&hanoi), vec![late, ward_ok]);
    let ward = json(&run_in(
        &data,
        &["cases", "list", "--unit", "00004", "--json"],
    ));
    assert_eq!(ids(&ward), vec![late]);
    assert_eq!(ward[0]["unit_name"], "Phường Ba Đình");
    assert_eq!(ward[0]["overdue"], true);
    let overdue = json(&run_in(&data, &["cases", "overdue", "--json"]));
    assert_eq!(ids(&overdue), vec![late, saigon]);
    let overdue_hn = json(&run_in(
        &data,
        &["cases", "overdue", "--unit", "01", "--json"],
    ));
    assert_eq!(ids(&overdue_hn), vec![late]);
    let closed = json(&run_in(
        &data,
        &["cases", "list", "--status", "closed", "--json"],
    ));
    assert_eq!(closed, serde_json::json!([]));

    let one = json(&run_in(
        &data,
        &["cases", "show", &late.to_string(), "--json"],
    ));
    assert_eq!(one["id"], late);
    assert_eq!(one["title"], "Ngập úng Đội Cấn");
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    // The table for people.
    let o = run_in(&data, &["cases", "overdue", "--unit", "00004"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("OVERDUE") && table.contains("Ngập úng Đội Cấn"),
        "{table}"
    );
    let o = run_in(&data, &["cases", "show", &late.to_string()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Phường Ba Đình") && text.contains("urgent"),
        "{text}"
    );

    // Mistakes: exit 2 with a message.
    for args in [
        &["cases", "show", "999999"][..],
        &["cases", "list", "--unit", "nope"][..],
        &["cases", "list", "--status", "lost"][..],
    ] {
        let o = run_in(&data, args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!o.stderr.is_empty());
    }
}
