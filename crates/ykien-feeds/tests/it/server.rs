//! A real HTTP server on a loopback port (axum over tokio's TcpListener), serving the
//! fixtures in their real formats and the misbehaviours a poller must survive.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub const RSS: &str = include_str!("../fixtures/tin-phuong.rss.xml");
pub const ATOM: &str = include_str!("../fixtures/thong-bao.atom.xml");
pub const ARTICLE: &str = include_str!("../fixtures/bai-viet.html");
pub const SITE_PAGE: &str = include_str!("../fixtures/trang-gioi-thieu.html");

const ETAG_V1: &str = "\"tin-v1\"";
const LAST_MODIFIED: &str = "Sat, 28 Nov 2026 01:00:00 GMT";

#[derive(Default)]
pub struct Counters {
    /// Requests to /cond.xml that carried a validator which matched (answered 304).
    pub conditional_hits: AtomicUsize,
    /// Requests to /cond.xml in all.
    pub cond_requests: AtomicUsize,
    /// How many more requests /flaky.xml answers 500 before it recovers.
    pub flaky_failures_left: AtomicUsize,
    pub flaky_requests: AtomicUsize,
    pub loop_requests: AtomicUsize,
}

pub struct Shared {
    pub counters: Counters,
    /// The current HTML of the watched page.
    pub site_page: Mutex<String>,
}

pub struct Server {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn set_site_page(&self, html: String) {
        *self.shared.site_page.lock().unwrap() = html;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The watched page, with an optional edit in its text and an optional injected block.
pub fn site_page(edit: &str, inject: &str) -> String {
    SITE_PAGE
        .replace("{{EDIT}}", edit)
        .replace("{{INJECT}}", inject)
}

fn typed(ct: &'static str, body: impl Into<String>) -> Response {
    ([(header::CONTENT_TYPE, ct)], body.into()).into_response()
}

async fn cond(State(s): State<Arc<Shared>>, h: HeaderMap) -> Response {
    s.counters.cond_requests.fetch_add(1, Ordering::SeqCst);
    let etag_ok = h
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == ETAG_V1.as_bytes());
    let since_ok = h
        .get(header::IF_MODIFIED_SINCE)
        .is_some_and(|v| v.as_bytes() == LAST_MODIFIED.as_bytes());
    if etag_ok && since_ok {
        s.counters.conditional_hits.fetch_add(1, Ordering::SeqCst);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut r = typed("application/rss+xml; charset=utf-8", RSS);
    r.headers_mut()
        .insert(header::ETAG, HeaderValue::from_static(ETAG_V1));
    r.headers_mut().insert(
        header::LAST_MODIFIED,
        HeaderValue::from_static(LAST_MODIFIED),
    );
    r
}

async fn flaky(State(s): State<Arc<Shared>>) -> Response {
    s.counters.flaky_requests.fetch_add(1, Ordering::SeqCst);
    let left = s.counters.flaky_failures_left.load(Ordering::SeqCst);
    if left > 0 {
        s.counters
            .flaky_failures_left
            .store(left - 1, Ordering::SeqCst);
        return (StatusCode::INTERNAL_SERVER_ERROR, "lỗi máy chủ").into_response();
    }
    typed("application/atom+xml", ATOM)
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(5)).await;
    typed("application/rss+xml", RSS)
}

/// A server that speaks HTTP/1.1 by hand, for what axum will not do on purpose: a body that
/// trickles a few bytes at a time (past any total timeout), and a body cut off before the
/// length it announced.
pub async fn start_raw() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&got).to_string();
                let body = RSS.as_bytes();
                if head.starts_with("GET /trickle") {
                    let h = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\
                         Content-Length: {}\r\n\r\n",
                        body.len()
                    );
                    let _ = sock.write_all(h.as_bytes()).await;
                    for chunk in body.chunks(8) {
                        if sock.write_all(chunk).await.is_err() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_millis(300)).await;
                    }
                } else {
                    // Announces the whole feed, sends a third of it, hangs up.
                    let h = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\
                         Content-Length: {}\r\n\r\n",
                        body.len()
                    );
                    let _ = sock.write_all(h.as_bytes()).await;
                    let _ = sock.write_all(&body[..body.len() / 3]).await;
                    let _ = sock.shutdown().await;
                }
            });
        }
    });
    (addr, task)
}

pub async fn start() -> Server {
    let shared = Arc::new(Shared {
        counters: Counters::default(),
        site_page: Mutex::new(site_page("", "")),
    });
    let app = Router::new()
        .route(
            "/rss.xml",
            get(|| async { typed("application/rss+xml", RSS) }),
        )
        .route(
            "/atom.xml",
            get(|| async { typed("application/atom+xml", ATOM) }),
        )
        .route(
            "/bai-viet.html",
            get(|| async { typed("text/html; charset=utf-8", ARTICLE) }),
        )
        .route("/cond.xml", get(cond))
        .route("/flaky.xml", get(flaky))
        .route(
            "/garbage.xml",
            get(|| async {
                typed(
                    "application/rss+xml",
                    "<<<this is not a feed>>> {\u{0}\u{1}",
                )
            }),
        )
        .route(
            "/truncated.xml",
            get(|| async { typed("application/rss+xml", &RSS[..RSS.len() / 2]) }),
        )
        .route("/slow.xml", get(slow))
        .route(
            "/big.xml",
            get(|| async { typed("application/rss+xml", "x".repeat(300 * 1024)) }),
        )
        .route("/missing.xml", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/loop/a",
            get(|State(s): State<Arc<Shared>>| async move {
                s.counters.loop_requests.fetch_add(1, Ordering::SeqCst);
                Redirect::temporary("/loop/b")
            }),
        )
        .route(
            "/loop/b",
            get(|State(s): State<Arc<Shared>>| async move {
                s.counters.loop_requests.fetch_add(1, Ordering::SeqCst);
                Redirect::temporary("/loop/a")
            }),
        )
        .route(
            "/site/gioi-thieu.html",
            get(|State(s): State<Arc<Shared>>| async move {
                let html = s.site_page.lock().unwrap().clone();
                typed("text/html; charset=utf-8", html)
            }),
        )
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Server { addr, shared, task }
}
