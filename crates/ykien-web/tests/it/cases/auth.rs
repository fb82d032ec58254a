//! Login, logout, CSRF, rate limits, sessions, tokens.

use std::time::Duration;

use ykien_core::Role;
use ykien_web::ratelimit::Limits;

use crate::Backend;
use crate::harness::{
    csrf_field, metrics, page_csrf, post_login, set_cookies, sign_in, test_config,
};

const PW: &str = "correct horse battery";

pub async fn login_and_logout_for_every_role(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let email = format!("{role}{i}@example.org");
        app.user(role, "00004", &email, Some(PW)).await;
        let br = app.browser();
        // The session cookie's attributes.
        let res = post_login(&app, &br, &email, PW).await;
        assert_eq!(res.status(), 303, "{role}");
        let cookies = set_cookies(&res);
        let session = cookies
            .iter()
            .find(|c| c.starts_with("ykien_session="))
            .expect("session cookie");
        assert!(
            session.contains("HttpOnly")
                && session.contains("SameSite=Lax")
                && session.contains("Path=/")
        );
        assert!(
            !session.contains("Secure"),
            "plain HTTP without a proxy: no Secure"
        );
        // Home shows the user's ward and role.
        let home = br.get(app.url("/")).send().await.unwrap();
        assert_eq!(home.status(), 200, "{role}");
        let html = home.text().await.unwrap();
        assert!(html.contains("Phường Ba Đình"), "{role}");
        let label = ykien_web::i18n::Lang::Vi
            .catalog()
            .get(&format!("role.{role}"))
            .to_string();
        assert!(html.contains(&label), "{role}: {label}");
        // Logout needs the session's CSRF token, ends the session in the database.
        let csrf = csrf_field(&html);
        let res = br
            .post(app.url("/logout"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/login");
        let res = br.get(app.url("/")).send().await.unwrap();
        assert_eq!(res.status(), 303, "signed out");
        // The old cookie value is dead even if a client kept it.
        let id = session
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches("ykien_session=");
        assert!(app.store.session_get(id).await.unwrap().is_none());
        let res = app
            .bare()
            .get(app.url("/"))
            .header("cookie", format!("ykien_session={id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
    }
    app.cleanup().await;
}

pub async fn wrong_credentials_are_refused(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    app.user(Role::Officer, "00004", "o@example.org", Some(PW))
        .await;
    for (login, pw) in [
        ("o@example.org", "wrong password"),
        ("nobody@example.org", PW),
        ("", ""),
        ("o@example.org", ""),
    ] {
        let res = post_login(&app, &app.browser(), login, pw).await;
        assert_eq!(res.status(), 401, "{login}/{pw}");
        assert!(
            !set_cookies(&res)
                .iter()
                .any(|c| c.starts_with("ykien_session="))
        );
        let html = res.text().await.unwrap();
        assert!(html.contains("Sai thông tin đăng nhập"));
        // Same answer for an unknown account and a wrong password: no account enumeration.
        assert!(!html.contains("nobody@example.org") || login == "nobody@example.org");
    }
    app.cleanup().await;
}

pub async fn csrf_is_required_on_every_form(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    app.user(Role::Officer, "00004", "o@example.org", Some(PW))
        .await;
    let form = |csrf: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("login", "o@example.org".into()),
            ("password", PW.into()),
        ]
    };
    // Login without the pre-session cookie.
    let res = app
        .bare()
        .post(app.url("/login"))
        .form(&form("x.y"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("Biểu mẫu đã hết hạn"));
    // Login with another browser's token (cookie and field from different pairs).
    let b1 = app.browser();
    let b2 = app.browser();
    let _ = b1.get(app.url("/login")).send().await.unwrap();
    let p2 = page_csrf(&app, &b2, "/login").await;
    let res = b1
        .post(app.url("/login"))
        .form(&form(&p2))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // A forged token.
    let res = b1
        .post(app.url("/login"))
        .form(&form("00.00"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Signed in: logout without or with a wrong token is refused and the session lives on.
    let br = sign_in(&app, "o@example.org", PW).await;
    for bad in [
        None,
        Some(String::new()),
        Some("0000".to_string()),
        Some("x".repeat(64)),
    ] {
        let req = br.post(app.url("/logout"));
        let req = match &bad {
            Some(v) => req.form(&[("csrf", v.as_str())]),
            None => req.form(&[("other", "1")]),
        };
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403, "{bad:?}");
        assert!(res.text().await.unwrap().contains("biểu mẫu không hợp lệ"));
        assert_eq!(
            br.get(app.url("/")).send().await.unwrap().status(),
            200,
            "still signed in"
        );
    }
    let metrics = metrics(&app).await;
    assert!(metrics.contains("ykien_csrf_rejected_total 7"), "{metrics}");
    app.cleanup().await;
}

pub async fn login_attempts_are_rate_limited(b: Backend) {
    let mut cfg = test_config();
    cfg.login_limits = Limits {
        per_ip: 6,
        per_account: 3,
        window: Duration::from_secs(600),
    };
    let Some(app) = b.app(cfg).await else { return };
    app.user(Role::Officer, "00004", "a@example.org", Some(PW))
        .await;
    app.user(Role::Officer, "00004", "b@example.org", Some(PW))
        .await;
    let attempt = |login: &'static str, pw: &'static str| {
        let app = &app;
        async move {
            post_login(app, &app.browser(), login, pw)
                .await
                .status()
                .as_u16()
        }
    };
    for _ in 0..3 {
        assert_eq!(attempt("a@example.org", "bad").await, 401);
    }
    // Per account: even the right password is refused now.
    assert_eq!(attempt("a@example.org", PW).await, 429);
    // Another account from the same address still works…
    assert_eq!(attempt("b@example.org", PW).await, 303);
    // …until the address has used up its failures.
    for _ in 0..3 {
        assert_eq!(attempt("c@example.org", "bad").await, 401);
    }
    assert_eq!(attempt("b@example.org", PW).await, 429);
    let metrics = metrics(&app).await;
    assert!(
        metrics.contains("ykien_logins_total{result=\"rate_limited\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("ykien_logins_total{result=\"failed\"} 6"),
        "{metrics}"
    );
    app.cleanup().await;
}

pub async fn sessions_survive_a_restart(b: Backend) {
    let Some(mut app) = b.app(test_config()).await else {
        return;
    };
    app.user(Role::Leader, "01", "l@example.org", Some(PW))
        .await;
    let br = sign_in(&app, "l@example.org", PW).await;
    assert_eq!(br.get(app.url("/")).send().await.unwrap().status(), 200);
    app.restart().await;
    // The cookie jar is per host:port-less domain, so it is sent to the new port as well.
    let res = br.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200, "session kept across restart");
    assert!(res.text().await.unwrap().contains("Thành phố Hà Nội"));
    app.cleanup().await;
}

pub async fn cookies_are_secure_behind_https(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    app.user(Role::Officer, "00004", "o@example.org", Some(PW))
        .await;
    let br = app.browser();
    let res = br
        .get(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let login_cookie = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("ykien_login_csrf="))
        .unwrap();
    assert!(login_cookie.contains("; Secure"));
    let page = res.text().await.unwrap();
    // The Secure cookie is not sent back over plain HTTP by a correct client; send it by hand.
    let nonce = login_cookie.split(';').next().unwrap().to_string();
    let res = app
        .bare()
        .post(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .header("cookie", nonce)
        .form(&[
            ("csrf", csrf_field(&page).as_str()),
            ("login", "o@example.org"),
            ("password", PW),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let session = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("ykien_session="))
        .unwrap();
    assert!(session.contains("; Secure") && session.contains("HttpOnly"));
    app.cleanup().await;
}

pub async fn bearer_tokens_and_revocation(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let id = app
        .user(Role::Officer, "00004", "o@example.org", None)
        .await;
    let (token, info) = app.store.create_token(None, id, "test").await.unwrap();
    let c = app.bare();
    let me = c
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let v: serde_json::Value = me.json().await.unwrap();
    assert_eq!(v["unit"], "00004");
    assert_eq!(v["role"], "officer");
    let unit = c
        .get(app.url("/api/v1/units/00004"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(unit.status(), 200);
    let v: serde_json::Value = unit.json().await.unwrap();
    assert_eq!(v["unit"]["name"], "Phường Ba Đình");
    for bad in ["", "nonsense", &format!("{token}x")] {
        let res = c
            .get(app.url("/api/v1/me"))
            .header("authorization", format!("Bearer {bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{bad}");
    }
    assert_eq!(
        c.get(app.url("/api/v1/me")).send().await.unwrap().status(),
        401
    );
    app.store.revoke_token(None, info.id).await.unwrap();
    let res = c
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "unauthorized");
    app.cleanup().await;
}
