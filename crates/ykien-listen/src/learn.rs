//! Learning from officers: their corrections (labels, see `ykien_store::labels`) retrain the
//! topic and sentiment models, and every worker picks up the new active model.
//!
//! Retraining ([`retrain`]):
//! - a fixed fifth of the labelled items (chosen by a hash of the item id, the same on every
//!   run) is held out and never trained on, so every model, the current one as well as the
//!   new one, is measured on labels it has not seen;
//! - the new model is trained on the other labels plus what ships (the taxonomy's seed terms,
//!   the sentiment lexicon), and both models are scored by macro-F1 on the held-out labels;
//! - the new model is stored in the database either way, but activated only when it is not
//!   worse than the current one (ties activate: the newer model has seen more labels) and
//!   enough labels were held out to tell; otherwise the current model stays and the report
//!   says why.
//!
//! Following ([`refresh_models`], [`run_worker_following_models`]): a worker asks the
//! database for the active versions every [`MODEL_CHECK_EVERY`] (one small query) and loads a
//! model only when its version changed, so every worker process on PostgreSQL converges on
//! the same model within that interval.
//!
//! The taxonomy ([`save_taxonomy`], [`activate_taxonomy`]): the organization edits its topic
//! list, stored as versions in the database (`ykien_store::TaxonomyVersion`). Topic models are
//! trained on the active taxonomy, and each stored topic model records in its metrics the
//! taxonomy version it was built with ([`TAXONOMY_VERSION_KEY`]; absent: the shipped one), so
//! it is always read back with that taxonomy. Activating a taxonomy builds a topic model for
//! it at once (retrained on the officers' labels whose topics still exist, or the seed terms
//! alone, stored as a model with no classifier bytes) and activates it: workers, which follow
//! the active models, pick up the new taxonomy with no change of their own. Items keep the
//! topic ids they were given; [`topic_names`] still names a retired topic from the versions
//! that had it.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::json;
use ykien_core::Actor;
use ykien_store::{
    LabelField, LabelledText, NewModel, Store, StoreError, StoredModel, TaxonomyVersion,
};
use ykien_text::classify::{Evaluation, Example, Model};
use ykien_text::normalize::normalize;
use ykien_text::sentiment::{Lexicon, SentimentModel, SentimentModelConfig};
use ykien_text::topics::{
    OTHER_ID, OTHER_NAME_EN, OTHER_NAME_VI, Taxonomy, TopicModel, TopicModelConfig,
};

use crate::ListenError;
use crate::analyze::{ModelVersions, TextAnalyzer};
use crate::worker::{DrainReport, WorkerConfig, run_worker_with};

/// How often a worker checks whether another model became active.
pub const MODEL_CHECK_EVERY: Duration = Duration::from_secs(30);

/// The two models learnt from labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    Topic,
    Sentiment,
}

impl ModelKind {
    pub const ALL: [ModelKind; 2] = [ModelKind::Topic, ModelKind::Sentiment];

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Topic => "topic",
            ModelKind::Sentiment => "sentiment",
        }
    }

    fn field(self) -> LabelField {
        match self {
            ModelKind::Topic => LabelField::Topic,
            ModelKind::Sentiment => LabelField::Sentiment,
        }
    }
}

/// How to retrain.
#[derive(Debug, Clone)]
pub struct RetrainOptions {
    /// Percentage of labelled items held out for measuring (by item id hash).
    pub holdout_percent: u64,
    /// Fewer held-out labels than this cannot tell a better model from a worse one: the new
    /// model is stored but not activated (unless `force`).
    pub min_held_out: usize,
    /// Activate even when worse or unmeasurable.
    pub force: bool,
    /// Only these models (empty: both).
    pub only: Vec<ModelKind>,
    pub topic: TopicModelConfig,
    pub sentiment: SentimentModelConfig,
}

impl Default for RetrainOptions {
    fn default() -> Self {
        RetrainOptions {
            holdout_percent: 20,
            min_held_out: 5,
            force: false,
            only: Vec::new(),
            topic: TopicModelConfig::default(),
            sentiment: SentimentModelConfig::default(),
        }
    }
}

/// What became of one model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored and now active.
    Activated,
    /// Stored, not activated: the current model stays.
    Kept,
    /// Nothing to learn from (no labels, or a single label value): nothing stored.
    Skipped,
}

