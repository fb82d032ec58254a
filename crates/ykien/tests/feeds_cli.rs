//! `ykien feeds` as an operator runs it, against a real HTTP server on loopback that serves
//! an RSS 2.0 fixture (synthetic Vietnamese news, see crates/ykien-feeds/tests/fixtures).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const RSS: &str = include_str!("../../ykien-feeds/tests/fixtures/tin-phuong.rss.xml");

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ykien"));
    for v in [
        "YKIEN_DATA_DIR",
        "YKIEN_DATABASE_URL",
        "YKIEN_LISTEN",
        "YKIEN_CONFIG",
        "YKIEN_LOG",
    ] {
        c.env_remove(v);
    }
    c.arg("--data-dir").arg(dir).args(args);
    c.output().expect("run ykien")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Serves the RSS fixture on every path, HTTP/1.1, one request per connection.
fn serve_rss() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { return };
            let mut buf = [0u8; 4096];
            let mut got = Vec::new();
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                RSS.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(RSS.as_bytes());
        }
    });
    (addr, hits)
}

#[test]
fn feeds_add_list_fetch_now_history_remove() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, hits) = serve_rss();
    let url = format!("http://{addr}/rss.xml");
    let o = run_in(
        dir.path(),
        &[
            "feeds",
            "add",
            "--unit",
            "00004",
            "--kind",
            "rss",
            "--url",
            &url,
            "--name",
            "Tin phường",
            "--every",
            "600",
        ],
    );
    assert!(o.status.success(), "{o:?}");
    assert!(
        out(&o).starts_with("source #1 added: Tin phường (rss, every 600 s)"),
        "{o:?}"
    );

    // Bad input is exit 2 and writes nothing.
    for bad in [
        vec![
            "feeds", "add", "--unit", "00004", "--kind", "rss", "--url", "ftp://x", "--name", "B",
        ],
        vec![
            "feeds", "add", "--unit", "99999", "--kind", "rss", "--url", &url, "--name", "C",
        ],
        vec![
            "feeds",
            "add",
            "--unit",
            "00004",
            "--kind",
            "rss",
            "--url",
            &url,
            "--name",
            "Tin phường",
        ],
        vec!["feeds", "fetch-now", "42"],
    ] {
        let o = run_in(dir.path(), &bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {o:?}");
    }

    let o = run_in(dir.path(), &["feeds", "fetch-now", "1"]);
    assert!(o.status.success(), "{o:?}");
    assert!(
        out(&o).contains("#1 Tin phường: ok — 3 found, 3 new"),
        "{}",
        out(&o)
    );
    let o = run_in(dir.path(), &["feeds", "fetch-now", "1", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["items_found"].as_i64(), v["items_added"].as_i64()),
        (Some(3), Some(0))
    );
    assert_eq!(hits.load(Ordering::SeqCst), 2);

    // The fetched items were analyzed and are searchable at once.
    let o = run_in(dir.path(), &["search", "doi can", "--json"]);
    assert!(o.status.success(), "{o:?}");
    assert!(out(&o).contains("Đội Cấn"), "{}", out(&o));

    let o = run_in(dir.path(), &["feeds", "history", "1", "--json"]);
    let h: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0]["outcome"], "ok");
    assert_eq!(h[1]["items_added"], 3);

    let o = run_in(dir.path(), &["feeds", "list", "--json"]);
    let l: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(l[0]["name"], "Tin phường");
    assert_eq!(l[0]["last_status"], "ok");

    let o = run_in(dir.path(), &["feeds", "remove", "1"]);
    assert!(o.status.success(), "{o:?}");
    let o = run_in(dir.path(), &["feeds", "list", "--json"]);
    assert_eq!(out(&o).trim(), "[]");
    let o = run_in(dir.path(), &["feeds", "remove", "1"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run_in(dir.path(), &["audit", "tail", "--json"]);
    let text = out(&o);
    assert!(
        text.contains("source.create") && text.contains("source.delete"),
        "{text}"
    );
}
