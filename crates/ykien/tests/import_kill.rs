//! Nothing accepted is lost when the process dies mid-import (issue 5, "Bad input").
//!
//! - `ykien serve` is killed with SIGKILL while a web import runs; restarted, it resumes the
//!   import from its committed cursor and finishes it: every row is stored exactly once and
//!   the import's counters add up to the file's rows.
//! - `ykien ingest` is killed the same way; run again on the same file, it adds exactly the
//!   rows the first run had not stored.
//!
//! On SQLite always, and on PostgreSQL (a fresh schema per test) when `YKIEN_TEST_PG_URL` is
//! set. The rows are the demo's texts — excerpts of Resolution 1656/NQ-UBTVQH15 (public)
//! and the demo's synthetic reports (invented, and labelled so in the demo) — each made
//! unique by a marker saying it is a test copy; a few deliberately bad rows are mixed in.

#![cfg(unix)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::AssertSqlSafe;

const ROWS: usize = 3000;
const SOURCE: &str = "kill-test";
/// Lines (1-based) that are not valid rows: malformed JSON, and a row without text.
const BAD_LINES: [u64; 3] = [7, 1500, 2999];

/// Where a test keeps its data: a temp data dir, and maybe a PostgreSQL schema of its own.
struct Env {
    dir: tempfile::TempDir,
    db_url: Option<String>,
    pg: Option<(String, String)>,
    rt: tokio::runtime::Runtime,
}

impl Env {
    fn sqlite() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            db_url: None,
            pg: None,
            rt: tokio::runtime::Runtime::new().unwrap(),
        }
    }

    fn postgres() -> Option<Env> {
        let url = std::env::var("YKIEN_TEST_PG_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let rt = tokio::runtime::Runtime::new().unwrap();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let schema = format!("ykk_{nanos:x}_{}", std::process::id());
        rt.block_on(async {
            let pool = sqlx::PgPool::connect(&url).await.expect("PostgreSQL");
            sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        });
        let sep = if url.contains('?') { '&' } else { '?' };
        Some(Env {
            dir: tempfile::tempdir().unwrap(),
            db_url: Some(format!("{url}{sep}options[search_path]={schema}")),
            pg: Some((url, schema)),
            rt,
        })
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ykien"));
        for v in [
            "YKIEN_DATA_DIR",
            "YKIEN_DATABASE_URL",
            "YKIEN_LISTEN",
            "YKIEN_CONFIG",
            "YKIEN_LOG",
            "YKIEN_LOG_FORMAT",
        ] {
            c.env_remove(v);
        }
        c.arg("--data-dir").arg(self.dir.path().join("data"));
        if let Some(u) = &self.db_url {
            c.env("YKIEN_DATABASE_URL", u);
        }
        c
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let o = self.cmd().args(args).output().unwrap();
        assert!(
            o.status.success(),
            "ykien {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o
    }

    /// (rows, distinct external ids, the ids) of the test's items, read from the database.
    fn stored(&self) -> (i64, i64, BTreeSet<String>) {
        self.try_stored().expect("read the items")
    }

    fn try_stored(&self) -> Result<(i64, i64, BTreeSet<String>), sqlx::Error> {
        let sql = format!("SELECT external_id FROM items WHERE source = '{SOURCE}'");
        let ids: Vec<Option<String>> = self.rt.block_on(async {
            match &self.db_url {
                Some(u) => {
                    let p = sqlx::PgPool::connect(u).await?;
                    let r = sqlx::query_scalar(AssertSqlSafe(sql.clone()))
                        .fetch_all(&p)
                        .await;
                    p.close().await;
                    r
                }
                None => {
                    let path = self.dir.path().join("data").join("ykien.db");
                    let opts = sqlx::sqlite::SqliteConnectOptions::new()
                        .filename(path)
                        .read_only(true);
                    let p = sqlx::SqlitePool::connect_with(opts).await?;
                    let r = sqlx::query_scalar(AssertSqlSafe(sql.clone()))
                        .fetch_all(&p)
                        .await;
                    p.close().await;
                    r
                }
            }
        })?;
        let set: BTreeSet<String> = ids.iter().flatten().cloned().collect();
        Ok((ids.len() as i64, set.len() as i64, set))
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some((url, schema)) = self.pg.take() {
            self.rt.block_on(async {
                if let Ok(p) = sqlx::PgPool::connect(&url).await {
                    let _ = sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                        .execute(&p)
                        .await;
                    p.close().await;
                }
            });
        }
    }
}

/// The demo's texts (see the module docs).
fn texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let mut out = Vec::new();
    for f in ["legal.1656.jsonl", "reports.synthetic.jsonl"] {
        for line in std::fs::read_to_string(root.join(f)).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            out.push(v["text"].as_str().unwrap().to_string());
        }
    }
    assert!(out.len() > 100);
    out
}