/// The report of one model's retraining.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelReport {
    pub model: ModelKind,
    /// Labelled items (newest label of each).
    pub labels: usize,
    pub trained_on: usize,
    pub held_out: usize,
    /// Version active before (None: the shipped seeds or lexicon).
    pub previous_version: Option<i64>,
    /// Macro-F1 on the held-out labels of the current model and of the new one.
    pub before_macro_f1: Option<f64>,
    pub after_macro_f1: Option<f64>,
    pub outcome: Outcome,
    /// The stored version (None when skipped).
    pub version: Option<i64>,
    /// Why, in a sentence.
    pub reason: String,
    pub seconds: f64,
}

/// Whether a labelled item belongs to the held-out fifth (SplitMix64 of its id).
pub fn is_held_out(item_id: i64, percent: u64) -> bool {
    let mut z = (item_id as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    z % 100 < percent.min(100)
}

/// A topic model rebuilt from stored bytes, on the shipped taxonomy.
pub fn topic_model_from_bytes(bytes: &[u8], labels: i64) -> Result<TopicModel, String> {
    topic_model_on(Taxonomy::embedded().clone(), bytes, labels)
}

/// A topic model rebuilt from stored bytes on the taxonomy it was built with; no bytes: the
/// seed terms alone (a taxonomy activated before any officer's label fits it).
pub fn topic_model_on(taxonomy: Taxonomy, bytes: &[u8], labels: i64) -> Result<TopicModel, String> {
    if bytes.is_empty() {
        return Ok(TopicModel::seed_only(taxonomy));
    }
    let m = Model::from_bytes(bytes).map_err(|e| e.to_string())?;
    TopicModel::from_model(
        taxonomy,
        m,
        usize::try_from(labels).unwrap_or(0),
        TopicModelConfig::default(),
    )
    .map_err(|e| e.to_string())
}

/// The key of a topic model's metrics naming the taxonomy version it was built with.
pub const TAXONOMY_VERSION_KEY: &str = "taxonomy_version";

/// The taxonomy version a stored topic model was built with (None: the shipped one).
pub fn model_taxonomy_version(metrics: &serde_json::Value) -> Option<i64> {
    metrics
        .get(TAXONOMY_VERSION_KEY)
        .and_then(serde_json::Value::as_i64)
}

/// Reads a stored taxonomy text; it was checked when saved, so failing here means the
/// database was edited by hand.
fn parse_stored(v: &TaxonomyVersion) -> Result<Taxonomy, ListenError> {
    Taxonomy::parse(&v.source).map_err(|e| {
        StoreError::Invalid {
            what: format!("stored taxonomy version {} does not parse: {e}", v.version),
        }
        .into()
    })
}

/// The taxonomy of one version (None: the shipped one).
pub async fn taxonomy_of(store: &Store, version: Option<i64>) -> Result<Taxonomy, ListenError> {
    let Some(v) = version else {
        return Ok(Taxonomy::embedded().clone());
    };
    let stored = store
        .taxonomy_version(v)
        .await?
        .ok_or(StoreError::NotFound)?;
    parse_stored(&stored)
}

/// The taxonomy in use and its version (None: the shipped one, when no version is active).
pub async fn active_taxonomy(store: &Store) -> Result<(Taxonomy, Option<i64>), ListenError> {
    match store.active_taxonomy().await? {
        None => Ok((Taxonomy::embedded().clone(), None)),
        Some(v) => Ok((parse_stored(&v)?, Some(v.version))),
    }
}

/// A stored topic model with the taxonomy it was built with.
pub async fn topic_model_from_stored(store: &Store, s: &StoredModel) -> Result<TopicModel, String> {
    let taxonomy = taxonomy_of(store, model_taxonomy_version(&s.info.metrics))
        .await
        .map_err(|e| e.to_string())?;
    topic_model_on(taxonomy, &s.bytes, s.info.label_count)
}

/// A sentiment model rebuilt from stored bytes.
pub fn sentiment_model_from_bytes(bytes: &[u8], labels: i64) -> Result<SentimentModel, String> {
    let m = Model::from_bytes(bytes).map_err(|e| e.to_string())?;
    SentimentModel::from_model(
        Lexicon::embedded().clone(),
        m,
        usize::try_from(labels).unwrap_or(0),
        SentimentModelConfig::default(),
    )
    .map_err(|e| e.to_string())
}

/// One candidate or current model, whichever kind.
enum Trained {
    Topic(TopicModel),
    Sentiment(SentimentModel),
}

impl Trained {
    fn predict(&self, text: &str) -> String {
        match self {
            Trained::Topic(m) => m.best(&normalize(text).text),
            Trained::Sentiment(m) => m.sentiment(text).label.as_str().to_string(),
        }
    }

    fn bytes(&self) -> Option<Vec<u8>> {
        match self {
            Trained::Topic(m) => m.classifier_model().map(Model::to_bytes),
            Trained::Sentiment(m) => m.classifier_model().map(Model::to_bytes),
        }
    }

    fn macro_f1(&self, held: &[LabelledText]) -> f64 {
        let mut e = Evaluation::new(Vec::new());
        for l in held {
            e.add(&l.value, &self.predict(&l.text));
        }
        e.macro_f1()
    }
}

/// The active model of a kind, or what ships when none is stored (or it cannot be read).
async fn current(store: &Store, kind: ModelKind) -> Result<(Trained, Option<i64>), ListenError> {
    let stored = store.active_model(kind.name()).await?;
    if let Some(s) = stored {
        let (bytes, n, v) = (&s.bytes, s.info.label_count, s.info.version);
        let m = match kind {
            ModelKind::Topic => topic_model_from_stored(store, &s).await.map(Trained::Topic),
            ModelKind::Sentiment => sentiment_model_from_bytes(bytes, n).map(Trained::Sentiment),
        };
        match m {
            Ok(m) => return Ok((m, Some(v))),
            Err(e) => tracing::warn!(model = kind.name(), version = v, error = %e,
                "the active model cannot be read; comparing with the shipped one"),
        }
    }
    Ok((shipped(kind), None))
}

fn shipped(kind: ModelKind) -> Trained {
    match kind {
        ModelKind::Topic => Trained::Topic(TopicModel::seed_only(Taxonomy::embedded().clone())),
        ModelKind::Sentiment => {
            Trained::Sentiment(SentimentModel::lexicon_only(Lexicon::embedded().clone()))
        }
    }
}

fn train(
    kind: ModelKind,
    taxonomy: Taxonomy,
    rows: &[LabelledText],
    opts: &RetrainOptions,
) -> Result<Trained, String> {
    match kind {
        ModelKind::Topic => {
            let texts: Vec<String> = rows.iter().map(|r| normalize(&r.text).text).collect();
            let ex: Vec<Example<'_>> = texts
                .iter()
                .zip(rows)
                .map(|(t, r)| Example {
                    text: t,
                    label: &r.value,
                })
                .collect();
            TopicModel::train(taxonomy, &ex, opts.topic.clone())
                .map(Trained::Topic)
                .map_err(|e| e.to_string())
        }
        ModelKind::Sentiment => {
            let ex: Vec<Example<'_>> = rows
                .iter()
                .map(|r| Example {
                    text: &r.text,
                    label: &r.value,
                })
                .collect();
            SentimentModel::train(Lexicon::embedded().clone(), &ex, opts.sentiment.clone())
                .map(Trained::Sentiment)
                .map_err(|e| e.to_string())
        }
    }
}

/// Retrains the topic and sentiment models from the stored labels, measures them against
/// the current ones on held-out labels, stores them, and activates those that are not worse.
pub async fn retrain(
    store: &Store,
    opts: &RetrainOptions,
) -> Result<Vec<ModelReport>, ListenError> {
    let mut out = Vec::new();
    for kind in ModelKind::ALL {
        if !opts.only.is_empty() && !opts.only.contains(&kind) {
            continue;
        }
        out.push(retrain_one(store, kind, opts, false).await?);
    }
    Ok(out)
}

/// Builds, stores and activates a topic model for the active taxonomy, whatever the
/// held-out measure says (the topics changed, so the current model no longer fits): trained
/// on the labels whose topics the taxonomy still has, or the seed terms alone when none does.
pub async fn rebuild_topic_model(
    store: &Store,
    opts: &RetrainOptions,
) -> Result<ModelReport, ListenError> {
    let opts = RetrainOptions {
        force: true,
        only: vec![ModelKind::Topic],
        ..opts.clone()
    };
    retrain_one(store, ModelKind::Topic, &opts, true).await
}

/// Whether the active topic model was built on another taxonomy than the active one (an
/// activation whose model could not be stored, or a version activated by hand).
pub async fn topic_model_behind_taxonomy(store: &Store) -> Result<bool, ListenError> {
    let taxonomy = store.active_taxonomy().await?.map(|v| v.version);
    let model = store
        .list_models()
        .await?
        .into_iter()
        .find(|m| m.name == ModelKind::Topic.name() && m.active)
        .and_then(|m| model_taxonomy_version(&m.metrics));
    Ok(taxonomy != model)
}

/// `seed_only_fallback`: when there is nothing to learn from, store (and activate) a model of
/// the seed terms alone rather than skipping, so that the new taxonomy is used at once.
async fn retrain_one(
    store: &Store,
    kind: ModelKind,
    opts: &RetrainOptions,
    seed_only_fallback: bool,
) -> Result<ModelReport, ListenError> {
    let t0 = std::time::Instant::now();
    let last_label = store.last_label_id(kind.field()).await?;
    let rows = store.labelled_texts(kind.field()).await?;
    let (taxonomy, taxonomy_version) = match kind {
        ModelKind::Topic => active_taxonomy(store).await?,
        ModelKind::Sentiment => (Taxonomy::embedded().clone(), None),
    };
    // Topic labels must name a topic of the taxonomy (or "other"); a label left over from an
    // older taxonomy (a retired topic) is skipped rather than failing the whole retraining.
    let rows: Vec<LabelledText> = match kind {
        ModelKind::Topic => rows
            .into_iter()
            .filter(|r| r.value == OTHER_ID || taxonomy.index(&r.value).is_some())
            .collect(),
        ModelKind::Sentiment => rows,
    };
    let (held, train_rows): (Vec<LabelledText>, Vec<LabelledText>) = rows
        .iter()
        .cloned()
        .partition(|r| is_held_out(r.item_id, opts.holdout_percent));
    let (cur, previous_version) = current(store, kind).await?;
    let mut report = ModelReport {
        model: kind,
        labels: rows.len(),
        trained_on: train_rows.len(),
        held_out: held.len(),
        previous_version,
        before_macro_f1: None,
        after_macro_f1: None,
        outcome: Outcome::Skipped,
        version: None,
        reason: String::new(),
        seconds: 0.0,
    };
    let distinct: BTreeSet<&str> = train_rows.iter().map(|r| r.value.as_str()).collect();
    if train_rows.is_empty() && seed_only_fallback {
        let info = store
            .save_model(NewModel {
                name: kind.name().to_string(),
                bytes: Vec::new(),
                label_count: 0,
                last_label,
                metrics: json!({
                    "labels": report.labels, "trained_on": 0, "held_out": report.held_out,
                    "previous_version": previous_version, "seed_only": true,
                    TAXONOMY_VERSION_KEY: taxonomy_version,
                }),
                activate: true,
            })
            .await?;
        report.version = Some(info.version);
        report.outcome = Outcome::Activated;
        report.reason = "no label fits the taxonomy yet: the seed terms alone are used".into();
        report.seconds = t0.elapsed().as_secs_f64();
        return Ok(report);
    }
    if train_rows.is_empty() || (kind == ModelKind::Sentiment && distinct.len() < 2) {
        report.reason = format!(
            "not enough labels to learn from ({} to train on, {} distinct values)",
            train_rows.len(),
            distinct.len()
        );
        report.seconds = t0.elapsed().as_secs_f64();
        return Ok(report);
    }
    let opts2 = opts.clone();
    let (candidate, before, after) = tokio::task::spawn_blocking(move || {
        let candidate = train(kind, taxonomy, &train_rows, &opts2)?;
        let before = cur.macro_f1(&held);
        let after = candidate.macro_f1(&held);
        Ok::<_, String>((candidate, before, after))
    })
    .await
    .map_err(|e| StoreError::Invalid {
        what: format!("retraining stopped: {e}"),
    })?
    .map_err(|e| StoreError::Invalid {
        what: format!("cannot train the {} model: {e}", kind.name()),
    })?;
    // For a new taxonomy, a model of its seed terms alone beats keeping the old taxonomy's.
    let Some(bytes) = candidate
        .bytes()
        .or_else(|| seed_only_fallback.then(Vec::new))
    else {
        report.reason = "the labels gave no classifier (a single label value)".into();
        report.seconds = t0.elapsed().as_secs_f64();
        return Ok(report);
    };
    let measurable = report.held_out >= opts.min_held_out;
    if measurable {
        report.before_macro_f1 = Some(before);
        report.after_macro_f1 = Some(after);
    }
    let (activate, reason) = if !measurable && !opts.force {
        (
            false,
            format!(
                "only {} labels held out (at least {} needed to compare); the new model is \
                 stored but not activated",
                report.held_out, opts.min_held_out
            ),
        )
    } else if measurable && after < before && !opts.force {
        (
            false,
            format!(
                "the new model is worse than the current one on held-out labels (macro-F1 \
                 {after:.3} < {before:.3}); it is stored but not activated, the current one stays"
            ),
        )
    } else if measurable && after < before {
        (
            true,
            format!("activated by force although worse (macro-F1 {after:.3} < {before:.3})"),
        )
    } else if measurable {
        (
            true,
            format!("not worse than the current model (macro-F1 {after:.3} ≥ {before:.3})"),
        )
    } else {
        (true, "activated by force without a measurement".to_string())
    };
    let info = store
        .save_model(NewModel {
            name: kind.name().to_string(),
            bytes,
            label_count: i64::try_from(report.trained_on).unwrap_or(i64::MAX),
            last_label,
            metrics: json!({
                "labels": report.labels, "trained_on": report.trained_on,
                "held_out": report.held_out, "holdout_percent": opts.holdout_percent,
                "before_macro_f1": report.before_macro_f1, "after_macro_f1": report.after_macro_f1,
                "previous_version": previous_version, "forced": opts.force,
                TAXONOMY_VERSION_KEY: taxonomy_version,
            }),
            activate,
        })
        .await?;
    report.version = Some(info.version);
    report.outcome = if activate {
        Outcome::Activated
    } else {
        Outcome::Kept
    };
    report.reason = reason;
    report.seconds = t0.elapsed().as_secs_f64();
    Ok(report)
}

/// Loads the active models into `analyzer` when their versions differ from those it has.
/// Returns whether anything changed. A model that cannot be read is logged and skipped (the
/// analyzer keeps what it had).
pub async fn refresh_models(store: &Store, analyzer: &TextAnalyzer) -> Result<bool, ListenError> {
    let active = store.active_model_versions().await?;
    let want = ModelVersions {
        topic: active.iter().find(|(n, _)| n == "topic").map(|x| x.1),
        sentiment: active.iter().find(|(n, _)| n == "sentiment").map(|x| x.1),
    };
    let have = analyzer.versions();
    if want == have {
        return Ok(false);
    }
    let mut got = ModelVersions::default();
    let mut topic = None;
    let mut sentiment = None;
    if want.topic.is_some()
        && let Some(s) = store.active_model("topic").await?
    {
        match topic_model_from_stored(store, &s).await {
            Ok(m) => {
                topic = Some(m);
                got.topic = Some(s.info.version);
            }
            Err(e) => {
                tracing::warn!(version = s.info.version, error = %e, "cannot read the topic model")
            }
        }
    }
    if want.sentiment.is_some()
        && let Some(s) = store.active_model("sentiment").await?
    {
        match sentiment_model_from_bytes(&s.bytes, s.info.label_count) {
            Ok(m) => {
                sentiment = Some(m);
                got.sentiment = Some(s.info.version);
            }
            Err(e) => {
                tracing::warn!(version = s.info.version, error = %e, "cannot read the sentiment model")
            }
        }
    }
    if got == have {
        return Ok(false);
    }
    tracing::info!(topic = ?got.topic, sentiment = ?got.sentiment, "models loaded");
    analyzer.install(topic, sentiment, got);
    Ok(true)
}

/// The shipped analyzer with the active models loaded (the shipped ones when the database
/// cannot be read: analysis goes on).
pub async fn analyzer_with_active_models(store: &Store) -> Arc<TextAnalyzer> {
    let analyzer = Arc::new(TextAnalyzer::default());
    if let Err(e) = refresh_models(store, &analyzer).await {
        tracing::warn!(error = %e, "cannot load the active models; using the shipped ones");
    }
    analyzer
}

/// A worker configuration whose analyzer holds the active models (for one-off drains).
pub async fn worker_config_with_active_models(store: &Store) -> WorkerConfig {
    WorkerConfig {
        analyzer: analyzer_with_active_models(store).await,
        ..WorkerConfig::default()
    }
}

/// Checks for a newly active model every `every` until dropped.
pub async fn follow_models(store: Store, analyzer: Arc<TextAnalyzer>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = refresh_models(&store, &analyzer).await {
            tracing::warn!(error = %e, "cannot check for a new model; retrying later");
        }
    }
}

