//! A tiny Prometheus registry: a handful of counters rendered in the text exposition format.
//! Hand-written because ykien exports a few numbers only; a metrics crate would add a
//! recorder, a registry and an exporter for the same output.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    /// (method, route template, status) → count.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// Sum of request durations per route, for a mean latency.
    duration_us: Mutex<BTreeMap<String, u64>>,
    pub logins_ok: AtomicU64,
    pub logins_failed: AtomicU64,
    pub logins_limited: AtomicU64,
    pub csrf_rejected: AtomicU64,
    pub in_flight: AtomicI64,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, micros: u64) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        *self
            .duration_us
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(route.to_string())
            .or_default() += micros;
    }

    pub fn render(&self, backend: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP ykien_build_info Build information.\n# TYPE ykien_build_info gauge"
        );
        let _ = writeln!(
            out,
            "ykien_build_info{{version=\"{}\",backend=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION"),
            esc(backend)
        );
        let _ = writeln!(
            out,
            "# HELP ykien_http_requests_total HTTP requests by route template and status."
        );
        let _ = writeln!(out, "# TYPE ykien_http_requests_total counter");
        for ((m, r, s), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "ykien_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{s}\"}} {n}",
                esc(m),
                esc(r)
            );
        }
        let _ = writeln!(
            out,
            "# HELP ykien_http_request_duration_seconds_sum Total time spent per route."
        );
        let _ = writeln!(
            out,
            "# TYPE ykien_http_request_duration_seconds_sum counter"
        );
        for (r, us) in self
            .duration_us
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "ykien_http_request_duration_seconds_sum{{route=\"{}\"}} {}",
                esc(r),
                *us as f64 / 1e6
            );
        }
        let counters = [
            ("ykien_logins_total{result=\"ok\"}", &self.logins_ok),
            ("ykien_logins_total{result=\"failed\"}", &self.logins_failed),
            (
                "ykien_logins_total{result=\"rate_limited\"}",
                &self.logins_limited,
            ),
        ];
        let _ = writeln!(
            out,
            "# HELP ykien_logins_total Login attempts by result.\n# TYPE ykien_logins_total counter"
        );
        for (name, c) in counters {
            let _ = writeln!(out, "{name} {}", c.load(Ordering::Relaxed));
        }
        let _ = writeln!(
            out,
            "# HELP ykien_csrf_rejected_total Form posts rejected for a bad CSRF token.\n# TYPE ykien_csrf_rejected_total counter\nykien_csrf_rejected_total {}",
            self.csrf_rejected.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP ykien_http_requests_in_flight Requests being served.\n# TYPE ykien_http_requests_in_flight gauge\nykien_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        out
    }
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_in_text_format() {
        let m = Metrics::default();
        m.observe("GET", "/units/{id}", 200, 1500);
        m.observe("GET", "/units/{id}", 200, 500);
        m.logins_failed.fetch_add(3, Ordering::Relaxed);
        let text = m.render("sqlite");
        assert!(text.contains(
            "ykien_http_requests_total{method=\"GET\",route=\"/units/{id}\",status=\"200\"} 2"
        ));
        assert!(text.contains("ykien_logins_total{result=\"failed\"} 3"));
        assert!(
            text.contains("ykien_http_request_duration_seconds_sum{route=\"/units/{id}\"} 0.002")
        );
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "bad sample line {line}");
        }
    }
}
