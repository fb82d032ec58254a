//! A real server for each case: the application router on a real TCP socket (127.0.0.1:0)
//! over a real SQLite file or a fresh PostgreSQL schema, driven by a real HTTP client.

use std::str::FromStr;
use std::time::Duration;

use sqlx::AssertSqlSafe;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use ykien_core::Role;
use ykien_store::{DbConfig, NewUser, Store};
use ykien_web::ratelimit::Limits;
use ykien_web::{AppState, WebConfig};

pub struct App {
    pub base: String,
    pub store: Store,
    pub cfg: DbConfig,
    pub web: WebConfig,
    _dir: tempfile::TempDir,
    pg: Option<(PgPool, String)>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

fn require_pg() -> bool {
    std::env::var("YKIEN_REQUIRE_PG").is_ok_and(|v| v == "1")
}

/// Test defaults: generous login limits (the rate-limit case sets its own).
pub fn test_config() -> WebConfig {
    WebConfig {
        login_limits: Limits {
            per_ip: 1000,
            per_account: 1000,
            window: Duration::from_secs(60),
        },
        ..WebConfig::default()
    }
}

fn unique() -> String {
    static C: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{nanos:x}_{}_{}",
        std::process::id(),
        C.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

impl App {
    pub async fn sqlite(web: WebConfig) -> App {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = DbConfig::Sqlite {
            path: dir.path().join("ykien.db"),
        };
        App::boot(cfg, web, dir, None).await
    }

    /// None (skip) without `YKIEN_TEST_PG_URL`, unless `YKIEN_REQUIRE_PG=1`.
    pub async fn postgres(web: WebConfig) -> Option<App> {
        let url = match std::env::var("YKIEN_TEST_PG_URL") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                assert!(
                    !require_pg(),
                    "YKIEN_REQUIRE_PG=1 but YKIEN_TEST_PG_URL is not set"
                );
                eprintln!("skipped: YKIEN_TEST_PG_URL is not set");
                return None;
            }
        };
        let admin = match PgPoolOptions::new()
            .max_connections(1)
            .connect_with(PgConnectOptions::from_str(&url).expect("YKIEN_TEST_PG_URL parses"))
            .await
        {
            Ok(p) => p,
            Err(e) => {
                assert!(
                    !require_pg(),
                    "YKIEN_REQUIRE_PG=1 but PostgreSQL is unreachable: {e}"
                );
                eprintln!("skipped: PostgreSQL unreachable: {e}");
                return None;
            }
        };
        let schema = format!("ykw_{}", unique());
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .expect("create schema");
        let sep = if url.contains('?') { '&' } else { '?' };
        let cfg = DbConfig::Postgres {
            url: format!("{url}{sep}options[search_path]={schema}"),
        };
        let dir = tempfile::tempdir().expect("tempdir");
        Some(App::boot(cfg, web, dir, Some((admin, schema))).await)
    }

    async fn boot(
        cfg: DbConfig,
        mut web: WebConfig,
        dir: tempfile::TempDir,
        pg: Option<(PgPool, String)>,
    ) -> App {
        // Uploads (photos, import files) go to the case's own data directory.
        if web.data_dir.is_none() {
            web.data_dir = Some(dir.path().join("files"));
        }
        let store = Store::open(&cfg).await.expect("open store");
        store.load_units().await.expect("load units");
        let mut app = App {
            base: String::new(),
            store,
            cfg,
            web,
            _dir: dir,
            pg,
            stop: None,
            task: None,
        };
        app.start().await;
        app
    }

