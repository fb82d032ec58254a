//! Secrets: random tokens (stored only as SHA-256), Argon2id password hashes.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use crate::StoreError;

/// 32 random bytes as 64 hex characters: URL- and cookie-safe.
pub(crate) fn random_hex() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// Tokens carry 256 bits of entropy, so a fast unsalted hash is enough to make a stolen
/// database useless for signing in, and keeps lookups indexable.
pub(crate) fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes), off the async threads.
pub(crate) async fn hash_password(password: &str) -> Result<String, StoreError> {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Database(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| StoreError::Database(format!("password hashing task failed: {e}")))?
}

/// Verifies against `hash`, or against a throw-away hash when there is none, so that an
/// unknown login costs as much time as a wrong password.
pub(crate) async fn verify_password(password: &str, hash: Option<String>) -> bool {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || {
        let target = hash.unwrap_or_else(|| dummy_hash().to_string());
        let ok = Argon2::default()
            .verify_password(pw.as_bytes(), target.as_str())
            .is_ok();
        ok && target != dummy_hash()
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| {
        Argon2::default()
            .hash_password(random_hex().as_bytes())
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}
