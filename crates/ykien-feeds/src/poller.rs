//! The poller: leases due sources, fetches them, turns what came into items (or judges a
//! watched page), and records the fetch with the source's next due time.

use std::future::Future;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::Serialize;
use serde_json::json;
use ykien_store::{
    AlertKind, AlertSeverity, Channel, ClaimedSource, Confidentiality, FetchOutcome, FetchResult,
    MAX_TEXT_BYTES, NewAlert, NewItem, OpinionReport, SourceKind, Store, StoreError,
};

use crate::fetch::{ErrorKind, FetchConfig, FetchFailure, Fetched, Fetcher};
use crate::{FeedsError, html, watch};

/// How the poller runs.
#[derive(Debug, Clone)]
pub struct PollerConfig {
    pub fetch: FetchConfig,
    /// How often to look for due sources when none was due.
    pub tick: Duration,
    /// Sources leased (and fetched concurrently) at once.
    pub batch: u32,
    /// First retry delay after a failure; doubled for each further failure in a row.
    pub backoff_base: Duration,
    /// Longest delay between retries of a failing source.
    pub backoff_cap: Duration,
}

impl Default for PollerConfig {
    fn default() -> Self {
        PollerConfig {
            fetch: FetchConfig::default(),
            tick: Duration::from_secs(15),
            batch: 4,
            backoff_base: Duration::from_secs(60),
            backoff_cap: Duration::from_secs(24 * 3600),
        }
    }
}

/// The delay before retrying a source that failed `failures` times in a row (from 1):
/// `base · 2^(failures−1)`, times a random factor in [0.8, 1.2] so that sources that failed
/// together (a site down) do not all come back in the same second, capped at `cap`. Each
/// further failure waits strictly longer (the factor's range is narrower than the doubling)
/// until the cap.
pub fn backoff(failures: i64, base: Duration, cap: Duration) -> Duration {
    let exp = u32::try_from(failures.clamp(1, 40) - 1).unwrap_or(0);
    let raw = base.as_secs_f64() * 2f64.powi(exp as i32);
    let jitter = rand::rng().random_range(0.8..=1.2);
    Duration::from_secs_f64((raw * jitter).min(cap.as_secs_f64()))
}

/// What one fetch did, for the command line and tests.
#[derive(Debug, Clone, Serialize)]
pub struct FetchReport {
    pub source_id: i64,
    pub name: String,
    pub outcome: FetchOutcome,
    pub error_kind: Option<ErrorKind>,
    pub error: Option<String>,
    pub http_status: Option<u16>,
    pub items_found: i64,
    pub items_added: i64,
    /// The integrity alert raised by this fetch (a watched page), if any.
    pub alert_id: Option<i64>,
    pub next_fetch_at: DateTime<Utc>,
    /// False when the lease ran out and another poller took the source over.
    pub recorded_state: bool,
}

/// What the body of a successful fetch gave.
#[derive(Default)]
struct Harvest {
    found: i64,
    added: i64,
    snapshot: Option<(String, String)>,
    alert_id: Option<i64>,
}

/// Fetches sources for one store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Poller {
    store: Store,
    fetcher: Fetcher,
    cfg: PollerConfig,
}

impl Poller {
    pub fn new(store: Store, cfg: PollerConfig) -> Result<Poller, FeedsError> {
        Ok(Poller {
            fetcher: Fetcher::new(&cfg.fetch)?,
            store,
            cfg,
        })
    }

    /// A lease outlives the longest fetch, so that a live poller never loses its source.
    fn lease(&self) -> Duration {
        self.cfg.fetch.timeout * 2 + Duration::from_secs(60)
    }

