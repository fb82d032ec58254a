//! CSRF protection.
//!
//! Signed-in forms carry the session's own CSRF token (stored with the session in the
//! database). The login form has no session yet, so it uses a signed double-submit token: a
//! random nonce in a cookie, and the same nonce with an HMAC over it (keyed by a per-process
//! secret) in the form. An attacker can neither read our cookie nor forge the MAC.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// Cookie holding the login form's nonce.
pub const LOGIN_COOKIE: &str = "ykien_login_csrf";
/// Form field name used by every form.
pub const FIELD: &str = "csrf";

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Random, URL-safe hex string of `bytes` random bytes.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Signs and checks the pre-session (login form) tokens.
#[derive(Clone)]
pub struct LoginCsrf {
    key: [u8; 32],
}

impl std::fmt::Debug for LoginCsrf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginCsrf(..)")
    }
}

impl Default for LoginCsrf {
    fn default() -> Self {
        Self::new()
    }
}

impl LoginCsrf {
    pub fn new() -> LoginCsrf {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        LoginCsrf { key }
    }

    fn mac(&self, nonce: &str) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        m.update(b"ykien-login-csrf:");
        m.update(nonce.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    /// A fresh pair: (cookie value, form field value).
    pub fn issue(&self) -> (String, String) {
        let nonce = random_token(16);
        let field = format!("{nonce}.{}", self.mac(&nonce));
        (nonce, field)
    }

    /// The form field must carry the cookie's nonce and a valid MAC over it.
    pub fn verify(&self, cookie: Option<&str>, field: Option<&str>) -> bool {
        let (Some(cookie), Some(field)) = (cookie, field) else {
            return false;
        };
        let Some((nonce, mac)) = field.split_once('.') else {
            return false;
        };
        constant_time_eq(nonce.as_bytes(), cookie.as_bytes())
            && constant_time_eq(mac.as_bytes(), self.mac(nonce).as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_token_round_trip_and_rejections() {
        let c = LoginCsrf::new();
        let (cookie, field) = c.issue();
        assert!(c.verify(Some(&cookie), Some(&field)));
        assert!(!c.verify(None, Some(&field)));
        assert!(!c.verify(Some(&cookie), None));
        let (other_cookie, other_field) = c.issue();
        assert!(!c.verify(Some(&other_cookie), Some(&field)));
        assert!(!c.verify(Some(&cookie), Some(&other_field)));
        // A forged MAC for a chosen nonce fails.
        assert!(!c.verify(Some("aa"), Some("aa.00")));
        // Another process's key does not verify ours.
        assert!(!LoginCsrf::new().verify(Some(&cookie), Some(&field)));
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