    async fn start(&mut self) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        self.base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(self.store.clone(), self.web.clone());
        self.task = Some(tokio::spawn(ykien_web::serve(
            listener,
            state,
            async move {
                let _ = rx.await;
            },
        )));
        self.stop = Some(tx);
    }

    /// Asks the server to shut down gracefully, without waiting.
    pub fn signal_stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(&mut self) {
        self.signal_stop();
        if let Some(t) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(10), t)
                .await
                .expect("server stops")
                .unwrap()
                .unwrap();
        }
    }

    /// A new process in all but name: a new store (pool) and a new server on a new port.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.store.close().await;
        self.store = Store::open(&self.cfg).await.expect("reopen store");
        self.start().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser: keeps cookies, does not follow redirects (tests look at them).
    pub fn browser(&self) -> reqwest::Client {
        tls_provider();
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    }

    /// A client without cookies.
    pub fn bare(&self) -> reqwest::Client {
        tls_provider();
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    }

    /// Creates a user through the system; returns its id.
    pub async fn user(&self, role: Role, unit: &str, email: &str, password: Option<&str>) -> i64 {
        self.store
            .create_user(
                None,
                NewUser {
                    name: format!("{role} {unit}"),
                    email: Some(email.into()),
                    phone: None,
                    password: password.map(Into::into),
                    role,
                    unit: unit.into(),
                    member_org: None,
                },
            )
            .await
            .expect("create user")
            .id
    }

    pub async fn cleanup(mut self) {
        self.stop().await;
        self.store.close().await;
        if let Some((admin, schema)) = self.pg.take() {
            let _ = sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&admin)
                .await;
            admin.close().await;
        }
    }
}

/// The value of `name="csrf" value="…"` in a page.
pub fn csrf_field(html: &str) -> String {
    let start =
        html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Signs in through the login form; returns the browser holding the session cookie.
pub async fn sign_in(app: &App, login: &str, password: &str) -> reqwest::Client {
    let b = app.browser();
    let res = post_login(app, &b, login, password).await;
    assert_eq!(res.status(), 303, "login of {login} should succeed");
    assert_eq!(res.headers()["location"], "/");
    b
}

/// The `Set-Cookie` headers of an answer, as text.
pub fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// The body of a GET whose status the case does not look at.
pub async fn get_text(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// The CSRF token this client is given on the page at `path` (its cookie, if any, stays in
/// the client's jar, as in a browser).
pub async fn page_csrf(app: &App, client: &reqwest::Client, path: &str) -> String {
    csrf_field(&get_text(client, app.url(path)).await)
}

/// One attempt through the login form, as a browser makes it: the form first (for its
/// pre-session token pair), then the post. The answer is left to the case to judge.
pub async fn post_login(
    app: &App,
    br: &reqwest::Client,
    login: &str,
    password: &str,
) -> reqwest::Response {
    let csrf = page_csrf(app, br, "/login").await;
    br.post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

/// The Prometheus text at `/metrics`.
pub async fn metrics(app: &App) -> String {
    get_text(&app.bare(), app.url("/metrics")).await
}

/// Asserts an answer's status and that its body holds `needle`; returns the body for more
/// checks.
pub async fn expect_page(res: reqwest::Response, status: u16, needle: &str) -> String {
    let got = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(got, status, "{body}");
    assert!(body.contains(needle), "{needle:?} not in {body}");
    body
}

/// Posts a form (its CSRF field included by the caller, so that cases can forge or drop it).
pub async fn post_form<T: serde::Serialize + ?Sized>(
    client: &reqwest::Client,
    url: String,
    form: &T,
) -> reqwest::Response {
    client.post(url).form(form).send().await.unwrap()
}

/// Asserts that an answer declares a content type starting with `prefix`.
pub fn assert_content_type(res: &reqwest::Response, prefix: &str) {
    let got = res.headers()["content-type"].to_str().unwrap();
    assert!(
        got.starts_with(prefix),
        "content-type {got:?}, not {prefix:?}"
    );
}

impl App {
    /// Every item in the store, hidden ones included: what a case checks was (or was not)
    /// written, whatever the pages showed.
    pub async fn stored_items(&self) -> Vec<ykien_store::Item> {
        self.store
            .list_items(None, true, 1000)
            .await
            .expect("list items")
    }
}

/// In a workspace build reqwest is compiled with `rustls-no-provider` (for ykien-feeds), and
/// then panics when a client is built before a TLS provider is installed; install ring's.
fn tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