/// A JSONL file of `ROWS` lines; the lines in `BAD_LINES` are bad. Returns the ids of the
/// good rows.
fn import_file(path: &Path) -> BTreeSet<String> {
    let texts = texts();
    let mut ids = BTreeSet::new();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 1..=ROWS as u64 {
        let line = match BAD_LINES.iter().position(|&b| b == i) {
            Some(0) | Some(2) => format!("{{\"id\": \"k{i}\", \"text\": \"cut off"),
            Some(_) => format!("{{\"id\": \"k{i}\", \"title\": \"no text\"}}"),
            None => {
                ids.insert(format!("k{i}"));
                let text = format!(
                    "{} [bản sao thử nghiệm số {i}]",
                    texts[i as usize % texts.len()]
                );
                serde_json::json!({ "id": format!("k{i}"), "text": text }).to_string()
            }
        };
        writeln!(f, "{line}").unwrap();
    }
    ids
}

/// Starts `ykien serve` on a free port; returns the child and its address.
fn serve(env: &Env) -> (Child, String) {
    let mut child = env
        .cmd()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("YKIEN_LOG", "warn")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    for _ in 0..200 {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.split("listening on http://").nth(1) {
            let addr = rest.split('/').next().unwrap().to_string();
            // Keep draining the server's log so that it never blocks on a full pipe.
            std::thread::spawn(move || {
                let mut sink = String::new();
                let _ = err.read_to_string(&mut sink);
            });
            return (child, addr);
        }
        seen.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("ykien serve did not start: {seen:?}");
}

/// One HTTP/1.1 exchange on a fresh connection; returns (status, body).
fn http(addr: &str, head: &str, body: &[u8]) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
    (status, body.to_string())
}