    /// Polls until `shutdown` resolves; a database hiccup is logged and retried next tick.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let busy = match self.poll_due().await {
                Ok(reports) => !reports.is_empty(),
                Err(e) => {
                    tracing::warn!(error = %e, "feed poller: cannot claim due sources");
                    false
                }
            };
            let pause = if busy {
                Duration::from_millis(50)
            } else {
                self.cfg.tick
            };
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// One round: leases up to a batch of due sources and fetches them concurrently.
    pub async fn poll_due(&self) -> Result<Vec<FetchReport>, FeedsError> {
        let claimed = self
            .store
            .claim_due_sources(self.lease(), self.cfg.batch)
            .await?;
        let mut set = tokio::task::JoinSet::new();
        for c in claimed {
            let me = self.clone();
            set.spawn(async move { me.fetch_claimed(c).await });
        }
        let mut reports = Vec::new();
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok(Ok(r)) => reports.push(r),
                Ok(Err(e)) => tracing::warn!(error = %e, "feed poller: cannot record a fetch"),
                Err(e) => tracing::error!(error = %e, "feed poller: a fetch task failed"),
            }
        }
        reports.sort_by_key(|r| r.source_id);
        Ok(reports)
    }

    /// Fetches one source now, due or not. None: another poller is fetching it right now.
    pub async fn fetch_now(&self, source_id: i64) -> Result<Option<FetchReport>, FeedsError> {
        match self.store.claim_source(source_id, self.lease()).await? {
            Some(c) => Ok(Some(self.fetch_claimed(c).await?)),
            None => Ok(None),
        }
    }

    /// Fetches a leased source and records the outcome. Errors of the fetch itself are
    /// recorded, not returned; only a failure to record is an error.
    pub async fn fetch_claimed(&self, c: ClaimedSource) -> Result<FetchReport, FeedsError> {
        let started_at = Utc::now();
        let clock = Instant::now();
        let src = &c.source;
        let fetched = self
            .fetcher
            .get(&src.url, src.etag.as_deref(), src.last_modified.as_deref())
            .await;
        let mut etag = src.etag.clone();
        let mut last_modified = src.last_modified.clone();
        let (outcome, failure, status, bytes, harvest) = match fetched {
            Err(f) => (FetchOutcome::Error, Some(f), None, 0, Harvest::default()),
            Ok(Fetched::NotModified { status }) => (
                FetchOutcome::NotModified,
                None,
                Some(status),
                0,
                Harvest::default(),
            ),
            Ok(Fetched::Body {
                status,
                body,
                etag: e,
                last_modified: m,
                final_url,
                ..
            }) => match self.harvest(&c, &body, &final_url).await {
                Ok(h) => {
                    // Validators are kept only once the body was taken in: after a failure
                    // the next fetch must download it again.
                    etag = e;
                    last_modified = m;
                    (FetchOutcome::Ok, None, Some(status), body.len(), h)
                }
                Err(mut f) => {
                    f.http_status = Some(status);
                    f.bytes = body.len();
                    (
                        FetchOutcome::Error,
                        Some(f),
                        Some(status),
                        body.len(),
                        Harvest::default(),
                    )
                }
            },
        };
        let now = Utc::now();
        let (failures, delay) = if failure.is_some() {
            let n = src.consecutive_failures + 1;
            (n, backoff(n, self.cfg.backoff_base, self.cfg.backoff_cap))
        } else {
            (0, Duration::from_secs(src.poll_interval_secs.max(1) as u64))
        };
        let next_fetch_at = now + chrono::Duration::from_std(delay).unwrap_or_default();
        let status = status.or(failure.as_ref().and_then(|f| f.http_status));
        let bytes = if bytes == 0 {
            failure.as_ref().map_or(0, |f| f.bytes)
        } else {
            bytes
        };
        let result = FetchResult {
            started_at,
            duration_ms: i64::try_from(clock.elapsed().as_millis()).unwrap_or(i64::MAX),
            http_status: status.map(i64::from),
            bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
            outcome,
            error_kind: failure.as_ref().map(|f| f.kind.as_str().to_string()),
            error_message: failure.as_ref().map(|f| f.message.clone()),
            items_found: harvest.found,
            items_added: harvest.added,
            etag,
            last_modified,
            next_fetch_at,
            consecutive_failures: failures,
            snapshot: harvest.snapshot,
        };
        let held = self.store.finish_fetch(&c, &result).await?;
        match &failure {
            Some(f) => tracing::info!(
                source = src.id, name = %src.name, kind = f.kind.as_str(), error = %f.message,
                failures, retry_in_s = delay.as_secs(), "feed fetch failed"
            ),
            None => tracing::debug!(
                source = src.id, name = %src.name, outcome = outcome.as_str(),
                found = harvest.found, added = harvest.added, "feed fetched"
            ),
        }
        Ok(FetchReport {
            source_id: src.id,
            name: src.name.clone(),
            outcome,
            error_kind: failure.as_ref().map(|f| f.kind),
            error: failure.map(|f| f.message),
            http_status: status,
            items_found: harvest.found,
            items_added: harvest.added,
            alert_id: harvest.alert_id,
            next_fetch_at,
            recorded_state: held,
        })
    }

    /// Takes in a downloaded body according to the source's kind.
    async fn harvest(
        &self,
        c: &ClaimedSource,
        body: &[u8],
        final_url: &str,
    ) -> Result<Harvest, FetchFailure> {
        match c.source.kind {
            SourceKind::Rss | SourceKind::Atom => self.take_feed(c, body).await,
            SourceKind::Page => self.take_page(c, body, final_url).await,
            SourceKind::Watch => self.check_watch(c, body).await,
        }
    }

    async fn take_feed(&self, c: &ClaimedSource, body: &[u8]) -> Result<Harvest, FetchFailure> {
        let body = body.to_vec();
        let entries = blocking(ErrorKind::Parse, move || {
            feed_rs::parser::Builder::new()
                .id_generator(|links, _title, _uri| {
                    links.first().map(|l| l.href.clone()).unwrap_or_default()
                })
                .build()
                .parse(body.as_slice())
                .map(|f| {
                    f.entries
                        .into_iter()
                        .filter_map(entry_parts)
                        .collect::<Vec<_>>()
                })
                .map_err(|e| FetchFailure::new(ErrorKind::Parse, format!("not a feed: {e}")))
        })
        .await?;
        let mut h = Harvest::default();
        for e in entries {
            h.found += 1;
            let item = NewItem {
                unit: c.source.unit.to_string(),
                source: c.source.name.clone(),
                channel: Channel::Feed,
                external_id: e.external_id,
                author_user_id: None,
                author_contact: None,
                occurred_at: e.occurred_at,
                text: clip(e.text),
                title: e.title,
                report: OpinionReport::default(),
                confidentiality: Confidentiality::Normal,
                dedup_text: String::new(),
            };
            if self.submit(item).await? {
                h.added += 1;
            }
        }
        Ok(h)
    }

    async fn take_page(
        &self,
        c: &ClaimedSource,
        body: &[u8],
        final_url: &str,
    ) -> Result<Harvest, FetchFailure> {
        let html = String::from_utf8_lossy(body).into_owned();
        let url = final_url.to_string();
        let article = blocking(ErrorKind::Extract, move || {
            Ok(html::main_text(&html, Some(&url)))
        })
        .await?;
        if article.text.trim().is_empty() {
            return Err(FetchFailure::new(
                ErrorKind::Extract,
                "no text could be extracted from the page",
            ));
        }
        let item = NewItem {
            unit: c.source.unit.to_string(),
            source: c.source.name.clone(),
            channel: Channel::Feed,
            // The page's address stays the same while its text changes: each new text is a
            // new item, the same text again is not (the content key).
            external_id: None,
            author_user_id: None,
            author_contact: None,
            occurred_at: None,
            text: clip(article.text),
            title: article.title,
            report: OpinionReport::default(),
            confidentiality: Confidentiality::Normal,
            dedup_text: String::new(),
        };
        let added = self.submit(item).await?;
        Ok(Harvest {
            found: 1,
            added: i64::from(added),
            ..Harvest::default()
        })
    }

    /// Compares a watched page with its snapshot; spam in what the change brought in raises
    /// one urgent integrity alert. The first fetch judges the whole page (everything is new).
    async fn check_watch(&self, c: &ClaimedSource, body: &[u8]) -> Result<Harvest, FetchFailure> {
        let html = String::from_utf8_lossy(body).into_owned();
        let old_hash = c.snapshot_hash.clone();
        let old = c.snapshot_text.clone().unwrap_or_default();
        let judged = blocking(ErrorKind::Extract, move || {
            let text = html::page_text(&html);
            let hash = watch::text_hash(&text);
            if old_hash.as_deref() == Some(hash.as_str()) {
                return Ok(None);
            }
            let added = watch::added_text(&old, &text);
            let injection = watch::judge(&added);
            Ok(Some((text, hash, added, injection)))
        })
        .await?;
        let Some((text, hash, added, injection)) = judged else {
            return Ok(Harvest::default());
        };
        let mut h = Harvest {
            snapshot: Some((text, hash)),
            ..Harvest::default()
        };
        if let Some(inj) = injection {
            let key_text: String = inj.terms.join("|");
            let alert = NewAlert {
                unit_id: c.source.unit.to_string(),
                kind: AlertKind::Integrity,
                severity: AlertSeverity::Urgent,
                title: format!(
                    "Trang «{}» của đơn vị bị chèn nội dung rác ({})",
                    c.source.name,
                    label_vi(inj.label)
                ),
                details: json!({
                    "source_id": c.source.id,
                    "source": c.source.name,
                    "url": c.source.url,
                    "label": inj.label,
                    "spam_score": inj.score,
                    "terms": inj.terms,
                    "excerpt": inj.excerpt,
                    "reasons": inj.reasons,
                    "added_chars": added.chars().count(),
                }),
                item_ids: Vec::new(),
                dedup_key: format!(
                    "integrity:{}:{}",
                    c.source.id,
                    &watch::text_hash(&key_text)[..16]
                ),
            };
            // If the alert cannot be stored, the snapshot is not moved either (the fetch is
            // an error), so the next fetch sees the same change and tries again.
            h.alert_id = self
                .store
                .raise_alert(&alert)
                .await
                .map_err(store_failure)?;
            tracing::warn!(
                source = c.source.id, url = %c.source.url, score = inj.score,
                terms = ?inj.terms, "integrity watch: spam injected into a watched page"
            );
        }
        Ok(h)
    }

    /// Submits an item; true when it is new. An entry the store refuses (empty, too long…)
    /// is skipped; only a database failure fails the fetch.
    async fn submit(&self, item: NewItem) -> Result<bool, FetchFailure> {
        match ykien_listen::submit(&self.store, None, item).await {
            Ok(s) => Ok(s.created),
            Err(ykien_listen::ListenError::Store(e)) if e.is_user_error() => {
                tracing::debug!(error = %e, "feed entry skipped");
                Ok(false)
            }
            Err(ykien_listen::ListenError::Store(e)) => Err(store_failure(e)),
        }
    }
}

