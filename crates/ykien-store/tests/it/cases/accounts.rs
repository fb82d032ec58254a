use std::time::Duration;

use ykien_core::Role;
use ykien_store::{NewUser, StoreError};

use crate::harness::{TestDb, new_user};

type Expect = fn(&StoreError) -> bool;

pub async fn user_creation_errors_write_nothing(t: &TestDb) {
    let s = t.with_units().await;
    let ok = s
        .create_user(
            None,
            new_user("Nguyễn Văn A", Some("A@Example.VN"), "00004", Role::Officer),
        )
        .await
        .unwrap();
    assert_eq!(ok.email.as_deref(), Some("a@example.vn"));
    assert_eq!(ok.unit_name, "Phường Ba Đình");
    let users = "SELECT COUNT(*) FROM users";
    let audits = "SELECT COUNT(*) FROM audit_log WHERE entity = 'user'";
    assert_eq!((t.count(users).await, t.count(audits).await), (1, 1));

    let cases: Vec<(&str, NewUser, Expect)> = vec![
        (
            "unknown unit",
            new_user("B", Some("b@x.vn"), "99999", Role::Viewer),
            |e| matches!(e, StoreError::Invalid { what } if what.contains("99999")),
        ),
        (
            "legacy unit",
            new_user("B", Some("b@x.vn"), "old:c:00001", Role::Viewer),
            |e| matches!(e, StoreError::Invalid { .. }),
        ),
        (
            "duplicate e-mail",
            new_user("B", Some(" a@example.vn "), "00008", Role::Viewer),
            |e| matches!(e, StoreError::Conflict { what } if what.contains("a@example.vn")),
        ),
        (
            "bad e-mail",
            new_user("B", Some("not-an-address"), "00004", Role::Viewer),
            |e| matches!(e, StoreError::Invalid { .. }),
        ),
        (
            "no contact",
            new_user("B", None, "00004", Role::Viewer),
            |e| matches!(e, StoreError::Invalid { .. }),
        ),
        (
            "empty name",
            new_user("  ", Some("c@x.vn"), "00004", Role::Viewer),
            |e| matches!(e, StoreError::Invalid { .. }),
        ),
        (
            "short password",
            NewUser {
                password: Some("short".into()),
                ..new_user("B", Some("d@x.vn"), "00004", Role::Viewer)
            },
            |e| matches!(e, StoreError::Invalid { .. }),
        ),
        (
            "unknown member organization",
            NewUser {
                member_org: Some("nope".into()),
                ..new_user("B", Some("e@x.vn"), "00004", Role::Viewer)
            },
            |e| matches!(e, StoreError::Invalid { .. }),
        ),
    ];
    for (what, nu, expect) in cases {
        let e = s.create_user(None, nu).await.expect_err(what);
        assert!(expect(&e), "{what}: unexpected {e:?}");
        assert!(e.is_user_error(), "{what}: exit code 2");
        assert!(!e.to_string().contains('\n'), "{what}: one line");
        assert_eq!(
            (t.count(users).await, t.count(audits).await),
            (1, 1),
            "{what}: nothing written"
        );
    }
    // phones: +84 and 0 forms are the same number
    let p = NewUser {
        phone: Some("+84 912 345 678".into()),
        ..new_user("P", None, "00004", Role::Collaborator)
    };
    assert_eq!(
        s.create_user(None, p).await.unwrap().phone.as_deref(),
        Some("0912345678")
    );
    let dup = NewUser {
        phone: Some("0912.345.678".into()),
        ..new_user("Q", None, "00008", Role::Viewer)
    };
    assert!(matches!(
        s.create_user(None, dup).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(t.count(users).await, 2);
    // unknown roles never reach the store: the CLI parses them with the core type
    assert!("boss".parse::<Role>().is_err());
    // and the database refuses them even if something bypassed the type
    let r = t
        .exec("INSERT INTO users (name, email, role, unit_id, created_at) VALUES ('x', 'x@x.vn', 'boss', '00004', 0)")
        .await;
    assert!(r.is_err(), "CHECK constraint on role");
}

pub async fn member_orgs_are_seeded(t: &TestDb) {
    let s = t.with_units().await;
    let orgs = s.member_orgs().await.unwrap();
    assert_eq!(orgs.len(), 6);
    assert_eq!(orgs[0].id, "mttq");
    assert!(
        orgs.iter()
            .any(|o| o.name_vi == "Hội Liên hiệp Phụ nữ Việt Nam"
                && o.name_en == "Vietnam Women's Union")
    );
    let u = s
        .create_user(
            None,
            NewUser {
                member_org: Some("phunu".into()),
                ..new_user("W", Some("w@x.vn"), "00004", Role::Officer)
            },
        )
        .await
        .unwrap();
    assert_eq!(u.member_org.as_deref(), Some("phunu"));
}

pub async fn passwords_are_argon2id_and_verify(t: &TestDb) {
    let s = t.with_units().await;
    let u = s
        .create_user(
            None,
            NewUser {
                password: Some("mật khẩu dài 123".into()),
                phone: Some("0987654321".into()),
                ..new_user("Lan", Some("lan@x.vn"), "00004", Role::Editor)
            },
        )
        .await
        .unwrap();
    assert!(u.has_password);
    let hash = t
        .text(&format!(
            "SELECT password_hash FROM users WHERE id = {}",
            u.id
        ))
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("mật khẩu"));
    let a = s
        .authenticate("LAN@x.vn", "mật khẩu dài 123")
        .await
        .unwrap()
        .expect("by e-mail");
    assert_eq!(
        (a.user_id, a.role, a.unit.as_str(), a.unit_path.as_str()),
        (u.id, Role::Editor, "00004", "/01/00004/")
    );
    assert!(
        s.authenticate("+84987654321", "mật khẩu dài 123")
            .await
            .unwrap()
            .is_some(),
        "by phone"
    );
    assert!(
        s.authenticate("lan@x.vn", "wrong password")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.authenticate("nobody@x.vn", "mật khẩu dài 123")
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.authenticate("", "").await.unwrap().is_none());
    // an account without a password cannot sign in with any password
    let np = s
        .create_user(None, new_user("NP", Some("np@x.vn"), "00004", Role::Viewer))
        .await
        .unwrap();
    assert!(!np.has_password);
    assert!(s.authenticate("np@x.vn", "").await.unwrap().is_none());
    s.set_password(None, np.id, "now-it-has-one").await.unwrap();
    assert!(
        s.authenticate("np@x.vn", "now-it-has-one")
            .await
            .unwrap()
            .is_some()
    );
    assert!(matches!(
        s.set_password(None, np.id, "short").await,
        Err(StoreError::Invalid { .. })
    ));
}

pub async fn tokens_are_hashed_and_revocable(t: &TestDb) {
    let s = t.with_units().await;
    let u = s
        .create_user(
            None,
            new_user("T", Some("t@x.vn"), "00004", Role::Collaborator),
        )
        .await
        .unwrap();
    let (plain, info) = s.create_token(None, u.id, "phone app").await.unwrap();
    assert!(plain.starts_with("yk_") && plain.len() == 67, "{plain}");
    assert!(plain.starts_with(&info.prefix) && info.prefix.len() < 16);
    assert_eq!(
        t.count(&format!(
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{plain}'"
        ))
        .await,
        0
    );
    let stored = t
        .text(&format!(
            "SELECT token_hash FROM api_tokens WHERE id = {}",
            info.id
        ))
        .await
        .unwrap();
    assert_eq!(stored.len(), 64);
    assert!(!stored.contains(&plain[3..]));
    let a = s
        .authenticate_token(&plain)
        .await
        .unwrap()
        .expect("valid token");
    assert_eq!(a.user_id, u.id);
    assert!(
        s.list_tokens(None, u.id).await.unwrap()[0]
            .last_used_at
            .is_some()
    );
    assert!(s.authenticate_token("yk_0000").await.unwrap().is_none());
    assert!(
        s.authenticate_token(&plain.to_uppercase())
            .await
            .unwrap()
            .is_none()
    );
    let (plain2, _) = s.create_token(None, u.id, "second").await.unwrap();
    s.revoke_token(None, info.id).await.unwrap();
    s.revoke_token(None, info.id).await.unwrap(); // idempotent
    assert!(
        s.authenticate_token(&plain).await.unwrap().is_none(),
        "revoked"
    );
    assert!(
        s.authenticate_token(&plain2).await.unwrap().is_some(),
        "others unaffected"
    );
    let list = s.list_tokens(None, u.id).await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter()
            .any(|x| x.id == info.id && x.revoked_at.is_some())
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'token.revoke'")
            .await,
        1
    );
    assert!(matches!(
        s.revoke_token(None, 424_242).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn sessions_survive_restart_and_expire(t: &TestDb) {
    let s = t.with_units().await;
    let u = s
        .create_user(None, new_user("S", Some("s@x.vn"), "00004", Role::Officer))
        .await
        .unwrap();
    let sess = s
        .session_create(u.id, Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(sess.id.len(), 64);
    assert_ne!(sess.id, sess.csrf_token);
    assert_eq!(
        t.count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE id_hash = '{}'",
            sess.id
        ))
        .await,
        0
    );
    let short = s.session_create(u.id, Duration::ZERO).await.unwrap();
    // restart: a new Store on the same database
    s.close().await;
    let s2 = t.reopen().await.expect("reopen");
    let got = s2
        .session_get(&sess.id)
        .await
        .unwrap()
        .expect("session survives a restart");
    assert_eq!(
        (got.user_id, got.csrf_token.as_str()),
        (u.id, sess.csrf_token.as_str())
    );
    assert!(
        s2.session_get(&short.id).await.unwrap().is_none(),
        "expired"
    );
    assert!(s2.session_get("x").await.unwrap().is_none());
    assert_eq!(s2.sessions_purge_expired().await.unwrap(), 1);
    s2.session_delete(&sess.id).await.unwrap();
    assert!(
        s2.session_get(&sess.id).await.unwrap().is_none(),
        "signed out"
    );
    s2.session_delete(&sess.id).await.unwrap();
    s2.close().await;
}

pub async fn disabling_a_user_ends_access(t: &TestDb) {
    let s = t.with_units().await;
    let nu = NewUser {
        password: Some("password-123".into()),
        ..new_user("D", Some("d@x.vn"), "00004", Role::Officer)
    };
    let u = s.create_user(None, nu).await.unwrap();
    let (tok, _) = s.create_token(None, u.id, "").await.unwrap();
    let sess = s
        .session_create(u.id, Duration::from_secs(600))
        .await
        .unwrap();
    let admin = t.actor(Role::Admin, "01", "admin@hn.vn").await;
    s.set_disabled(Some(&admin), u.id, true).await.unwrap();
    assert!(
        s.authenticate("d@x.vn", "password-123")
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.authenticate_token(&tok).await.unwrap().is_none());
    assert!(s.actor(u.id).await.unwrap().is_none());
    assert!(s.session_get(&sess.id).await.unwrap().is_none());
    s.set_disabled(Some(&admin), u.id, false).await.unwrap();
    assert!(
        s.authenticate("d@x.vn", "password-123")
            .await
            .unwrap()
            .is_some()
    );
    let events = s.audit_tail(None, 5).await.unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.ends_with(&["user.disable", "user.enable"]),
        "{actions:?}"
    );
}
