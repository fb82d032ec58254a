//! `ykien calendar`: computed holidays, announced changes, and their errors.

use std::process::{Command, Output};

fn run(dir: &std::path::Path, args: &[&str]) -> Output {
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

fn out(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn holidays_are_computed_and_announced_changes_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let list = out(&run(d, &["calendar", "list", "--year", "2026", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let days: Vec<&str> = v["days_off"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["day"].as_str().unwrap())
        .collect();
    // Tết Bính Ngọ (17 February) and Giỗ Tổ on Sunday 26 April, compensated on Monday.
    assert!(
        days.contains(&"2026-02-17") && days.contains(&"2026-04-27"),
        "{days:?}"
    );
    assert!(!days.contains(&"2026-12-31"));

    out(&run(
        d,
        &[
            "calendar",
            "set",
            "2026-12-31",
            "--kind",
            "off",
            "--name",
            "Nghỉ thử",
        ],
    ));
    let text = out(&run(d, &["calendar", "list", "--year", "2026"]));
    assert!(
        text.contains("2026-12-31  T5  off   Nghỉ thử  (announced)"),
        "{text}"
    );
    out(&run(d, &["calendar", "remove", "2026-12-31"]));
    let again = run(d, &["calendar", "remove", "2026-12-31"]);
    assert_eq!(again.status.code(), Some(2));
    let bad = run(
        d,
        &[
            "calendar",
            "set",
            "2026-13-01",
            "--kind",
            "off",
            "--name",
            "x",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}
