//! `ykien report` as users run it: the real binary on a data directory filled by `ykien demo`
//! (real units, the demo's synthetic reports analysed by the real pipeline). A monthly
//! report of the city and of one ward is exported in all three formats; the DOCX is opened
//! with a DOCX reader (docx-rs), the PDF with poppler's `pdftotext` (required when
//! `YKIEN_REQUIRE_POPPLER=1`, else skipped with a note), and each must show the header, the
//! title, the five section headings and the total number of opinions the dashboard shows for
//! the same unit and period. The PDF pages are rendered to PNG (`pdftoppm -r 60`) into
//! `$CARGO_TARGET_DIR/report-artifacts/` to be looked at. A flash report on a case, bad
//! input (unknown unit, bad period, unknown format) and exit codes are checked too.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{Datelike, Duration, Utc};
use ykien_report::Period;
use ykien_report::draft::{dashboard_query, system_actor};
use ykien_store::{DbConfig, NewCase, Severity, Store};

fn ykien(dir: &Path, args: &[&str]) -> Output {
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
    c.env("RUST_BACKTRACE", "0");
    c.arg("--data-dir").arg(dir).args(args);
    c.output().expect("run ykien")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn artifacts() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("report-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn poppler() -> bool {
    let have = Command::new("pdftotext").arg("-v").output().is_ok();
    if !have {
        assert!(
            std::env::var("YKIEN_REQUIRE_POPPLER").map_or(true, |v| v != "1"),
            "YKIEN_REQUIRE_POPPLER=1 but pdftotext is not installed (Debian: poppler-utils)"
        );
        eprintln!("note: pdftotext not found, the PDF's text is not checked");
    }
    have
}

/// Every text of a DOCX, as its reader gives it (runs joined per paragraph, one a line).
fn docx_text(bytes: &[u8]) -> String {
    let docx = docx_rs::read_docx(bytes).expect("a DOCX docx-rs can read");
    let json = serde_json::to_value(&docx.document).unwrap();
    let mut out = String::new();
    fn walk(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("type").and_then(|t| t.as_str()) == Some("text")
                    && let Some(t) = m
                        .get("data")
                        .and_then(|d| d.get("text"))
                        .and_then(|t| t.as_str())
                {
                    out.push_str(t);
                }
                for (k, x) in m {
                    walk(x, out);
                    if k == "children"
                        && m.get("type").and_then(|t| t.as_str()) == Some("paragraph")
                    {
                        out.push('\n');
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&json, &mut out);
    out
}

/// Every run of white space as one space: a PDF wraps lines where the page ends them.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 1.234: thousands grouped with dots, the Vietnamese way.
fn vi_int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monthly_reports_in_three_formats_match_the_dashboard() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("demo");
    ok(&ykien(&d, &["demo", "--no-serve", "--no-news"]));

    // A month with plenty of the demo's items (they span the last 60 days): the one that
    // held the day 15 days ago, in Hà Nội.
    let ago = (Utc::now() + Duration::hours(7) - Duration::days(15)).date_naive();
    let code = format!("{:04}-{:02}", ago.year(), ago.month());
    let period = Period::parse(&code).unwrap();
    let store = Store::open(&DbConfig::Sqlite {
        path: d.join("ykien.db"),
    })
    .await
    .unwrap();
    let system = system_actor();
    let out = artifacts();
    let with_poppler = poppler();
    let headings = [
        "I. TÌNH HÌNH TƯ TƯỞNG, DƯ LUẬN XÃ HỘI NỔI BẬT",
        "II. NHỮNG VẤN ĐỀ NHÂN DÂN QUAN TÂM, BỨC XÚC",
        "III. THÔNG TIN SAI SỰ THẬT, TIN ĐỒN",
        "IV. DỰ BÁO TÌNH HÌNH",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ];
    // The city, and the ward with the most items in that month.
    let city = store
        .dashboard(&system, &dashboard_query("01", &period))
        .await
        .unwrap();
    let ward = city
        .children
        .iter()
        .max_by_key(|c| (c.items.current, std::cmp::Reverse(c.unit.code.clone())))
        .unwrap()
        .unit
        .clone();
    assert!(
        city.items.current > 20,
        "the demo month has {} items",
        city.items.current
    );
    for (unit, issuing) in [
        ("01", "BAN THƯỜNG TRỰC".to_string()),
        (
            ward.id.as_str(),
            format!("ỦY BAN MTTQ VIỆT NAM {}", ward.name.to_uppercase()),
        ),
    ] {
        let dash = store
            .dashboard(&system, &dashboard_query(unit, &period))
            .await
            .unwrap();
        let total = format!("{} ý kiến", vi_int(dash.items.current));
        let title = format!(
            "Tình hình dư luận xã hội {}",
            period.label(ykien_report::Lang::Vi)
        );
        let must = |text: &str, what: &str| {
            let text = squeeze(text);
            for s in [
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI",
                issuing.as_str(),
                "BC-MTTQ-BTT",
                "Hà Nội, ngày 05 tháng 12 năm 2026",
                "BÁO CÁO",
                title.as_str(),
                total.as_str(),
                "Nơi nhận:",
                "TM. BAN THƯỜNG TRỰC",
            ]
            .iter()
            .chain(headings.iter())
            {
                assert!(text.contains(s), "{what} of {unit} lacks {s:?}:\n{text}");
            }
        };
        for ext in ["html", "docx", "pdf"] {
            let file = out.join(format!("report-{unit}-{code}.{ext}"));
            let _ = std::fs::remove_file(&file);
            let err = ok(&ykien(
                &d,
                &[
                    "report",
                    "--unit",
                    unit,
                    "--period",
                    &code,
                    "--date",
                    "2026-12-05",
                    "-o",
                    file.to_str().unwrap(),
                ],
            ));
            assert!(err.contains("wrote"), "{err}");
            let bytes = std::fs::read(&file).unwrap();
            match ext {
                "html" => {
                    let html = String::from_utf8(bytes).unwrap();
                    assert!(
                        html.contains("<html") || html.contains("<!doctype"),
                        "standalone"
                    );
                    // Figures link back to their items.
                    let link = format!("/items?unit={unit}&amp;from=");
                    assert!(html.contains(&link), "no item links in the HTML");
                    must(&html, "HTML");
                }
                "docx" => must(&docx_text(&bytes), "DOCX"),
                _ => {
                    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
                    if with_poppler {
                        let t = Command::new("pdftotext")
                            .args([file.to_str().unwrap(), "-"])
                            .output()
                            .unwrap();
                        assert!(t.status.success());
                        must(&String::from_utf8_lossy(&t.stdout), "PDF");
                        let png = out.join(format!("report-{unit}-{code}"));
                        let r = Command::new("pdftoppm")
                            .args([
                                "-r",
                                "60",
                                "-png",
                                file.to_str().unwrap(),
                                png.to_str().unwrap(),
                            ])
                            .status()
                            .unwrap();
                        assert!(r.success());
                    }
                }
            }
        }
    }

    // A flash report on a case of the demo's rumour, as PDF and DOCX.
    let items = store.list_items(None, false, 10_000).await.unwrap();
    let rumour: Vec<i64> = items
        .iter()
        .filter(|i| i.text.starts_with("Tin đồn lan truyền"))
        .map(|i| i.id)
        .take(3)
        .collect();
    assert_eq!(rumour.len(), 3);
    let case = store
        .create_case(
            None,
            NewCase {
                unit: "01".into(),
                title: "Tin đồn thu hồi đất hai bên đường vành đai".into(),
                severity: Severity::Urgent,
                item_ids: rumour,
                due_at: None,
            },
        )
        .await
        .unwrap();
    let id = case.case.id.to_string();
    for ext in ["docx", "pdf"] {
        let file = out.join(format!("flash-{id}.{ext}"));
        ok(&ykien(
            &d,
            &[
                "report",
                "--case",
                &id,
                "--date",
                "2026-12-05",
                "-o",
                file.to_str().unwrap(),
            ],
        ));
        let bytes = std::fs::read(&file).unwrap();
        if ext == "docx" {
            let t = docx_text(&bytes);
            assert!(
                t.contains("BÁO CÁO NHANH") && t.contains("Tin đồn thu hồi đất"),
                "{t}"
            );
            assert!(t.contains("3 ý kiến"), "{t}");
        } else if with_poppler {
            let png = out.join(format!("flash-{id}"));
            Command::new("pdftoppm")
                .args([
                    "-r",
                    "60",
                    "-png",
                    file.to_str().unwrap(),
                    png.to_str().unwrap(),
                ])
                .status()
                .unwrap();
        }
    }

    // Issued twice: the register gives 01 then 02, the file is numbered and no longer a draft.
    for n in ["01", "02"] {
        let file = out.join(format!("issued-{n}.docx"));
        let err = ok(&ykien(
            &d,
            &[
                "report",
                "--unit",
                "01",
                "--period",
                &code,
                "--date",
                "2026-12-05",
                "--issue",
                "-o",
                file.to_str().unwrap(),
            ],
        ));
        let symbol = format!("{n}/BC-MTTQ-BTT");
        assert!(err.contains(&symbol), "{err}");
        let t = docx_text(&std::fs::read(&file).unwrap());
        assert!(squeeze(&t).contains(&format!("Số: {symbol}")), "{t}");
        assert!(!t.contains("DỰ THẢO"), "an issued report is no draft");
    }
    let register = store.register(None, "01", 2026).await.unwrap();
    assert_eq!(register.len(), 2);

    // Bad input: exit code 2, a clear message, no file.
    let nofile = out.join("never.docx");
    for (args, says) in [
        (
            vec!["report", "--unit", "99999", "--period", &code],
            "unknown unit",
        ),
        (
            vec!["report", "--unit", "01", "--period", "2026-13"],
            "2026-13",
        ),
        (
            vec!["report", "--unit", "01", "--period", "2026-W60"],
            "week",
        ),
        (vec!["report", "--case", "999999"], "no case"),
    ] {
        let mut a = args.clone();
        a.extend(["-o", nofile.to_str().unwrap()]);
        let o = ykien(&d, &a);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{a:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{a:?}: {err}");
        assert!(!nofile.exists());
    }
    let o = ykien(
        &d,
        &[
            "report",
            "--unit",
            "01",
            "--period",
            &code,
            "-o",
            "report.odt",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--format"));
    store.close().await;
}
