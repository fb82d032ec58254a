//! The `ykien` binary as users run it: exit codes, messages, files written.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ykien"));
    // A clean environment: no configuration from the developer's shell.
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
    c.env("RUST_BACKTRACE", "0");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run ykien")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let mut full = vec!["--data-dir", dir.to_str().unwrap()];
    full.extend_from_slice(args);
    run(&full)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Subcommand names listed under "Commands:" in a help text.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description continues further indented; a command starts at column 2.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(String::from)
        .collect()
}

#[test]
fn help_on_every_subcommand_and_version() {
    let v = run(&["--version"]);
    assert!(v.status.success());
    assert_eq!(
        stdout(&v).trim(),
        format!("ykien {}", env!("CARGO_PKG_VERSION"))
    );
    let top = run(&["--help"]);
    assert!(top.status.success());
    let top_help = stdout(&top);
    assert!(top_help.contains("Configuration precedence"));
    // Walk the whole command tree, so a new subcommand is checked without editing this test.
    let mut stack: Vec<Vec<String>> = subcommands(&top_help)
        .into_iter()
        .map(|c| vec![c])
        .collect();
    let mut seen = 0;
    while let Some(path) = stack.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let help = stdout(&o);
        assert!(help.contains("Usage: ykien"), "{args:?}");
        for sub in subcommands(&help) {
            let mut p = path.clone();
            p.push(sub);
            stack.push(p);
        }
        seen += 1;
    }
    assert!(seen >= 15, "only {seen} commands have help");
    // Every setting is documented with its environment variable.
    let serve = stdout(&run(&["serve", "--help"]));
    for var in [
        "YKIEN_DATA_DIR",
        "YKIEN_DATABASE_URL",
        "YKIEN_LISTEN",
        "YKIEN_CONFIG",
        "YKIEN_LOG_FORMAT",
    ] {
        assert!(serve.contains(var), "{var} in serve --help");
    }
}