/// The default worker: the shipped analyzer with the active models, reloaded when another
/// version becomes active.
pub async fn run_worker_following_models(
    store: Store,
    shutdown: impl Future<Output = ()>,
) -> Result<DrainReport, ListenError> {
    let analyzer = analyzer_with_active_models(&store).await;
    let cfg = WorkerConfig {
        analyzer: analyzer.clone(),
        ..WorkerConfig::default()
    };
    let follower = tokio::spawn(follow_models(store.clone(), analyzer, MODEL_CHECK_EVERY));
    let r = run_worker_with(store, cfg, shutdown).await;
    follower.abort();
    r
}

/// When the background retraining runs.
#[derive(Debug, Clone)]
pub struct PeriodicRetrain {
    /// How often to look at the labels.
    pub check_every: Duration,
    /// Retrain as soon as this many labels arrived since the last model…
    pub min_new_labels: i64,
    /// …or, with at least one new label, when the last model is this old.
    pub max_age: Duration,
    pub options: RetrainOptions,
}

impl Default for PeriodicRetrain {
    fn default() -> Self {
        PeriodicRetrain {
            check_every: Duration::from_secs(600),
            min_new_labels: 50,
            max_age: Duration::from_secs(24 * 3600),
            options: RetrainOptions::default(),
        }
    }
}

