use ykien_core::Role;

use crate::harness::{TestDb, new_user};

/// Makes every audit insert fail, to prove that the change it describes is rolled back.
async fn break_audit(t: &TestDb) {
    if t.is_pg() {
        t.exec(
            "CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'injected failure'; END; $$; \
             CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION fail_audit();",
        )
        .await
        .unwrap();
    } else {
        t.exec(
            "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .await
        .unwrap();
    }
}

pub async fn audit_is_written_in_the_same_transaction(t: &TestDb) {
    let s = t.with_units().await;
    let admin = t.actor(Role::Admin, "01", "admin@hn.vn").await;
    let u = s
        .create_user(
            Some(&admin),
            new_user("Hoa", Some("hoa@x.vn"), "00004", Role::Officer),
        )
        .await
        .unwrap();
    let ev = s.audit_tail(None, 1).await.unwrap().pop().unwrap();
    assert_eq!(
        (
            ev.action.as_str(),
            ev.entity.as_str(),
            ev.entity_id.clone(),
            ev.actor_user_id
        ),
        ("user.create", "user", u.id.to_string(), Some(admin.user_id))
    );
    assert_eq!(ev.actor_name.as_deref(), Some(admin.name.as_str()));
    assert_eq!(ev.details["email"], "hoa@x.vn");
    assert_eq!(ev.details["role"], "officer");
    assert!(ev.details.get("password").is_none());
    assert!((chrono::Utc::now() - ev.at).num_seconds().abs() < 60);

    let users = t.count("SELECT COUNT(*) FROM users").await;
    let units = t.count("SELECT COUNT(*) FROM units").await;
    let audits = t.count("SELECT COUNT(*) FROM audit_log").await;
    break_audit(t).await;
    let r = s
        .create_user(
            Some(&admin),
            new_user("X", Some("x@x.vn"), "00004", Role::Viewer),
        )
        .await;
    assert!(r.is_err(), "audit failure fails the change");
    let r = s.create_area(Some(&admin), "00004", "Tổ 1", None).await;
    assert!(r.is_err());
    let (_, tok) = (None::<()>, s.list_tokens(None, u.id).await.unwrap());
    assert!(tok.is_empty());
    assert!(s.create_token(None, u.id, "x").await.is_err());
    assert!(s.set_disabled(None, u.id, true).await.is_err());
    assert_eq!(
        t.count("SELECT COUNT(*) FROM users").await,
        users,
        "no user without its audit row"
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM units").await,
        units,
        "no area without its audit row"
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM api_tokens").await, 0);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM users WHERE disabled = TRUE")
            .await,
        0
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM audit_log").await, audits);
}

pub async fn audit_log_is_append_only(t: &TestDb) {
    let s = t.with_units().await;
    s.create_user(None, new_user("A", Some("a@x.vn"), "00004", Role::Viewer))
        .await
        .unwrap();
    let n = t.count("SELECT COUNT(*) FROM audit_log").await;
    assert!(n >= 2);
    let upd = t.exec("UPDATE audit_log SET action = 'forged'").await;
    assert!(upd.is_err(), "UPDATE refused");
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    assert!(
        t.exec("DELETE FROM audit_log").await.is_err(),
        "DELETE refused"
    );
    if t.is_pg() {
        assert!(
            t.exec("TRUNCATE audit_log").await.is_err(),
            "TRUNCATE refused"
        );
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM audit_log").await, n);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'forged'")
            .await,
        0
    );
}

/// Sign-ins and sign-outs are in the account's history, filed under its unit so that the
/// unit's leader sees them and a leader elsewhere does not.
pub async fn sign_in_and_sign_out_are_audited(t: &TestDb) {
    let s = t.with_units().await;
    let u = s
        .create_user(
            None,
            new_user("Lan", Some("lan@x.vn"), "00004", Role::Officer),
        )
        .await
        .unwrap();
    let sess = s
        .session_create(u.id, std::time::Duration::from_secs(600))
        .await
        .unwrap();
    let ev = s.audit_tail(None, 1).await.unwrap().pop().unwrap();
    assert_eq!(
        (ev.action.as_str(), ev.actor_user_id, ev.entity_id.as_str()),
        ("session.login", Some(u.id), u.id.to_string().as_str())
    );
    assert!(
        ev.unit_path.as_deref().unwrap_or("").contains("/00004/"),
        "{ev:?}"
    );
    s.session_delete(&sess.id).await.unwrap();
    let ev = s.audit_tail(None, 1).await.unwrap().pop().unwrap();
    assert_eq!(ev.action, "session.logout");
    // Signing out of a session that is already gone writes nothing.
    s.session_delete(&sess.id).await.unwrap();
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.logout'")
            .await,
        1
    );
    let ward_leader = t.actor(Role::Leader, "00004", "leader@bd.vn").await;
    let other_leader = t.actor(Role::Leader, "00008", "leader@nh.vn").await;
    let seen = |evs: Vec<ykien_store::AuditEvent>| {
        evs.iter()
            .any(|e| e.action == "session.login" && e.actor_user_id == Some(u.id))
    };
    assert!(seen(s.audit_tail(Some(&ward_leader), 50).await.unwrap()));
    assert!(!seen(s.audit_tail(Some(&other_leader), 50).await.unwrap()));
}
