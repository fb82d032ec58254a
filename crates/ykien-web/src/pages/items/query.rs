//! The items list's query string: what the officer asked for (`q`, `unit`, `topic`,
//! `sentiment`, `channel`, `source`, `status`, `spam`, `from`, `to`, `page`), turned into the
//! store's [`ItemFilter`], and links that change one part of it (a facet adds a filter, a
//! chip removes one, paging moves) while keeping the rest. Dates are days in Hà Nội's time;
//! `to` includes its day. A value that does not parse is dropped, and the page says so.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use ykien_store::ItemFilter;

/// Rows per page.
pub const PAGE_SIZE: u32 = 25;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub unit: String,
    pub topic: String,
    pub sentiment: String,
    pub channel: String,
    pub source: String,
    pub status: String,
    /// "1": show items hidden as spam.
    pub spam: String,
    /// YYYY-MM-DD.
    pub from: String,
    pub to: String,
    /// From 1.
    pub page: String,
}

/// The parameters in the order links write them.
const KEYS: [&str; 10] = [
    "q",
    "unit",
    "topic",
    "sentiment",
    "channel",
    "source",
    "status",
    "spam",
    "from",
    "to",
];

fn hanoi() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("a valid offset")
}

/// Midnight (Hà Nội) starting `day`, as UTC.
fn day_start(day: &str) -> Option<DateTime<Utc>> {
    let d = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()?;
    hanoi()
        .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl ListQuery {
    pub fn get(&self, key: &str) -> &str {
        match key {
            "q" => &self.q,
            "unit" => &self.unit,
            "topic" => &self.topic,
            "sentiment" => &self.sentiment,
            "channel" => &self.channel,
            "source" => &self.source,
            "status" => &self.status,
            "spam" => &self.spam,
            "from" => &self.from,
            "to" => &self.to,
            "page" => &self.page,
            _ => "",
        }
    }

    pub fn page(&self) -> u32 {
        self.page.trim().parse::<u32>().unwrap_or(1).max(1)
    }

    pub fn show_spam(&self) -> bool {
        self.spam.trim() == "1"
    }

    /// The dates that were given but do not parse.
    pub fn bad_dates(&self) -> bool {
        (!self.from.trim().is_empty() && day_start(&self.from).is_none())
            || (!self.to.trim().is_empty() && day_start(&self.to).is_none())
    }

    /// The store's filter for this query, `terms` being the prepared search key.
    pub fn filter(&self, terms: String) -> ItemFilter {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let page = self.page().min(ykien_store::MAX_OFFSET / PAGE_SIZE + 1);
        ItemFilter {
            terms,
            unit: some(&self.unit),
            topic: some(&self.topic),
            sentiment: some(&self.sentiment),
            channel: some(&self.channel),
            source: some(&self.source),
            status: some(&self.status),
            include_hidden: self.show_spam(),
            from: day_start(&self.from),
            to: day_start(&self.to).map(|t| t + Duration::days(1)),
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
            page_only: false,
        }
    }

    /// `/items?…` with `key` set to `value` (None: removed) and the rest kept; the page
    /// goes back to the first unless `key` is the page itself.
    pub fn with(&self, key: &str, value: Option<&str>) -> String {
        let mut parts = Vec::new();
        for k in KEYS.iter().copied().chain(std::iter::once("page")) {
            let v = if k == key {
                value.unwrap_or("")
            } else if k == "page" {
                ""
            } else {
                self.get(k)
            };
            let v = v.trim();
            let first_page = k == "page" && v == "1";
            if !v.is_empty() && !first_page {
                parts.push(format!("{k}={}", encode(v)));
            }
        }
        if parts.is_empty() {
            "/items".to_string()
        } else {
            format!("/items?{}", parts.join("&"))
        }
    }

    /// The filters in force besides the words, as (key, value) pairs.
    pub fn active(&self) -> Vec<(&'static str, String)> {
        KEYS.iter()
            .copied()
            .filter(|k| *k != "q")
            .filter_map(|k| {
                let v = self.get(k).trim();
                (!v.is_empty()).then(|| (k, v.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_rest_and_reset_the_page() {
        let q = ListQuery {
            q: "ngập úng".into(),
            topic: "environment".into(),
            page: "3".into(),
            ..ListQuery::default()
        };
        assert_eq!(
            q.with("sentiment", Some("negative")),
            "/items?q=ng%E1%BA%ADp%20%C3%BAng&topic=environment&sentiment=negative"
        );
        assert_eq!(q.with("topic", None), "/items?q=ng%E1%BA%ADp%20%C3%BAng");
        assert_eq!(
            q.with("page", Some("4")),
            "/items?q=ng%E1%BA%ADp%20%C3%BAng&topic=environment&page=4"
        );
        assert_eq!(ListQuery::default().with("page", Some("1")), "/items");
        assert_eq!(encode("a&b=c\"<"), "a%26b%3Dc%22%3C");
    }

    #[test]
    fn dates_are_hanoi_days_and_to_includes_its_day() {
        let q = ListQuery {
            from: "2026-03-01".into(),
            to: "2026-03-01".into(),
            page: "x".into(),
            ..ListQuery::default()
        };
        let f = q.filter(String::new());
        assert_eq!(f.from.unwrap().to_rfc3339(), "2026-02-28T17:00:00+00:00");
        assert_eq!(f.to.unwrap().to_rfc3339(), "2026-03-01T17:00:00+00:00");
        assert_eq!(f.offset, 0);
        assert!(!q.bad_dates());
        let bad = ListQuery {
            to: "01/03/2026".into(),
            ..ListQuery::default()
        };
        assert!(bad.bad_dates() && bad.filter(String::new()).to.is_none());
    }

    #[test]
    fn deep_pages_are_capped() {
        let q = ListQuery {
            page: "999999".into(),
            ..ListQuery::default()
        };
        assert!(q.filter(String::new()).offset <= ykien_store::MAX_OFFSET);
    }
}
