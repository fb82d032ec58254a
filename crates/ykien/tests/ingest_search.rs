//! `ykien ingest` and `ykien search` as users run them: bad rows reported with their line
//! while the rest is imported, a second import adds nothing, the items come out analyzed
//! and searchable without diacritics.

use std::process::{Command, Output};

fn run_in(dir: &std::path::Path, args: &[&str]) -> Output {
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

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn ingest_is_idempotent_reports_bad_rows_and_leaves_searchable_items() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("comments.jsonl");
    std::fs::write(
        &file,
        "{\"id\": \"1\", \"text\": \"Người dân phường Thụy Phương phản ánh ngập úng.\"}\n\
         {not json\n\
         {\"id\": \"3\", \"text\": \"Khu phố hoà bình.\", \"unit\": \"00008\"}\n\
         {\"id\": \"4\", \"title\": \"no text\"}\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let o = run_in(&data, &["ingest", f, "--unit", "00004", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let sum: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sum["added"], 2, "{sum}");
    assert_eq!(sum["analyzed"], 2, "{sum}");
    let lines: Vec<u64> = sum["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 4]);
    // again: nothing added
    let o = run_in(&data, &["ingest", f, "--unit", "00004", "--json"]);
    let sum: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (sum["added"].as_u64(), sum["duplicates"].as_u64()),
        (Some(0), Some(2))
    );
    // searchable without diacritics, with the original highlighted
    let o = run_in(&data, &["search", "thuy", "phuong", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1);
    let snippet = hits[0]["snippet"].as_str().unwrap();
    let h = &hits[0]["highlights"][0];
    let (s, e) = (
        h[0].as_u64().unwrap() as usize,
        h[1].as_u64().unwrap() as usize,
    );
    assert_eq!(&snippet[s..e], "Thụy Phương");
    // old tone placement in the text, new in the query; --unit narrows
    let o = run_in(&data, &["search", "hòa", "--unit", "00004", "--json"]);
    let none: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(none.as_array().unwrap().len(), 0);
    let o = run_in(&data, &["search", "hòa", "--unit", "00008", "--json"]);
    let one: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(one[0]["unit"], "00008");
    // an unknown unit is the user's mistake
    let o = run_in(&data, &["search", "x", "--unit", "nope"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn a_separate_worker_analyzes_what_ingest_left_queued() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("reports.jsonl");
    std::fs::write(
        &file,
        "{\"id\": \"a\", \"text\": \"Đường ở xã Thượng Cát ngập sâu sau mưa.\"}\n",
    )
    .unwrap();
    let o = run_in(
        &data,
        &[
            "ingest",
            file.to_str().unwrap(),
            "--unit",
            "00598",
            "--no-analyze",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Not analyzed yet, so not searchable yet.
    let o = run_in(&data, &["search", "thuong", "cat", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(hits.as_array().map(Vec::len), Some(0), "{hits}");

    let o = run_in(&data, &["worker", "--drain"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("analyzed 1"),
        "{}",
        text(&o.stderr)
    );

    let o = run_in(&data, &["search", "thuong", "cat", "--json"]);
    let hits: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(hits.as_array().map(Vec::len), Some(1), "{hits}");
}
