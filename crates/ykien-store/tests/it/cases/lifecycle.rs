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
