//! Login rate limiting: fixed-window counters of failed attempts, per client IP and per
//! account name, kept in memory. In-memory is enough for one process; several `ykien serve`
//! processes behind a balancer each enforce their own window, which still bounds guessing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failed attempts allowed per IP in one window.
    pub per_ip: u32,
    /// Failed attempts allowed per login name in one window.
    pub per_account: u32,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_ip: 20,
            per_account: 5,
            window: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug)]
pub struct LoginLimiter {
    limits: Limits,
    state: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginLimiter {
    pub fn new(limits: Limits) -> LoginLimiter {
        LoginLimiter {
            limits,
            state: Mutex::new(HashMap::new()),
        }
    }

    fn keys(ip: &str, login: &str) -> (String, String) {
        (
            format!("ip:{ip}"),
            format!("acct:{}", login.trim().to_lowercase()),
        )
    }

    fn count(&self, map: &HashMap<String, (Instant, u32)>, key: &str, now: Instant) -> u32 {
        match map.get(key) {
            Some((start, n)) if now.duration_since(*start) < self.limits.window => *n,
            _ => 0,
        }
    }

    /// Whether another attempt is allowed right now.
    pub fn allowed(&self, ip: &str, login: &str) -> bool {
        let (ki, ka) = Self::keys(ip, login);
        let now = Instant::now();
        let map = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.count(&map, &ki, now) < self.limits.per_ip
            && self.count(&map, &ka, now) < self.limits.per_account
    }

    pub fn record_failure(&self, ip: &str, login: &str) {
        let (ki, ka) = Self::keys(ip, login);
        let now = Instant::now();
        let window = self.limits.window;
        let mut map = self.state.lock().unwrap_or_else(|p| p.into_inner());
        for k in [ki, ka] {
            let e = map.entry(k).or_insert((now, 0));
            if now.duration_since(e.0) >= window {
                *e = (now, 0);
            }
            e.1 += 1;
        }
        // Keep memory bounded under a spray of distinct names.
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
    }

    /// A successful login clears the account's counter (not the IP's: one good password
    /// must not reset a spray from the same address).
    pub fn record_success(&self, login: &str) {
        let (_, ka) = Self::keys("", login);
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&ka);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_per_account_then_per_ip() {
        let l = LoginLimiter::new(Limits {
            per_ip: 4,
            per_account: 2,
            window: Duration::from_secs(60),
        });
        assert!(l.allowed("1.1.1.1", "a@x"));
        l.record_failure("1.1.1.1", "a@x");
        l.record_failure("1.1.1.1", "A@X ");
        assert!(
            !l.allowed("2.2.2.2", "a@x"),
            "per-account limit holds across IPs"
        );
        assert!(l.allowed("1.1.1.1", "b@x"));
        l.record_failure("1.1.1.1", "b@x");
        l.record_failure("1.1.1.1", "c@x");
        assert!(
            !l.allowed("1.1.1.1", "d@x"),
            "per-IP limit holds across accounts"
        );
        assert!(l.allowed("3.3.3.3", "d@x"));
    }

    #[test]
    fn window_expires() {
        let l = LoginLimiter::new(Limits {
            per_ip: 1,
            per_account: 1,
            window: Duration::from_millis(30),
        });
        l.record_failure("ip", "x");
        assert!(!l.allowed("ip", "x"));
        std::thread::sleep(Duration::from_millis(40));
        assert!(l.allowed("ip", "x"));
    }
}