fn get_json(addr: &str, token: &str, path: &str) -> serde_json::Value {
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    let (status, body) = http(addr, &head, b"");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// Uploads the file through `POST /api/v1/imports` (multipart); returns the import's id.
fn upload(addr: &str, token: &str, file: &Path) -> i64 {
    let b = "ykienBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in [("format", "jsonl"), ("unit", "00004"), ("source", SOURCE)] {
        write!(
            body,
            "--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
        .unwrap();
    }
    write!(
        body,
        "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kill.jsonl\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .unwrap();
    body.extend(std::fs::read(file).unwrap());
    write!(body, "\r\n--{b}--\r\n").unwrap();
    let head = format!(
        "POST /api/v1/imports HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={b}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let (status, text) = http(addr, &head, &body);
    assert_eq!(status, 201, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["id"].as_i64().unwrap()
}

fn kill(child: &mut Child) {
    // std's kill sends SIGKILL: no shutdown handler runs.
    child.kill().unwrap();
    child.wait().unwrap();
}

fn server_killed_mid_import_resumes_and_finishes(env: Env) {
    let file = env.dir.path().join("kill.jsonl");
    let expected = import_file(&file);
    env.run(&[
        "user",
        "add",
        "--unit",
        "00004",
        "--role",
        "editor",
        "--name",
        "Biên tập viên",
        "--email",
        "bt@example.org",
    ]);
    let o = env.run(&["token", "create", "--user", "bt@example.org"]);
    let token = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let (mut child, addr) = serve(&env);
    let id = upload(&addr, &token, &file);
    let path = format!("/api/v1/imports/{id}");
    let start = Instant::now();
    let before = loop {
        let v = get_json(&addr, &token, &path);
        let done = v["rows_done"].as_i64().unwrap_or(0);
        let total = v["rows_total"].as_i64().unwrap_or(0);
        if done > 0 && done < total {
            kill(&mut child);
            break v;
        }
        assert!(
            v["state"] != "done" && start.elapsed() < Duration::from_secs(120),
            "the import ended before it could be interrupted: {v}"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    let (stored_at_kill, _, _) = env.stored();
    assert!(
        (stored_at_kill as usize) < expected.len(),
        "killed mid-import: {stored_at_kill} of {} stored; {before}",
        expected.len()
    );

    let (mut child, addr) = serve(&env);
    let start = Instant::now();
    let after = loop {
        let v = get_json(&addr, &token, &path);
        if v["state"] == "done" || v["state"] == "failed" {
            break v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "not resumed: {v}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    kill(&mut child);
    assert_eq!(after["state"], "done", "{after}");
    // Every row accounted for exactly once, and exactly the good rows stored, each once.
    let n = |k: &str| after[k].as_i64().unwrap();
    assert_eq!(n("rows_total"), ROWS as i64, "{after}");
    assert_eq!(n("rows_done"), ROWS as i64, "{after}");
    assert_eq!(
        n("rows_added") + n("rows_duplicate") + n("rows_failed"),
        ROWS as i64,
        "{after}"
    );
    assert_eq!(n("rows_failed"), BAD_LINES.len() as i64, "{after}");
    let lines: Vec<u64> = after["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, BAD_LINES.to_vec());
    // Rows of the chunk interrupted by the kill were stored before it and are recognised on
    // the second pass: that is the only way a row of this file can be "already there".
    assert!(n("rows_duplicate") <= 100, "{after}");
    let (count, distinct, ids) = env.stored();
    assert_eq!(count, expected.len() as i64);
    assert_eq!(distinct, count, "no row stored twice");
    assert_eq!(ids, expected);
    eprintln!(
        "killed at {} of {} rows ({stored_at_kill} stored); in all: {} added, {} already there",
        before["rows_done"], ROWS, after["rows_added"], after["rows_duplicate"]
    );
}

fn ingest_killed_mid_way_adds_exactly_the_missing_rows_when_run_again(env: Env) {
    let file = env.dir.path().join("kill.jsonl");
    let expected = import_file(&file);
    let f = file.to_str().unwrap();
    let args = [
        "ingest",
        f,
        "--unit",
        "00004",
        "--source",
        SOURCE,
        "--no-analyze",
        "--json",
    ];
    let mut child = env
        .cmd()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut seen = 0;
    while start.elapsed() < Duration::from_secs(120) {
        // The database (and its tables) appear with the run; until then nothing to count.
        if env.db_url.is_some() || env.dir.path().join("data").join("ykien.db").exists() {
            seen = env.try_stored().map(|s| s.0).unwrap_or(0);
        }
        if seen > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    kill(&mut child);
    let (at_kill, _, _) = env.stored();
    assert!(
        at_kill > 0 && (at_kill as usize) < expected.len(),
        "killed mid-way: {at_kill} of {}",
        expected.len()
    );
    let o = env.run(&args);
    let sum: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sum["rows"], ROWS as u64, "{sum}");
    assert_eq!(
        sum["added"].as_i64().unwrap(),
        expected.len() as i64 - at_kill,
        "{sum}"
    );
    assert_eq!(sum["duplicates"].as_i64().unwrap(), at_kill, "{sum}");
    assert_eq!(sum["errors"].as_array().unwrap().len(), BAD_LINES.len());
    let (count, distinct, ids) = env.stored();
    assert_eq!(
        (count, distinct),
        (expected.len() as i64, expected.len() as i64)
    );
    assert_eq!(ids, expected);
}

#[test]
fn sqlite_server_killed_mid_import_resumes_and_finishes() {
    server_killed_mid_import_resumes_and_finishes(Env::sqlite());
}

#[test]
fn postgres_server_killed_mid_import_resumes_and_finishes() {
    if let Some(env) = Env::postgres() {
        server_killed_mid_import_resumes_and_finishes(env);
    }
}

#[test]
fn sqlite_ingest_killed_mid_way_adds_exactly_the_missing_rows_when_run_again() {
    ingest_killed_mid_way_adds_exactly_the_missing_rows_when_run_again(Env::sqlite());
}

#[test]
fn postgres_ingest_killed_mid_way_adds_exactly_the_missing_rows_when_run_again() {
    if let Some(env) = Env::postgres() {
        ingest_killed_mid_way_adds_exactly_the_missing_rows_when_run_again(env);
    }
}