/// Whether a model kind is due for retraining: enough new labels, or any new label and an
/// old model.
pub async fn retrain_due(
    store: &Store,
    kind: ModelKind,
    p: &PeriodicRetrain,
) -> Result<bool, ListenError> {
    let models = store.list_models().await?;
    let last = models.iter().find(|m| m.name == kind.name());
    let since = last.map_or(0, |m| m.last_label);
    let new = store.labels_since(kind.field(), since).await?;
    if new == 0 {
        return Ok(false);
    }
    let age = last.map(|m| {
        (chrono::Utc::now() - m.trained_at)
            .to_std()
            .unwrap_or_default()
    });
    Ok(new >= p.min_new_labels || age.is_none_or(|a| a >= p.max_age))
}

/// The background retraining of `ykien serve`: every `check_every`, retrains the models that
/// are due (see [`retrain_due`]). Runs until dropped; errors are logged and retried.
pub async fn retrain_periodically(store: Store, p: PeriodicRetrain) {
    let mut tick = tokio::time::interval(p.check_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        // A taxonomy activated without its model (the process stopped in between, or another
        // tool activated it) gets one now.
        match topic_model_behind_taxonomy(&store).await {
            Ok(true) => match rebuild_topic_model(&store, &p.options).await {
                Ok(r) => tracing::info!(version = ?r.version, reason = %r.reason,
                    "topic model rebuilt for the active taxonomy"),
                Err(e) => tracing::warn!(error = %e, "cannot rebuild the topic model"),
            },
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "cannot compare the taxonomy and the topic model"),
        }
        for kind in ModelKind::ALL {
            let due = match retrain_due(&store, kind, &p).await {
                Ok(d) => d,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot check the labels for retraining");
                    continue;
                }
            };
            if !due {
                continue;
            }
            let opts = RetrainOptions {
                only: vec![kind],
                ..p.options.clone()
            };
            match retrain(&store, &opts).await {
                Ok(reports) => {
                    for r in reports {
                        tracing::info!(model = kind.name(), outcome = ?r.outcome,
                            version = ?r.version, before = ?r.before_macro_f1,
                            after = ?r.after_macro_f1, reason = %r.reason, "retrained");
                    }
                }
                Err(e) => tracing::warn!(model = kind.name(), error = %e, "retraining failed"),
            }
        }
    }
}

