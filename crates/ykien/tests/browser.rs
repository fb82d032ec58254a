//! The web UI in real headless Chromium: starts `ykien serve` on a fresh data directory with one
//! account per role, then runs the flows in `browser/flows` through playwright-core
//! (`browser/run.mjs`). Screenshots of the main pages are kept in `target/browser-artifacts`.
//!
//! Needs Node.js, Debian's `chromium` and `npm ci` in `browser/`; without them the test says
//! so and passes, unless `YKIEN_REQUIRE_BROWSER=1` (set by `.ci/run`) makes it fail.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// (key used by the flows, role, unit, name, login)
const ACCOUNTS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "admin",
        "admin",
        "01",
        "Quản trị Thành phố",
        "quantri@test.ykien.vn",
    ),
    (
        "leader",
        "leader",
        "01",
        "Lãnh đạo Thành phố",
        "lanhdao@test.ykien.vn",
    ),
    (
        "officer",
        "officer",
        "00004",
        "Cán bộ Ba Đình",
        "canbo@badinh.test.ykien.vn",
    ),
    (
        "collaborator",
        "collaborator",
        "00004",
        "Cộng tác viên Ba Đình",
        "ctv@badinh.test.ykien.vn",
    ),
    (
        "other_officer",
        "officer",
        "00008",
        "Cán bộ Ngọc Hà",
        "canbo@ngocha.test.ykien.vn",
    ),
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Why the browser tests cannot run here, if they cannot.
fn missing_parts(chromium: &Path) -> Option<String> {
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    if !chromium.exists() {
        return Some(format!(
            "{} does not exist (apt-get install chromium)",
            chromium.display()
        ));
    }
    let pw = repo_root().join("browser/node_modules/playwright-core");
    if !pw.exists() {
        return Some("playwright-core is not installed (npm ci in browser/)".into());
    }
    None
}

fn ykien(data: &Path) -> Command {
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
    c.arg("--data-dir").arg(data);
    c
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `ykien serve` on a free port and returns it with its base URL.
fn serve(data: &Path) -> (Server, String) {
    let mut child = ykien(data)
        .args(["--log-format", "json", "serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ykien serve");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut addr = None;
    let mut seen = Vec::new();
    for _ in 0..500 {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if let Some(rest) = line.split("listening on http://").nth(1) {
            addr = Some(rest.split('/').next().unwrap().to_string());
            break;
        }
        seen.push(line);
    }
    let server = Server(child);
    let addr = addr.unwrap_or_else(|| panic!("the server did not start: {seen:?}"));
    // Keep reading the log so that the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while err.read_line(&mut sink).unwrap_or(0) > 0 {
            sink.clear();
        }
    });
    (server, format!("http://{addr}"))
}

#[test]
fn web_ui_flows_in_headless_chromium() {
    let chromium = PathBuf::from(
        std::env::var("YKIEN_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    );
    if let Some(why) = missing_parts(&chromium) {
        if std::env::var("YKIEN_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("browser tests required but cannot run: {why}");
        }
        eprintln!("skipping the browser tests: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut accounts = serde_json::Map::new();
    for (key, role, unit, name, login) in ACCOUNTS {
        let password = format!("mật khẩu thử {key} 2026");
        let mut add = ykien(&data)
            .args([
                "user", "add", "--unit", unit, "--role", role, "--name", name,
            ])
            .args(["--email", login, "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(add.stdin.take().unwrap(), "{password}").unwrap();
        let out = add.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        accounts.insert(
            (*key).into(),
            serde_json::json!({ "login": login, "password": password, "name": name, "unit": unit, "role": role }),
        );
    }
    let accounts_file = dir.path().join("accounts.json");
    std::fs::write(
        &accounts_file,
        serde_json::Value::Object(accounts).to_string(),
    )
    .unwrap();

    let (_server, base) = serve(&data);
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../browser-artifacts");
    let out = Command::new("node")
        .arg(repo_root().join("browser/run.mjs"))
        .env("YKIEN_BASE_URL", &base)
        .env("YKIEN_ACCOUNTS", &accounts_file)
        .env("YKIEN_CHROMIUM", &chromium)
        .env("YKIEN_ARTIFACTS", &artifacts)
        .output()
        .expect("run node");
    let log = String::from_utf8_lossy(&out.stdout);
    eprintln!("{log}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser flows failed:\n{log}");
    assert!(log.contains(" passed, 0 failed"), "{log}");
}
