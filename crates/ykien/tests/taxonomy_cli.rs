//! `ykien taxonomy`: export the taxonomy in use, import an edited one as a new version (its
//! mistakes named by line, exit 2, nothing written), activate it (with its topic model).

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
fn taxonomy_is_exported_imported_and_activated() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shipped = out(&run(d, &["taxonomy", "export"]));
    assert!(shipped.contains("id = \"land\""), "{shipped}");
    assert!(out(&run(d, &["taxonomy", "list"])).contains("shipped"));
    let show = out(&run(d, &["taxonomy", "show"]));
    assert!(
        show.contains("land") && show.contains("Đất đai, xây dựng"),
        "{show}"
    );

    // A mistake: exit 2, the line named, nothing stored.
    let bad = d.join("bad.toml");
    std::fs::write(&bad, format!("{shipped}\n[[topic]]\nid = \"Vật nuôi\"\n")).unwrap();
    let o = run(d, &["taxonomy", "import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    let line = shipped.lines().count() + 2;
    assert!(err.contains(&format!("line {line}")), "{err}");
    assert!(out(&run(d, &["taxonomy", "list"])).contains("shipped"));

    // A new topic, imported and activated: its topic model is stored and active.
    let good = d.join("good.toml");
    let edited = format!(
        "{shipped}\n[[topic]]\nid = \"pets\"\nname_vi = \"Vật nuôi\"\nname_en = \"Pets\"\n\
         seeds = [\"chó thả rông\"]\n"
    );
    std::fs::write(&good, &edited).unwrap();
    let said = out(&run(
        d,
        &[
            "taxonomy",
            "import",
            good.to_str().unwrap(),
            "--note",
            "vật nuôi",
            "--activate",
        ],
    ));
    assert!(
        said.contains("taxonomy version 1 stored and active"),
        "{said}"
    );
    assert!(said.contains("topic model version 1"), "{said}");
    let list = out(&run(d, &["taxonomy", "list"]));
    assert!(
        list.contains("   1 *") && list.contains("vật nuôi"),
        "{list}"
    );
    assert_eq!(out(&run(d, &["taxonomy", "export"])), edited);
    let json: serde_json::Value =
        serde_json::from_str(&out(&run(d, &["taxonomy", "show", "--json"]))).unwrap();
    assert!(json.as_array().unwrap().iter().any(|t| t["id"] == "pets"));
    assert_eq!(
        out(&run(d, &["taxonomy", "export", "--number", "0"])),
        shipped
    );

    // Unknown versions are the user's mistake.
    let o = run(d, &["taxonomy", "activate", "9"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(d, &["taxonomy", "export", "--number", "9"]);
    assert_eq!(o.status.code(), Some(2));
    let models = out(&run(d, &["taxonomy", "activate", "1"]));
    assert!(models.contains("taxonomy version 1 active"), "{models}");
}
