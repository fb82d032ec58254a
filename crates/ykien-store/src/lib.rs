//! ykien's storage: one [`Store`] over SQLite (the default, one file in the data directory)
//! or PostgreSQL (for scale-out), with the same embedded, versioned schema on both.
//!
//! Every read or write of a unit-bound record takes the acting [`Actor`] and is confined to
//! the subtree of the actor's unit here, in the store, so no handler can forget to filter;
//! a record outside that subtree answers [`StoreError::NotFound`], exactly like a missing one.
//! Methods taking `Option<&Actor>` accept `None` for the system itself (the local command line,
//! the loader), which is unscoped and audited with no actor. Every change to accounts and units
//! writes its audit row in the same transaction as the change.

mod alerts;
mod audit;
mod authored;
mod calendar;
mod cases;
mod db;
mod error;
mod group_commit;
mod items;
mod jobs;
mod labels;
mod model;
mod models;
mod receipts;
mod search;
mod secret;
mod sessions;
mod tokens;
mod units;
mod users;

pub use alerts::{
    Alert, AlertChannel, AlertDetail, AlertFilter, AlertItemSummary, AlertKind, AlertRule,
    AlertSeverity, AlertStatus, AttemptOutcome, ChannelKind, Delivery, DeliveryJob, EvalItem,
    Lease, NewAlert, NewAlertChannel, NewRule, RuleKind,
};
pub use attachments::{
    Attachment, DEFAULT_MAX_PHOTO_BYTES, DEFAULT_MAX_PHOTOS_PER_ITEM, NewAttachment, sha256_hex,
    sniff_image,
};
pub use cases::{
    Case, CaseComment, CaseDetail, CaseFilter, CaseStatus, NewCase, Severity, Transition,
};
pub use db::SCHEMA_VERSION;
pub use error::StoreError;
pub use imports::{
    DEFAULT_MAX_IMPORT_BYTES, IMPORT_FORMATS, Import, ImportFailure, ImportProgress,
    ImportRowError, MAX_KEPT_ERRORS, NewImport, may_import,
};
pub use items::{
    ANALYZE_JOB, Channel, Confidentiality, Heard, Item, MAX_TEXT_BYTES, NewItem, OpinionReport,
    Submitted, content_hash,
};
pub use jobs::{AnalysisRecord, Failure, Job, QueueStats};
pub use labels::{Label, LabelField, LabelValue, LabelledText, SENTIMENT_VALUES, SPAM_VALUES};
pub use model::{
    AuditEvent, DbConfig, LoadReport, MemberOrg, NewUser, Session, SuccessionRow, TokenInfo,
    UnitRow, User,
};
pub use models::{MODEL_NAMES, ModelInfo, NewModel, StoredModel};
pub use receipts::{CITIZEN_SOURCE, ReceiptStatus};
pub use search::{SearchHit, SearchQuery, query_words};
mod attachments;
mod imports;
pub use feeds::{ClaimedSource, Fetch, FetchOutcome, FetchResult, NewSource, Source, SourceKind};
mod feeds;
pub use ykien_core::{Actor, Role, UnitId};

use db::{Db, db};

/// The database, whichever backend. Cheap to clone (it holds a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    /// Single items waiting to be written together (SQLite), see [`group_commit`].
    intake: std::sync::Arc<items::IntakeQueue>,
}

impl Store {
    /// Connects, refuses a schema newer than this binary, and applies pending migrations.
    pub async fn open(cfg: &DbConfig) -> Result<Store, StoreError> {
        Ok(Store {
            db: db::open(cfg).await?,
            intake: Default::default(),
        })
    }

    /// "sqlite" or "postgres".
    pub fn backend_name(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        db!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes every connection (SQLite then checkpoints its WAL). Clones become unusable.
    pub async fn close(&self) {
        db!(self, |pool| pool.close().await)
    }

    /// A consistent copy of a SQLite database, safe while the server is running
    /// (`VACUUM INTO`). The target must not exist. PostgreSQL has its own tools.
    pub async fn backup_to(&self, target: &std::path::Path) -> Result<(), StoreError> {
        match &self.db {
            Db::Sqlite(pool) => {
                if tokio::fs::try_exists(target).await? {
                    return Err(StoreError::invalid(format!(
                        "{} already exists; choose a new file name",
                        target.display()
                    )));
                }
                if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                    tokio::fs::create_dir_all(dir).await?;
                }
                let t = target.to_str().ok_or_else(|| {
                    StoreError::invalid("the backup path is not valid UTF-8".to_string())
                })?;
                sqlx::query("VACUUM INTO $1").bind(t).execute(pool).await?;
                db::restrict_to_owner(target).await
            }
            Db::Postgres(_) => Err(StoreError::invalid(
                "backups of a PostgreSQL database are made with pg_dump (or the provider's \
                 snapshots); `ykien backup` copies the embedded SQLite database only",
            )),
        }
    }
}
// --- officers' workspace: one module per area (each adds its own `pub use` below it) ---
mod dashboard;
pub use dashboard::{
    AlertFigures, BreakdownRow, CaseFigures, Change, ChildFigures, Dashboard, DashboardQuery,
    FeedFigures, Keyed, MAX_DASHBOARD_DAYS,
};
mod cases_board;
mod taxonomy;
pub use cases_board::{
    Assignee, AssigneeFilter, Board, BoardCase, BoardColumn, BoardFilter, CaseView, Due, Forwarded,
    TimelineEntry, TimelineEvent, WorkingDays,
};
pub use taxonomy::{MAX_TAXONOMY_BYTES, TaxonomyVersion, may_edit_taxonomy};
mod item_list;
pub use item_list::{
    FACET_CAP, FacetCount, Facets, ItemCase, ItemFilter, ItemPage, ItemPlace, MAX_BARE_PAGE,
    MAX_OFFSET, MAX_PAGE, STATUS_VALUES,
};
mod admin;
pub use admin::UnitCount;
// --- reports and reporting cycles (issue 7) ---
mod reports;
pub use reports::{
    MAX_REPORT_BYTES, NewReport, RegisterEntry, Report, ReportFilter, ReportKind, ReportStatus,
    register_year,
};
mod cycles;
pub use cycles::{
    APP_CHANNEL, Completion, CyclePeriod, CycleStatus, EMAIL_CHANNEL, MAX_REMINDER_ATTEMPTS,
    MyCycle, RETRY_AFTER_SECS, Reminder, ReminderClaim, Roster, RosterEntry, RosterGroup,
    STALE_CLAIM_SECS, UnitCompletion,
};