/// Why a taxonomy text cannot be used, with the 1-based line, as ykien-text says it.
pub fn check_taxonomy(source: &str) -> Result<Taxonomy, ykien_text::topics::TopicsError> {
    Taxonomy::parse(source)
}

/// What saving (and perhaps activating) a taxonomy did.
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomySaved {
    pub version: TaxonomyVersion,
    /// The topic model built for it, when it was activated.
    pub model: Option<ModelReport>,
}

/// Stores a new taxonomy version after checking that it parses (an unreadable text is
/// `Invalid`, naming the line), and activates it if asked (see [`activate_taxonomy`]).
/// Only city administrators and leaders (or the system) may: others are `Forbidden`.
pub async fn save_taxonomy(
    store: &Store,
    actor: Option<&Actor>,
    source: &str,
    note: &str,
    activate: bool,
) -> Result<TaxonomySaved, ListenError> {
    may_edit(actor)?;
    check_taxonomy(source).map_err(|e| StoreError::Invalid {
        what: e.to_string(),
    })?;
    let version = store.save_taxonomy(actor, source, note).await?;
    let model = if activate {
        Some(activate_taxonomy(store, actor, version.version).await?)
    } else {
        None
    };
    let version = store
        .taxonomy_version(version.version)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(TaxonomySaved { version, model })
}

