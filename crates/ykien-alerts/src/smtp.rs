//! A minimal SMTP client (RFC 5321) for alert e-mails: EHLO, optional STARTTLS (RFC 3207),
//! AUTH PLAIN (RFC 4954) over TLS only, MAIL, RCPT, DATA with dot-stuffing, QUIT. A plain
//! text UTF-8 body in base64 and an RFC 2047 subject, so any server takes it unchanged.
//!
//! Written here rather than pulling a mail crate: ykien sends one short message at a time
//! to one relay, and the few commands it needs are easier to test against a real local
//! server than a large dependency is to audit.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// When to upgrade the connection with STARTTLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartTls {
    /// Never (a relay on the local network or on this machine).
    Never,
    /// When the server offers it.
    #[default]
    Opportunistic,
    /// Refuse to send without it.
    Required,
}

/// Where and how to send e-mail.
#[derive(Debug, Clone, Deserialize)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    /// The envelope sender and From address.
    pub from: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub starttls: StartTls,
    /// The name given in EHLO.
    #[serde(default = "default_hello")]
    pub hello: String,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_port() -> u16 {
    25
}
fn default_hello() -> String {
    "ykien.localhost".into()
}
fn default_timeout() -> u64 {
    30
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SMTP: {message}")]
pub struct SmtpError {
    /// The server's reply code, when it gave one.
    pub code: Option<u16>,
    pub message: String,
    /// A 5xx reply: trying again will not help.
    pub permanent: bool,
}

impl SmtpError {
    fn io(e: impl std::fmt::Display) -> SmtpError {
        SmtpError {
            code: None,
            message: e.to_string(),
            permanent: false,
        }
    }
}

/// An e-mail to send.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Becomes the Message-ID's local part.
    pub id: String,
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Rejects addresses that could smuggle commands or headers.
fn check_address(a: &str) -> Result<(), SmtpError> {
    if a.is_empty()
        || a.len() > 254
        || !a.contains('@')
        || a.chars()
            .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '<' | '>'))
    {
        return Err(SmtpError {
            code: None,
            message: format!("invalid address {a:?}"),
            permanent: true,
        });
    }
    Ok(())
}

/// The whole message (headers and base64 body), CRLF line endings, not yet dot-stuffed.
pub fn render(from: &str, mail: &Mail, date: chrono::DateTime<chrono::Utc>) -> String {
    let mut m = String::new();
    m.push_str(&format!("From: {from}\r\n"));
    m.push_str(&format!("To: {}\r\n", mail.to));
    m.push_str(&format!(
        "Subject: =?UTF-8?B?{}?=\r\n",
        base64(mail.subject.replace(['\r', '\n'], " ").as_bytes())
    ));
    m.push_str(&format!("Date: {}\r\n", date.to_rfc2822()));
    let domain = from.rsplit('@').next().unwrap_or("ykien.localhost");
    m.push_str(&format!("Message-ID: <{}@{}>\r\n", mail.id, domain));
    m.push_str("MIME-Version: 1.0\r\n");
    m.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    m.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
    let body = mail.body.replace("\r\n", "\n").replace('\n', "\r\n");
    let enc = base64(body.as_bytes());
    for line in enc.as_bytes().chunks(76) {
        m.push_str(std::str::from_utf8(line).unwrap_or_default());
        m.push_str("\r\n");
    }
    m
}

/// Dot-stuffing (RFC 5321 §4.5.2) and the terminating line.
fn dot_stuff(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len() + 8);
    for line in msg.split_inclusive("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

struct Session {
    io: BufReader<Box<dyn Stream>>,
}

impl Session {
    /// Reads one (possibly multi-line) reply: its code and lines.
    async fn reply(&mut self) -> Result<(u16, Vec<String>), SmtpError> {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = self.io.read_line(&mut line).await.map_err(SmtpError::io)?;
            if n == 0 {
                return Err(SmtpError::io("the server closed the connection"));
            }
            if line.len() > 2000 || lines.len() > 200 {
                return Err(SmtpError::io("the server's reply is too long"));
            }
            let line = line.trim_end_matches(['\r', '\n']).to_string();
            let code: u16 = line
                .get(..3)
                .and_then(|c| c.parse().ok())
                .ok_or_else(|| SmtpError::io(format!("not an SMTP reply: {line:?}")))?;
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line.get(4..).unwrap_or("").to_string());
            if last {
                return Ok((code, lines));
            }
        }
    }

    async fn expect(&mut self, ok: &[u16], what: &str) -> Result<Vec<String>, SmtpError> {
        let (code, lines) = self.reply().await?;
        if ok.contains(&code) {
            Ok(lines)
        } else {
            Err(SmtpError {
                code: Some(code),
                message: format!("{what}: {code} {}", lines.join(" ")),
                permanent: (500..600).contains(&code),
            })
        }
    }

    async fn send(&mut self, line: &str) -> Result<(), SmtpError> {
        let w = self.io.get_mut();
        w.write_all(line.as_bytes()).await.map_err(SmtpError::io)?;
        w.write_all(b"\r\n").await.map_err(SmtpError::io)?;
        w.flush().await.map_err(SmtpError::io)
    }

    async fn command(
        &mut self,
        line: &str,
        ok: &[u16],
        what: &str,
    ) -> Result<Vec<String>, SmtpError> {
        self.send(line).await?;
        self.expect(ok, what).await
    }
}