/// Runs parsing (CPU work on untrusted input) on a blocking thread, so that a large page does
/// not stall the async workers, and so that a panic in a parser becomes a recorded failure of
/// this fetch rather than a lost task whose source would stay leased.
async fn blocking<T: Send + 'static>(
    kind: ErrorKind,
    f: impl FnOnce() -> Result<T, FetchFailure> + Send + 'static,
) -> Result<T, FetchFailure> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => Err(FetchFailure::new(kind, format!("the parser failed: {e}"))),
    }
}

/// What an item needs from a feed entry.
struct EntryParts {
    title: Option<String>,
    text: String,
    external_id: Option<String>,
    occurred_at: Option<DateTime<Utc>>,
}

/// The entry's text (its content, or its summary when longer, else its title) as plain
/// text, and its id (the entry's id, else its link). None: the entry has no text at all.
fn entry_parts(entry: feed_rs::model::Entry) -> Option<EntryParts> {
    let title = entry
        .title
        .as_ref()
        .map(|t| html::fragment_text(&t.content))
        .filter(|t| !t.is_empty());
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .map(html::fragment_text)
        .unwrap_or_default();
    let summary = entry
        .summary
        .as_ref()
        .map(|s| html::fragment_text(&s.content))
        .unwrap_or_default();
    let mut text = if content.len() > summary.len() {
        content
    } else {
        summary
    };
    if text.is_empty() {
        text = title.clone().unwrap_or_default();
    }
    if text.is_empty() {
        return None;
    }
    let link = entry.links.first().map(|l| l.href.trim().to_string());
    let external_id = Some(entry.id.trim().to_string())
        .filter(|s| !s.is_empty())
        .or(link)
        .filter(|s| !s.is_empty());
    Some(EntryParts {
        title,
        text,
        external_id,
        occurred_at: entry.published.or(entry.updated),
    })
}