fn may_edit(actor: Option<&Actor>) -> Result<(), ListenError> {
    match actor {
        Some(a) if !ykien_store::may_edit_taxonomy(a) => Err(StoreError::Forbidden {
            what: "only an administrator or leader of the city may change the topic taxonomy"
                .into(),
        }
        .into()),
        _ => Ok(()),
    }
}

/// Makes a stored taxonomy version the active one and builds, stores and activates a topic
/// model for it ([`rebuild_topic_model`]), so that every worker analyses new items with it
/// within [`MODEL_CHECK_EVERY`]. Items already analysed keep their topics.
pub async fn activate_taxonomy(
    store: &Store,
    actor: Option<&Actor>,
    version: i64,
) -> Result<ModelReport, ListenError> {
    may_edit(actor)?;
    let stored = store
        .taxonomy_version(version)
        .await?
        .ok_or(StoreError::NotFound)?;
    parse_stored(&stored)?;
    store.activate_taxonomy(actor, version).await?;
    rebuild_topic_model(store, &RetrainOptions::default()).await
}

/// Display names of every topic id the organization has used: those of the active taxonomy,
/// then those only older versions (or the shipped taxonomy) had, so that items filed under
/// a retired topic still show its name.
#[derive(Debug, Clone, Default)]
pub struct TopicNames {
    names: BTreeMap<String, (String, String)>,
    active: BTreeSet<String>,
}