fn tls_connector() -> Result<tokio_rustls::TlsConnector, SmtpError> {
    crate::install_crypto();
    use rustls_platform_verifier::ConfigVerifierExt;
    let config = rustls::ClientConfig::with_platform_verifier().map_err(SmtpError::io)?;
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// Sends one message. Returns the server's reply code to the end of DATA (250).
pub async fn send_mail(cfg: &SmtpConfig, mail: &Mail) -> Result<u16, SmtpError> {
    let timeout = Duration::from_secs(cfg.timeout_secs.max(1));
    tokio::time::timeout(timeout, send_inner(cfg, mail))
        .await
        .map_err(|_| SmtpError::io(format!("no answer within {} s", timeout.as_secs())))?
}

async fn send_inner(cfg: &SmtpConfig, mail: &Mail) -> Result<u16, SmtpError> {
    check_address(&cfg.from)?;
    check_address(&mail.to)?;
    let tcp = TcpStream::connect((cfg.host.as_str(), cfg.port))
        .await
        .map_err(|e| SmtpError::io(format!("cannot connect to {}:{}: {e}", cfg.host, cfg.port)))?;
    let mut s = Session {
        io: BufReader::new(Box::new(tcp) as Box<dyn Stream>),
    };
    s.expect(&[220], "greeting").await?;
    let ehlo = format!("EHLO {}", cfg.hello);
    let mut caps = s.command(&ehlo, &[250], "EHLO").await?;
    let offers = |caps: &[String], what: &str| {
        caps.iter().any(|c| {
            c.split_whitespace()
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case(what))
        })
    };
    let mut secure = false;
    let want_tls = match cfg.starttls {
        StartTls::Never => false,
        StartTls::Opportunistic => offers(&caps, "STARTTLS"),
        StartTls::Required => {
            if !offers(&caps, "STARTTLS") {
                return Err(SmtpError {
                    code: None,
                    message: "the server does not offer STARTTLS, which is required".into(),
                    permanent: false,
                });
            }
            true
        }
    };
    if want_tls {
        s.command("STARTTLS", &[220], "STARTTLS").await?;
        let name =
            rustls::pki_types::ServerName::try_from(cfg.host.clone()).map_err(SmtpError::io)?;
        // Nothing may be buffered past the 220 (RFC 3207 §4.2: a pipelined answer is an attack).
        if !s.io.buffer().is_empty() {
            return Err(SmtpError::io("data after the STARTTLS reply"));
        }
        let plain = s.io.into_inner();
        let tls = tls_connector()?
            .connect(name, plain)
            .await
            .map_err(|e| SmtpError::io(format!("TLS handshake: {e}")))?;
        s = Session {
            io: BufReader::new(Box::new(tls) as Box<dyn Stream>),
        };
        caps = s.command(&ehlo, &[250], "EHLO after STARTTLS").await?;
        secure = true;
    }
    if let (Some(user), Some(pass)) = (&cfg.username, &cfg.password) {
        if !secure {
            return Err(SmtpError {
                code: None,
                message: "refusing to send the SMTP password without TLS (set starttls)".into(),
                permanent: true,
            });
        }
        if !caps.iter().any(|c| {
            c.to_ascii_uppercase().starts_with("AUTH") && c.to_ascii_uppercase().contains("PLAIN")
        }) {
            return Err(SmtpError {
                code: None,
                message: "the server offers no AUTH PLAIN".into(),
                permanent: true,
            });
        }
        let token = base64(format!("\0{user}\0{pass}").as_bytes());
        s.command(&format!("AUTH PLAIN {token}"), &[235], "AUTH")
            .await?;
    }
    s.command(&format!("MAIL FROM:<{}>", cfg.from), &[250], "MAIL FROM")
        .await?;
    s.command(&format!("RCPT TO:<{}>", mail.to), &[250, 251], "RCPT TO")
        .await?;
    s.command("DATA", &[354], "DATA").await?;
    let msg = dot_stuff(&render(&cfg.from, mail, chrono::Utc::now()));
    {
        let w = s.io.get_mut();
        w.write_all(msg.as_bytes()).await.map_err(SmtpError::io)?;
        w.flush().await.map_err(SmtpError::io)?;
    }
    let (code, lines) = s.reply().await?;
    if code != 250 {
        return Err(SmtpError {
            code: Some(code),
            message: format!("end of DATA: {code} {}", lines.join(" ")),
            permanent: (500..600).contains(&code),
        });
    }
    // The message is accepted; a failed QUIT does not undo that.
    let _ = s.command("QUIT", &[221], "QUIT").await;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn dots_are_stuffed_and_the_end_marked() {
        assert_eq!(dot_stuff("a\r\n.b\r\n..\r\n"), "a\r\n..b\r\n...\r\n.\r\n");
        assert_eq!(dot_stuff("x"), "x\r\n.\r\n");
    }

    #[test]
    fn header_injection_is_refused() {
        assert!(check_address("a@b.vn\r\nRCPT TO:<x@y>").is_err());
        assert!(check_address("a b@c.vn").is_err());
        assert!(check_address("ok@c.vn").is_ok());
    }
}
