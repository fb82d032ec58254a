//! The text commands as a user runs them: the binary, standard input, standard output.

use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ykien"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ykien");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn segment_works_without_diacritics() {
    let (code, out, _) = run(
        &["segment"],
        "sinh vien vi pham quy che thi cu tai Ha Noi\n".as_bytes(),
    );
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "sinh_vien vi_pham quy_che thi_cu tai Ha_Noi");
}

#[test]
fn normalize_and_fold_agree_on_both_tone_styles() {
    let (_, a, _) = run(&["normalize"], "hoà bình, thuỷ sản\n".as_bytes());
    let (_, b, _) = run(&["normalize"], "hòa bình, thủy sản\n".as_bytes());
    assert_eq!(a, b);
    let (_, f, _) = run(&["fold"], "Thụy Phương\n".as_bytes());
    assert_eq!(f.trim(), "thuy phuong");
}

#[test]
fn analyze_json_names_the_legacy_ward_and_its_successors() {
    let text =
        "Người dân phường Thụy Phương (quận Bắc Từ Liêm) bức xúc vì rác thải, gọi 0912 345 678.";
    let (code, out, err) = run(&["analyze", "--json"], text.as_bytes());
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON object");
    for field in [
        "language",
        "normalized",
        "words",
        "places",
        "pii",
        "keywords",
        "fingerprint",
        "topics",
        "sentiment",
        "spam",
    ] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    assert_eq!(v["language"], "vi");
    let ward = v["places"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Phường Thụy Phương")
        .expect("the ward is found");
    assert_eq!(ward["legacy"], true);
    let succ: Vec<&str> = ward["successors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(succ.contains(&"Phường Đông Ngạc"), "{succ:?}");
    let span = ward["span"].as_array().unwrap();
    let (s, e) = (
        span[0].as_u64().unwrap() as usize,
        span[1].as_u64().unwrap() as usize,
    );
    assert!(text[s..e].contains("Thụy Phương"));
    let phone = &v["pii"].as_array().unwrap()[0];
    assert_eq!(phone["kind"], "phone");
    assert_eq!(v["sentiment"]["label"], "negative");
    assert_eq!(v["spam"]["label"], "none");
}

#[test]
fn analyze_lines_gives_one_object_per_line() {
    let (code, out, _) = run(
        &["analyze", "--lines", "--json"],
        "một\nhai\nba\n".as_bytes(),
    );
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 3);
}

#[test]
fn invalid_utf8_is_refused_with_its_position() {
    let (code, out, err) = run(&["normalize"], b"ho\xe0 b\xecnh\n");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("not valid UTF-8") && err.contains("byte 2"),
        "{err}"
    );
}

#[test]
fn a_bad_model_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("model.bin");
    std::fs::write(&bad, b"not a model").unwrap();
    let (code, _, err) = run(&["analyze", "--topic-model", bad.to_str().unwrap()], b"x");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a usable model"), "{err}");
}
