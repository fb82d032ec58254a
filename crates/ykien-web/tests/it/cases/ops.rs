//! Health, metrics, request limits, language.

use crate::Backend;
use crate::harness::{assert_content_type, get_text, set_cookies, test_config};

pub async fn healthz_checks_the_database(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let res = app.bare().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["database"], app.store.backend_name());
    // With the database gone, health says so instead of claiming "ok".
    app.store.close().await;
    let res = app.bare().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 503);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["status"], "unavailable");
    app.cleanup().await;
}

pub async fn metrics_are_prometheus_text(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let c = app.bare();
    for _ in 0..3 {
        assert_eq!(
            c.get(app.url("/healthz")).send().await.unwrap().status(),
            200
        );
    }
    assert_eq!(
        c.get(app.url("/units/00004"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let res = c.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_content_type(&res, "text/plain; version=0.0.4");
    let text = res.text().await.unwrap();
    assert!(
        text.contains(
            "ykien_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 3"
        ),
        "{text}"
    );
    // Counted by route template, not by concrete path.
    assert!(
        text.contains("route=\"/units/{id}\",status=\"303\"} 1"),
        "{text}"
    );
    assert!(text.contains("# TYPE ykien_logins_total counter"));
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (name, value) = line.rsplit_once(' ').unwrap();
        assert!(value.parse::<f64>().is_ok(), "bad sample {line}");
        assert!(name.starts_with("ykien_"), "{line}");
    }
    app.cleanup().await;
}

pub async fn oversized_and_malformed_requests_get_4xx_with_a_message(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let c = app.bare();
    let big = "x".repeat(app.web.max_body_bytes + 1);
    let res = c
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("login={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let html = res.text().await.unwrap();
    assert!(html.contains("Dữ liệu gửi lên quá lớn"), "{html}");
    // JSON clients get JSON.
    let res = c
        .post(app.url("/login"))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("login={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "too_large");
    // Malformed requests: wrong content type, broken form, bad path, unknown route, bad method.
    let cases = [
        c.post(app.url("/login"))
            .header("content-type", "application/json")
            .body("{\"login\":1}"),
        c.post(app.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("%%%=&&=%zz"),
        c.get(app.url("/units/%ZZ%00")),
        c.get(app.url("/api/v1/units/..%2F..%2Fetc")),
        c.get(app.url("/no/such/page")),
        c.delete(app.url("/login")),
        c.get(app.url("/static/../Cargo.toml")),
    ];
    for req in cases {
        let res = req.send().await.unwrap();
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(
            status.is_client_error() || status.is_redirection(),
            "{status}: {body}"
        );
        if status.is_client_error() {
            assert!(!body.trim().is_empty(), "a message for {status}");
        }
    }
    let res = c.get(app.url("/api/v1/nothing")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "not_found");
    app.cleanup().await;
}

pub async fn language_switch(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let br = app.browser();
    let vi = get_text(&br, app.url("/login")).await;
    assert!(
        vi.contains("<html lang=\"vi\">") && vi.contains("Mật khẩu"),
        "{vi}"
    );
    assert!(vi.contains("href=\"/login?lang=en\""));
    let res = br.get(app.url("/login?lang=en")).send().await.unwrap();
    let set = set_cookies(&res);
    assert!(
        set.iter().any(|c| c.starts_with("ykien_lang=en")),
        "{set:?}"
    );
    let en = res.text().await.unwrap();
    assert!(
        en.contains("<html lang=\"en\">") && en.contains("Password") && !en.contains("Mật khẩu")
    );
    // The cookie keeps the choice on the next page, error pages included.
    let again = get_text(&br, app.url("/login")).await;
    assert!(again.contains("<html lang=\"en\">"));
    let missing = br.get(app.url("/nothing-here")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Page or record not found")
    );
    let back = get_text(&br, app.url("/login?lang=vi")).await;
    assert!(back.contains("<html lang=\"vi\">"));
    // CSS is served from the binary.
    let css = br.get(app.url("/static/style.css")).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert_content_type(&css, "text/css");
    // The icon browsers ask for by themselves is there, as a PNG.
    let icon = br.get(app.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(icon.status(), 200);
    assert_content_type(&icon, "image/png");
    assert!(icon.bytes().await.unwrap().starts_with(b"\x89PNG"));
    app.cleanup().await;
}

/// A request that is being received when shutdown starts is still answered; new connections
/// are refused afterwards.
pub async fn graceful_shutdown_finishes_requests_in_flight(b: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(mut app) = b.app(test_config()).await else {
        return;
    };
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let body = "login=a%40example.org&password=x&csrf=zz";
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(&body.as_bytes()[..10]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    app.signal_stop();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    conn.write_all(&body.as_bytes()[10..]).await.unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 403"),
        "the request in flight is answered: {answer:?}"
    );
    app.stop().await;
    assert!(
        tokio::net::TcpStream::connect(&addr).await.is_err(),
        "no new connections after shutdown"
    );
    app.cleanup().await;
}