impl TopicNames {
    /// Names from taxonomies, the one in use first.
    pub fn from_taxonomies<'a>(
        active: &'a Taxonomy,
        older: impl IntoIterator<Item = &'a Taxonomy>,
    ) -> TopicNames {
        let mut n = TopicNames::default();
        for t in &active.topics {
            n.active.insert(t.id.clone());
        }
        for tx in std::iter::once(active).chain(older) {
            for t in &tx.topics {
                n.names
                    .entry(t.id.clone())
                    .or_insert_with(|| (t.name_vi.clone(), t.name_en.clone()));
            }
        }
        n
    }

    /// The Vietnamese (or English) name of a topic id; "Khác"/"Other" for "other"; the id
    /// itself when no taxonomy ever named it.
    pub fn name(&self, id: &str, english: bool) -> String {
        if id == OTHER_ID {
            return if english {
                OTHER_NAME_EN
            } else {
                OTHER_NAME_VI
            }
            .to_string();
        }
        match self.names.get(id) {
            Some((vi, en)) => if english { en } else { vi }.clone(),
            None => id.to_string(),
        }
    }

    /// Whether the id is a topic of the taxonomy in use ("other" always is).
    pub fn is_current(&self, id: &str) -> bool {
        id == OTHER_ID || self.active.contains(id)
    }
}

/// [`TopicNames`] of the active taxonomy, its stored predecessors (newest first) and the
/// shipped one. A stored version that does not parse is skipped.
pub async fn topic_names(store: &Store) -> Result<TopicNames, ListenError> {
    let versions = store.taxonomy_versions().await?;
    let (active, _) = active_taxonomy(store).await?;
    let older: Vec<Taxonomy> = versions
        .iter()
        .filter_map(|v| Taxonomy::parse(&v.source).ok())
        .chain(std::iter::once(Taxonomy::embedded().clone()))
        .collect();
    Ok(TopicNames::from_taxonomies(&active, &older))
}
