//! The records the store hands out. Plain data with serde, so the web layer can render or
//! serialize them directly.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ykien_core::{Role, UnitId};

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbConfig {
    /// One SQLite file (created if missing), run in WAL mode.
    Sqlite { path: std::path::PathBuf },
    /// A `postgres://` URL.
    Postgres { url: String },
}

impl DbConfig {
    /// The default: `<data_dir>/ykien.db`.
    pub fn in_data_dir(data_dir: &std::path::Path) -> DbConfig {
        DbConfig::Sqlite {
            path: data_dir.join("ykien.db"),
        }
    }

    /// A printable description that never contains a password.
    pub fn describe(&self) -> String {
        match self {
            DbConfig::Sqlite { path } => format!("SQLite {}", path.display()),
            DbConfig::Postgres { url } => {
                let (host, db) = crate::db::pg_host_db(url);
                format!("PostgreSQL {host}/{db}")
            }
        }
    }
}

/// One administrative unit or residential area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRow {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub short: String,
    /// Type word: "Phường", "Xã", "Thành phố", "Khu dân cư"…
    pub kind: String,
    /// "province", "district", "commune" or "area".
    pub level: String,
    /// "current" or "legacy".
    pub generation: String,
    pub parent: Option<UnitId>,
    pub path: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub area_km2: Option<f64>,
}

impl UnitRow {
    pub fn is_legacy(&self) -> bool {
        self.generation == "legacy"
    }
}

/// What [`crate::Store::load_units`] did. A second load of unchanged tables changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LoadReport {
    /// Units in the embedded tables.
    pub units: u64,
    /// Units inserted or updated by this load.
    pub units_changed: u64,
    pub successions: u64,
    pub successions_changed: u64,
}

/// A link from a legacy unit to one of its successors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuccessionRow {
    pub old: UnitId,
    pub new: UnitId,
    /// "full" or "partial".
    pub share: String,
}

/// A member organization of the Front (a dimension present at every level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberOrg {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
}

/// An account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Role,
    pub unit: UnitId,
    pub unit_name: String,
    pub member_org: Option<String>,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
    pub has_password: bool,
}

/// Input for [`crate::Store::create_user`]. E-mail and phone are normalized (lower-case
/// e-mail; phone digits with a leading 0 for +84); at least one is required.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// None: the account cannot sign in with a password until one is set.
    pub password: Option<String>,
    pub role: Role,
    /// A unit id as typed; an unknown one is an error, not a panic.
    pub unit: String,
    pub member_org: Option<String>,
}

/// An API token as listed; the secret itself is shown once, at creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub user_id: i64,
    pub label: String,
    /// The first characters of the token, to recognise it in a list.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A signed-in browser session. `id` is the cookie value (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// One row of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// None: the system (command line, loader).
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub unit_path: Option<String>,
    pub details: serde_json::Value,
}

pub(crate) fn ts(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

pub(crate) fn now() -> i64 {
    Utc::now().timestamp()
}
