use ykien_store::{DbConfig, SCHEMA_VERSION, Store, StoreError};

use crate::harness::TestDb;

pub async fn schema_newer_than_binary_is_refused(t: &TestDb) {
    let blob = if t.is_pg() { "'\\x00'::bytea" } else { "X'00'" };
    t.exec(&format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, {blob}, 0)"
    ))
    .await
    .unwrap();
    match t.reopen().await {
        Err(StoreError::SchemaTooNew { db, binary }) => {
            assert_eq!((db, binary), (9999, SCHEMA_VERSION));
            let msg = StoreError::SchemaTooNew { db, binary }.to_string();
            assert!(msg.contains("newer than this ykien binary"), "{msg}");
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

pub async fn reopening_applies_nothing_twice(t: &TestDb) {
    #[cfg(unix)]
    if let DbConfig::Sqlite { path } = &t.cfg {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "a new database is private to its owner: {mode:o}"
        );
    }
    t.with_units().await;
    let before = t.count("SELECT COUNT(*) FROM _sqlx_migrations").await;
    assert_eq!(before, SCHEMA_VERSION);
    let s2 = t.reopen().await.unwrap();
    s2.ping().await.unwrap();
    assert_eq!(s2.list_units(None, false).await.unwrap().len(), 34);
    s2.close().await;
    assert_eq!(
        t.count("SELECT COUNT(*) FROM _sqlx_migrations").await,
        before
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM member_organizations").await,
        6
    );
}

pub async fn backup_while_serving(t: &TestDb) {
    let s = t.with_units().await;
    let target = t.dir.path().join("backups").join("copy.db");
    if t.is_pg() {
        let e = s
            .backup_to(&target)
            .await
            .expect_err("PostgreSQL backups are pg_dump's job");
        assert!(e.to_string().contains("pg_dump"), "{e}");
        return;
    }
    // a reader holding a transaction open on another connection does not block the copy
    let mut conn = match &t.raw {
        crate::harness::Raw::Sqlite(p) => p.acquire().await.unwrap(),
        _ => unreachable!(),
    };
    sqlx::query("BEGIN").execute(&mut *conn).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    s.backup_to(&target).await.expect("backup");
    sqlx::query("COMMIT").execute(&mut *conn).await.unwrap();
    drop(conn);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the backup is private to its owner: {mode:o}"
        );
    }
    let copy = Store::open(&DbConfig::Sqlite {
        path: target.clone(),
    })
    .await
    .expect("backup opens");
    assert_eq!(copy.list_units(Some("01"), false).await.unwrap().len(), 126);
    assert_eq!(
        copy.load_units().await.unwrap().units_changed,
        0,
        "the copy is complete"
    );
    assert_eq!(copy.list_units(None, true).await.unwrap().len(), 63);
    copy.close().await;
    assert!(n > 14_000);
    let again = s.backup_to(&target).await;
    assert!(
        matches!(again, Err(StoreError::Invalid { .. })),
        "never overwrites: {again:?}"
    );
}

pub async fn locked_database_is_a_clear_error_and_writes_nothing(t: &TestDb) {
    let s = t.with_units().await;
    let crate::harness::Raw::Sqlite(raw) = &t.raw else {
        return; // PostgreSQL waits for row locks instead; nothing to test here
    };
    let mut holder = raw.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *holder)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let r = s
        .create_user(
            None,
            crate::harness::new_user("L", Some("l@x.vn"), "00004", ykien_core::Role::Viewer),
        )
        .await;
    assert!(matches!(r, Err(StoreError::Locked { .. })), "{r:?}");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(4),
        "waited for the busy timeout"
    );
    assert!(!r.unwrap_err().is_user_error());
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    drop(holder);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM users").await,
        0,
        "nothing written"
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'user'")
            .await,
        0
    );
    s.create_user(
        None,
        crate::harness::new_user("L", Some("l@x.vn"), "00004", ykien_core::Role::Viewer),
    )
    .await
    .expect("works once the lock is gone");
}

/// Several writers at once (as several `ykien serve` requests would be): every change lands,
/// areas get distinct numbers, and every change has its audit row.
pub async fn concurrent_writers_all_succeed(t: &TestDb) {
    let s = t.with_units().await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let a = s.create_area(None, "00004", &format!("Tổ {i}"), None).await;
            let u = s
                .create_user(
                    None,
                    crate::harness::new_user(
                        "C",
                        Some(&format!("c{i}@x.vn")),
                        "00004",
                        ykien_core::Role::Viewer,
                    ),
                )
                .await;
            (a.map(|x| x.id), u.map(|x| x.id))
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let (a, u) = task.await.unwrap();
        ids.push(a.expect("area").0);
        u.expect("user");
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'unit.create'")
            .await,
        8
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.create'")
            .await,
        8
    );
}

/// A TCP relay to PostgreSQL that the test can cut and restore, standing in for a network
/// failure or a database restart between ykien and its server.
struct Relay {
    addr: std::net::SocketAddr,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl Relay {
    async fn start(upstream: String) -> Relay {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (cut, _) = tokio::sync::watch::channel(0u64);
        let (flag, cuts) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused as soon as it opens
                }
                let upstream = upstream.clone();
                let mut cut = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Relay { addr, up, cut }
    }

    fn set_up(&self, up: bool) {
        self.up.store(up, std::sync::atomic::Ordering::SeqCst);
        if !up {
            self.cut.send_modify(|n| *n += 1);
        }
    }
}

/// PostgreSQL going away after start-up is reported as an interruption (the web answers 503,
/// not 500), and the same store works again once the server is back, with no restart.
pub async fn lost_postgres_connection_is_an_interruption_and_recovers(t: &TestDb) {
    let DbConfig::Postgres { url } = &t.cfg else {
        return; // SQLite has no connection to lose
    };
    let rest = url.split("://").nth(1).unwrap();
    let host_port = rest
        .split('@')
        .next_back()
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let host_port = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    };
    let relay = Relay::start(host_port.clone()).await;
    let via = url.replacen(&host_port, &relay.addr.to_string(), 1);
    let s = Store::open(&DbConfig::Postgres { url: via }).await.unwrap();
    s.calendar_adjustments().await.unwrap();

    relay.set_up(false);
    let e = s.calendar_adjustments().await.unwrap_err();
    assert!(
        matches!(e, StoreError::Interrupted { .. }),
        "a lost connection is an interruption, not {e:?}"
    );
    assert!(!e.is_user_error());

    relay.set_up(true);
    let mut back = false;
    for _ in 0..50 {
        if s.calendar_adjustments().await.is_ok() {
            back = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        back,
        "the store reconnects once PostgreSQL is reachable again"
    );
    s.close().await;
}
