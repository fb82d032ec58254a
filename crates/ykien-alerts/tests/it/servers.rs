//! Real local servers the deliveries talk to: an HTTP endpoint (axum) that checks webhook
//! signatures, and an SMTP server speaking the protocol (EHLO, MAIL, RCPT, DATA, QUIT).

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One request the webhook endpoint received.
#[derive(Debug, Clone)]
pub struct Hook {
    pub body: Vec<u8>,
    pub signature_ok: bool,
    pub timestamp_ok: bool,
    pub status: u16,
}

#[derive(Clone)]
struct HookState {
    secret: Vec<u8>,
    /// Answer 500 to this many requests first.
    fail_first: usize,
    seen: Arc<Mutex<Vec<Hook>>>,
}

async fn hook(State(s): State<HookState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let sig = headers
        .get("x-ykien-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let signature_ok = ykien_alerts::webhook::verify(&s.secret, &body, sig);
    let ts: Option<i64> = headers
        .get("x-ykien-timestamp")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body_ts = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["sent_at"].as_i64());
    let now = chrono::Utc::now().timestamp();
    let timestamp_ok = ts.is_some() && ts == body_ts && ts.is_some_and(|t| (now - t).abs() < 300);
    let mut seen = s.seen.lock().unwrap();
    let status = if !signature_ok || !timestamp_ok {
        StatusCode::UNAUTHORIZED
    } else if seen.len() < s.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    seen.push(Hook {
        body: body.to_vec(),
        signature_ok,
        timestamp_ok,
        status: status.as_u16(),
    });
    status
}

/// Serves `POST /hook`; returns its URL and what it received.
pub async fn webhook_server(secret: &str, fail_first: usize) -> (String, Arc<Mutex<Vec<Hook>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state = HookState {
        secret: secret.as_bytes().to_vec(),
        fail_first,
        seen: seen.clone(),
    };
    let app = axum::Router::new()
        .route("/hook", post(hook))
        .with_state(state);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}/hook"), seen)
}

/// One message the SMTP server accepted.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub ehlo: String,
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent, dot-stuffing undone, CRLF kept.
    pub data: String,
}

/// A small SMTP server (RFC 5321 subset) on a random port: accepts every connection,
/// answers the commands a client needs, refuses commands out of order.
pub async fn smtp_server() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let out = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let got = got.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut r = BufReader::new(r);
                w.write_all(b"220 test.localhost ESMTP ready\r\n")
                    .await
                    .unwrap();
                let mut cur = Received::default();
                let mut line = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let cmd = line.trim_end().to_string();
                    let upper = cmd.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO ") {
                        cur.ehlo = cmd[5..].to_string();
                        b"250-test.localhost greets you\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n"
                    } else if upper.starts_with("MAIL FROM:") {
                        if cur.ehlo.is_empty() {
                            b"503 EHLO first\r\n"
                        } else {
                            cur.mail_from = cmd[10..].trim_matches(['<', '>']).to_string();
                            b"250 OK\r\n"
                        }
                    } else if upper.starts_with("RCPT TO:") {
                        if cur.mail_from.is_empty() {
                            b"503 MAIL first\r\n"
                        } else {
                            cur.rcpt_to
                                .push(cmd[8..].trim_matches(['<', '>']).to_string());
                            b"250 OK\r\n"
                        }
                    } else if upper == "DATA" {
                        if cur.rcpt_to.is_empty() {
                            b"503 RCPT first\r\n"
                        } else {
                            w.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                                .await
                                .unwrap();
                            let mut data = String::new();
                            loop {
                                let mut l = String::new();
                                if r.read_line(&mut l).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if l == ".\r\n" {
                                    break;
                                }
                                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                            }
                            cur.data = data;
                            got.lock().unwrap().push(std::mem::take(&mut cur));
                            b"250 OK queued\r\n"
                        }
                    } else if upper == "QUIT" {
                        w.write_all(b"221 Bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"502 Command not implemented\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, out)
}

/// Base64 decoding for checking what the server received.
pub fn unbase64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let clean: Vec<u32> = s.bytes().filter_map(val).collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |a, (i, &v)| a | (v << (18 - 6 * i)));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}
