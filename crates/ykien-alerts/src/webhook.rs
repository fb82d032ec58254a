//! Signed webhooks. The body is JSON; `X-Ykien-Signature: sha256=<hex>` is the HMAC-SHA256
//! of the exact body bytes under the endpoint's secret, and `X-Ykien-Timestamp` repeats the
//! body's `sent_at` (Unix seconds). Because `sent_at` is inside the signed body, a receiver
//! that checks the signature and refuses a timestamp older than a few minutes cannot be
//! replayed an old delivery; `X-Ykien-Delivery` (also in the body) lets it drop duplicates of
//! a retried delivery.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const SIGNATURE_HEADER: &str = "X-Ykien-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Ykien-Timestamp";
pub const DELIVERY_HEADER: &str = "X-Ykien-Delivery";

/// `sha256=<hex HMAC-SHA256(body, secret)>`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a signature header in constant time (for receivers, and for our tests).
pub fn verify(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2.
    #[test]
    fn hmac_sha256_vector() {
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verify_refuses_tampering() {
        let s = sign(b"k", b"{\"a\":1}");
        assert!(verify(b"k", b"{\"a\":1}", &s));
        assert!(!verify(b"k", b"{\"a\":2}", &s));
        assert!(!verify(b"other", b"{\"a\":1}", &s));
        assert!(!verify(b"k", b"{\"a\":1}", s.trim_start_matches("sha256=")));
    }
}