fn store_failure(e: StoreError) -> FetchFailure {
    FetchFailure::new(ErrorKind::Store, e.to_string())
}

fn label_vi(label: &str) -> &'static str {
    match label {
        "gambling" => "cờ bạc, cá độ",
        "advertising" => "quảng cáo",
        _ => "rác",
    }
}

/// Cuts a text to what the store accepts, on a character boundary.
fn clip(mut text: String) -> String {
    if text.len() > MAX_TEXT_BYTES {
        let mut end = MAX_TEXT_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let base = Duration::from_secs(60);
        let cap = Duration::from_secs(24 * 3600);
        for _ in 0..200 {
            let d: Vec<f64> = (1..=6)
                .map(|n| backoff(n, base, cap).as_secs_f64())
                .collect();
            assert!(d[0] >= 48.0 && d[0] <= 72.0, "{d:?}");
            assert!(d.windows(2).all(|w| w[1] > w[0]), "{d:?}");
        }
        assert_eq!(backoff(40, base, cap), cap);
        assert_eq!(backoff(i64::MAX, base, cap), cap);
        assert!(backoff(0, base, cap) <= Duration::from_secs(72));
    }

    #[test]
    fn clip_keeps_char_boundaries() {
        let s = "ằ".repeat(MAX_TEXT_BYTES);
        let c = clip(s);
        assert!(c.len() <= MAX_TEXT_BYTES);
        assert!(c.chars().all(|ch| ch == 'ằ'));
    }
}