#[test]
fn units_list_hanoi_has_126() {
    let o = run(&["units", "list", "--parent", "01", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.len(), 126);
    for u in &v {
        assert_eq!(u["parent"], "01");
        assert!(u["code"].as_str().unwrap().len() == 5);
        assert!(
            u["name"]
                .as_str()
                .unwrap()
                .starts_with(u["kind"].as_str().unwrap())
        );
        assert_eq!(u["legacy"], false);
    }
    assert!(v.iter().any(|u| u["name"] == "Phường Ba Đình"));
    let provinces: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&run(&["units", "list", "--json"]))).unwrap();
    assert_eq!(provinces.len(), 34);
    let old: Vec<serde_json::Value> = serde_json::from_str(&stdout(&run(&[
        "units", "list", "--legacy", "--parent", "01", "--json",
    ])))
    .unwrap();
    assert_eq!(old.len(), 30, "Hà Nội had 30 districts before the reform");
    let bad = run(&["units", "list", "--parent", "99"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(stderr(&bad).lines().count(), 1);
}

#[test]
fn units_resolve_free_text() {
    for q in ["P. Thụy Phương, Q. Bắc Từ Liêm", "thuy phuong bac tu liem"] {
        let o = run(&["units", "resolve", q, "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
        let first = &v[0];
        assert_eq!(first["name"], "Phường Thụy Phương", "{q}");
        assert_eq!(first["legacy"], true);
        let succ: Vec<&str> = first["successors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"].as_str().unwrap())
            .collect();
        assert!(
            succ.contains(&"00602"),
            "Thụy Phương went (mostly) into Đông Ngạc: {succ:?}"
        );
        assert!(first["successors"][0]["name"].is_string());
    }
    let o = run(&["units", "resolve", "xã Thượng Cát", "--json"]);
    let v: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        v.iter()
            .take(3)
            .any(|c| c["name"].as_str().unwrap().ends_with("Thượng Cát")),
        "{v:?}"
    );
    assert!(
        v.iter()
            .all(|c| c["code"].is_string() && c["legacy"].is_boolean())
    );
    assert!(
        v.iter()
            .filter(|c| c["legacy"] == false)
            .all(|c| c.get("successors").is_none())
    );
}

fn count_users(dir: &Path) -> usize {
    let o = run_in(dir, &["user", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str::<Vec<serde_json::Value>>(&stdout(&o))
        .unwrap()
        .len()
}

fn audit_len(dir: &Path) -> usize {
    let o = run_in(dir, &["audit", "tail", "--json", "-n", "10000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o).lines().count()
}

#[test]
fn user_add_errors_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ok = bin()
        .args([
            "--data-dir",
            d.to_str().unwrap(),
            "user",
            "add",
            "--unit",
            "00004",
            "--role",
            "officer",
        ])
        .args([
            "--name",
            "Nguyễn Văn A",
            "--email",
            "a@example.org",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(b"s3cret password\n")?;
            c.wait_with_output()
        })
        .unwrap();
    // A fresh data directory: the units are loaded on first use, so this works at once.
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("Phường Ba Đình") && !stdout(&ok).contains("password:"));
    let users = count_users(d);
    let audit = audit_len(d);
    let cases: &[&[&str]] = &[
        &[
            "user",
            "add",
            "--unit",
            "99999",
            "--role",
            "officer",
            "--name",
            "X",
            "--email",
            "x@example.org",
        ],
        &[
            "user",
            "add",
            "--unit",
            "00004",
            "--role",
            "boss",
            "--name",
            "X",
            "--email",
            "x@example.org",
        ],
        &[
            "user", "add", "--unit", "00004", "--role", "officer", "--name", "X",
        ],
        &[
            "user",
            "add",
            "--unit",
            "00004",
            "--role",
            "officer",
            "--name",
            "X",
            "--email",
            "not-an-email",
        ],
    ];
    for args in cases {
        let o = run_in(d, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
    // Duplicate e-mail (case-insensitive).
    let first = run_in(
        d,
        &[
            "user",
            "add",
            "--unit",
            "00004",
            "--role",
            "viewer",
            "--name",
            "B",
            "--email",
            "b@example.org",
        ],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("password: "),
        "a generated password is printed once"
    );
    let users = users + 1;
    let audit = audit + 1;
    let dup = run_in(
        d,
        &[
            "user",
            "add",
            "--unit",
            "00004",
            "--role",
            "viewer",
            "--name",
            "C",
            "--email",
            "B@Example.org",
        ],
    );
    assert_eq!(dup.status.code(), Some(2));
    let msg = stderr(&dup);
    assert_eq!(msg.trim().lines().count(), 1, "one line: {msg}");
    assert!(msg.contains("e-mail"), "{msg}");
    assert!(stdout(&dup).is_empty());
    assert_eq!(count_users(d), users, "nothing written");
    assert_eq!(audit_len(d), audit, "no audit row for refused input");
    // The one-line rule holds for the unknown unit too.
    let o = run_in(d, cases[0]);
    assert_eq!(stderr(&o).trim().lines().count(), 1, "{}", stderr(&o));
}

#[test]
fn demo_twice_changes_nothing_and_tokens_backup_audit_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("demo");
    let first = run_in(&d, &["demo", "--no-serve"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let accounts = d.join("demo-accounts.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&accounts).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let file1 = std::fs::read_to_string(&accounts).unwrap();
    let users = count_users(&d);
    let audit = audit_len(&d);
    assert!(users >= 3);
    let second = run_in(&d, &["demo", "--no-serve"]);
    assert!(second.status.success());
    assert_eq!(std::fs::read_to_string(&accounts).unwrap(), file1);
    assert_eq!(count_users(&d), users);
    assert_eq!(audit_len(&d), audit, "a second demo writes nothing");
    // The same passwords are printed both times.
    let pw = |o: &Output| {
        stdout(o)
            .lines()
            .filter(|l| l.contains("@"))
            .map(|l| l.split_whitespace().nth(3).unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(pw(&first), pw(&second));
    assert!(pw(&first).iter().all(|p| file1.contains(p.as_str())));

    // Tokens.
    let login = file1
        .lines()
        .find(|l| l.contains("@"))
        .unwrap()
        .split('\t')
        .nth(2)
        .unwrap()
        .to_string();
    let t = run_in(&d, &["token", "create", "--user", &login, "--label", "ci"]);
    assert!(t.status.success(), "{}", stderr(&t));
    let token = stdout(&t).trim().to_string();
    assert!(token.len() > 20);
    let list = run_in(&d, &["token", "list", "--user", &login, "--json"]);
    let tokens: Vec<serde_json::Value> = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(tokens.len(), 1);
    assert!(!stdout(&list).contains(&token), "only a prefix is listed");
    let id = tokens[0]["id"].as_i64().unwrap().to_string();
    assert!(run_in(&d, &["token", "revoke", &id]).status.success());
    assert_eq!(
        run_in(&d, &["token", "revoke", "987654"]).status.code(),
        Some(2)
    );

    // Audit.
    let tail = run_in(&d, &["audit", "tail", "--json"]);
    let last: serde_json::Value =
        serde_json::from_str(stdout(&tail).lines().last().unwrap()).unwrap();
    assert!(last["action"].as_str().unwrap().contains("token"), "{last}");

    // Backup: a consistent copy; never over an existing file.
    let copy = dir.path().join("copy.db");
    let b = run_in(&d, &["backup", "--to", copy.to_str().unwrap()]);
    assert!(b.status.success(), "{}", stderr(&b));
    assert!(
        std::fs::read(&copy)
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );
    let again = run_in(&d, &["backup", "--to", copy.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    let restored = run(&[
        "--database-url",
        &format!("sqlite:{}", copy.display()),
        "user",
        "list",
        "--json",
    ]);
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&stdout(&restored))
            .unwrap()
            .len(),
        users
    );
}

#[test]
fn unreachable_database_names_host_and_db_not_password() {
    let o = run(&[
        "--database-url",
        "postgres://ykien:hunter2-secret@127.0.0.1:1/ykien_prod",
        "user",
        "list",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("127.0.0.1:1") && e.contains("ykien_prod"), "{e}");
    assert!(!e.contains("hunter2"), "{e}");
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    let o = run(&["--database-url", "mysql://x/y", "user", "list"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn config_file_and_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("ykien.toml"),
        "listen = \"127.0.0.1:1\"\nlisten_typo = 1\n",
    )
    .unwrap();
    let o = run_in(d, &["user", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("listen_typo"), "{}", stderr(&o));
    // --config points elsewhere; its data_dir is used.
    let other = d.join("elsewhere");
    let cfg = d.join("custom.toml");
    std::fs::write(&cfg, format!("data_dir = {:?}\n", other.to_str().unwrap())).unwrap();
    let o = run(&["--config", cfg.to_str().unwrap(), "user", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(other.join("ykien.db").exists());
    // The environment beats the file: YKIEN_DATA_DIR wins over data_dir in --config.
    let env_dir = d.join("from-env");
    let o = bin()
        .args(["--config", cfg.to_str().unwrap(), "user", "list"])
        .env("YKIEN_DATA_DIR", &env_dir)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(env_dir.join("ykien.db").exists());
    // And a flag beats the environment.
    let flag_dir = d.join("from-flag");
    let o = bin()
        .args(["--data-dir", flag_dir.to_str().unwrap(), "user", "list"])
        .env("YKIEN_DATA_DIR", &env_dir)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(flag_dir.join("ykien.db").exists());
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[cfg(unix)]
#[test]
fn serve_answers_and_stops_cleanly_on_sigterm_and_port_in_use_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = bin()
        .args([
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--log-format",
            "json",
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut addr = None;
    let mut logs = Vec::new();
    for _ in 0..200 {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap() == 0 {
            break;
        }
        logs.push(line.clone());
        if let Some(rest) = line.split("listening on http://").nth(1) {
            addr = Some(rest.split('/').next().unwrap().to_string());
            break;
        }
    }
    let addr = addr.unwrap_or_else(|| panic!("no listen line: {logs:?}"));
    assert!(
        logs.iter()
            .any(|l| l.starts_with('{') && l.contains("\"message\"")),
        "JSON logs: {logs:?}"
    );
    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    // A second server on the same port: a clear error, no panic.
    let busy = run_in(dir.path(), &["serve", "--listen", &addr]);
    assert_eq!(busy.status.code(), Some(1));
    let e = stderr(&busy);
    assert!(
        e.contains("already in use") && !e.contains("panicked"),
        "{e}"
    );
    // SIGTERM: graceful stop, exit code 0.
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("shutdown signal received"), "{rest}");
}
