//! Administrative units: loading the embedded tables, scoped reads, residential areas.

use std::collections::HashMap;

use serde_json::json;
use ykien_core::{Actor, Permission, UnitId, can};
use ykien_units::{Generation, Level, Share, UnitKey};

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::model::{LoadReport, SuccessionRow, UnitRow};
use crate::{Store, StoreError};

/// The reform's effective date: current units start, legacy units end.
const REFORM_DATE: &str = "2025-07-01";

macro_rules! unit_cols {
    () => {
        "id, code, name, short, kind, level, generation, parent_id, path, valid_from, valid_to, \
         lat, lon, area_km2"
    };
}

#[derive(sqlx::FromRow)]
pub(crate) struct UnitDb {
    pub(crate) id: String,
    code: String,
    name: String,
    short: String,
    kind: String,
    pub(crate) level: String,
    pub(crate) generation: String,
    parent_id: Option<String>,
    pub(crate) path: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    area_km2: Option<f64>,
}

impl From<UnitDb> for UnitRow {
    fn from(r: UnitDb) -> Self {
        UnitRow {
            id: UnitId(r.id),
            code: r.code,
            name: r.name,
            short: r.short,
            kind: r.kind,
            level: r.level,
            generation: r.generation,
            parent: r.parent_id.map(UnitId),
            path: r.path,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            lat: r.lat,
            lon: r.lon,
            area_km2: r.area_km2,
        }
    }
}

struct Seed {
    id: String,
    code: &'static str,
    name: &'static str,
    short: &'static str,
    kind: &'static str,
    level: &'static str,
    generation: &'static str,
    parent_id: Option<String>,
    path: String,
    valid_from: Option<&'static str>,
    valid_to: Option<&'static str>,
    lat: Option<f64>,
    lon: Option<f64>,
    area_km2: Option<f64>,
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Province => "province",
        Level::District => "district",
        Level::Commune => "commune",
    }
}

/// The embedded tables as rows, parents before children, with materialized paths.
fn seeds() -> Vec<Seed> {
    let data = ykien_units::units();
    let mut paths: HashMap<UnitKey, String> = HashMap::with_capacity(data.units.len());
    let mut out = Vec::with_capacity(data.units.len());
    for u in &data.units {
        let id = u.key().id();
        let parent_path = u.parent.and_then(|p| paths.get(&p).cloned());
        let path = format!("{}{}/", parent_path.as_deref().unwrap_or("/"), id);
        paths.insert(u.key(), path.clone());
        let legacy = u.generation == Generation::Legacy;
        out.push(Seed {
            id,
            code: u.code,
            name: u.name,
            short: u.short,
            kind: u.kind,
            level: level_name(u.level),
            generation: if legacy { "legacy" } else { "current" },
            parent_id: u.parent.map(|p| p.id()),
            path,
            valid_from: if legacy { None } else { Some(REFORM_DATE) },
            valid_to: if legacy { Some(REFORM_DATE) } else { None },
            lat: u.lat,
            lon: u.lon,
            area_km2: u.area_km2,
        });
    }
    out
}

const UPSERT_UNITS_TAIL: &str = " ON CONFLICT (id) DO UPDATE SET code = excluded.code, \
    name = excluded.name, short = excluded.short, kind = excluded.kind, level = excluded.level, \
    generation = excluded.generation, parent_id = excluded.parent_id, path = excluded.path, \
    valid_from = excluded.valid_from, valid_to = excluded.valid_to, lat = excluded.lat, \
    lon = excluded.lon, area_km2 = excluded.area_km2 \
    WHERE units.code IS DISTINCT FROM excluded.code OR units.name IS DISTINCT FROM excluded.name \
    OR units.short IS DISTINCT FROM excluded.short OR units.kind IS DISTINCT FROM excluded.kind \
    OR units.level IS DISTINCT FROM excluded.level \
    OR units.generation IS DISTINCT FROM excluded.generation \
    OR units.parent_id IS DISTINCT FROM excluded.parent_id \
    OR units.path IS DISTINCT FROM excluded.path \
    OR units.valid_from IS DISTINCT FROM excluded.valid_from \
    OR units.valid_to IS DISTINCT FROM excluded.valid_to \
    OR units.lat IS DISTINCT FROM excluded.lat OR units.lon IS DISTINCT FROM excluded.lon \
    OR units.area_km2 IS DISTINCT FROM excluded.area_km2";

const UPSERT_SUCC_TAIL: &str = " ON CONFLICT (old_id, new_id) DO UPDATE SET share = excluded.share \
    WHERE unit_successions.share IS DISTINCT FROM excluded.share";

/// Rows per INSERT: 14 parameters each stays far below both backends' parameter limits.
const BATCH: usize = 500;

impl Store {
    /// Loads (or refreshes) the embedded unit tables and the old→new crosswalk, in one
    /// transaction. Idempotent: a second load of the same tables changes no row and writes no
    /// audit event. Residential areas added by admins are left alone.
    pub async fn load_units(&self) -> Result<LoadReport, StoreError> {
        let seeds = seeds();
        let data = ykien_units::units();
        let succ: Vec<(String, String, &'static str)> = data
            .successions
            .iter()
            .filter(|s| data.get(&s.old).is_some() && data.get(&s.new).is_some())
            .map(|s| {
                let share = if s.share == Share::Full {
                    "full"
                } else {
                    "partial"
                };
                (s.old.id(), s.new.id(), share)
            })
            .collect();
        let mut report = LoadReport {
            units: seeds.len() as u64,
            successions: succ.len() as u64,
            ..LoadReport::default()
        };
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for chunk in seeds.chunks(BATCH) {
                let mut qb =
                    sqlx::QueryBuilder::new(concat!("INSERT INTO units (", unit_cols!(), ") "));
                qb.push_values(chunk, |mut b, s| {
                    b.push_bind(s.id.as_str())
                        .push_bind(s.code)
                        .push_bind(s.name)
                        .push_bind(s.short)
                        .push_bind(s.kind)
                        .push_bind(s.level)
                        .push_bind(s.generation)
                        .push_bind(s.parent_id.as_deref())
                        .push_bind(s.path.as_str())
                        .push_bind(s.valid_from)
                        .push_bind(s.valid_to)
                        .push_bind(s.lat)
                        .push_bind(s.lon)
                        .push_bind(s.area_km2);
                });
                qb.push(UPSERT_UNITS_TAIL);
                report.units_changed += qb.build().execute(&mut *tx).await?.rows_affected();
            }
            for chunk in succ.chunks(BATCH) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO unit_successions (old_id, new_id, share) ",
                );
                qb.push_values(chunk, |mut b, s| {
                    b.push_bind(s.0.as_str())
                        .push_bind(s.1.as_str())
                        .push_bind(s.2);
                });
                qb.push(UPSERT_SUCC_TAIL);
                report.successions_changed += qb.build().execute(&mut *tx).await?.rows_affected();
            }
            if report.units_changed + report.successions_changed > 0 {
                audit!(
                    tx,
                    None::<i64>,
                    "units.load",
                    "units",
                    "*".to_string(),
                    None::<String>,
                    json!({
                        "units": report.units,
                        "units_changed": report.units_changed,
                        "successions": report.successions,
                        "successions_changed": report.successions_changed,
                    })
                )?;
            }
            tx.commit().await?;
        });
        Ok(report)
    }

    pub(crate) async fn unit_raw(&self, id: &str) -> Result<Option<UnitDb>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                unit_cols!(),
                " FROM units WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The unit something new is filed under (an item, a user). A unit missing or outside the
    /// actor's scope answers NotFound alike, so that an actor cannot probe for units it may not
    /// see; only the system (no actor) is told the id is unknown, because its input is an
    /// import or a command line that someone has to correct. Legacy units are refused with
    /// `legacy_hint` (what to do instead), since nothing new may be filed under history.
    pub(crate) async fn unit_to_file_under(
        &self,
        actor: Option<&Actor>,
        unit_id: &str,
        permission: Permission,
        legacy_hint: &str,
        forbidden: &str,
    ) -> Result<UnitDb, StoreError> {
        let unit = match (self.unit_raw(unit_id).await?, actor) {
            (None, None) => return Err(StoreError::invalid(format!("unknown unit {unit_id:?}"))),
            (None, Some(_)) => return Err(StoreError::NotFound),
            (Some(u), Some(a)) if !a.scope().contains(&u.path) => return Err(StoreError::NotFound),
            (Some(u), _) => u,
        };
        if unit.generation == "legacy" {
            return Err(StoreError::invalid(format!(
                "unit {unit_id:?} was abolished on 1 July 2025; {legacy_hint}"
            )));
        }
        if let Some(a) = actor
            && !can(a, permission, &unit.path)
        {
            return Err(StoreError::forbidden(forbidden));
        }
        Ok(unit)
    }

    /// A unit the actor may see: its own subtree, or any legacy unit (history is public).
    pub async fn unit(&self, actor: &Actor, id: &UnitId) -> Result<UnitRow, StoreError> {
        let u = self
            .unit_raw(id.as_str())
            .await?
            .ok_or(StoreError::NotFound)?;
        if u.generation == "legacy" || can(actor, Permission::Read, &u.path) {
            Ok(u.into())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// The direct children of a unit the actor may see.
    pub async fn unit_children(
        &self,
        actor: &Actor,
        id: &UnitId,
    ) -> Result<Vec<UnitRow>, StoreError> {
        let parent = self.unit(actor, id).await?;
        self.children_of(parent.id.as_str()).await
    }

    async fn children_of(&self, id: &str) -> Result<Vec<UnitRow>, StoreError> {
        let rows: Vec<UnitDb> = db!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                unit_cols!(),
                " FROM units WHERE parent_id = $1 ORDER BY code, id"
            ))
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(UnitRow::from).collect())
    }

    /// Unscoped listing for the local command line: the top-level units of a generation, or
    /// the children of `parent` (an id such as "01" or "old:d:001", or a bare code that is
    /// resolved within the chosen generation).
    pub async fn list_units(
        &self,
        parent: Option<&str>,
        legacy: bool,
    ) -> Result<Vec<UnitRow>, StoreError> {
        let generation = if legacy { "legacy" } else { "current" };
        match parent {
            None => {
                let rows: Vec<UnitDb> = db!(self, |pool| {
                    sqlx::query_as(concat!(
                        "SELECT ",
                        unit_cols!(),
                        " FROM units WHERE parent_id IS NULL AND generation = $1 ORDER BY code"
                    ))
                    .bind(generation)
                    .fetch_all(pool)
                    .await?
                });
                Ok(rows.into_iter().map(UnitRow::from).collect())
            }
            Some(p) => {
                let p = p.trim();
                let id: Option<String> = db!(self, |pool| {
                    sqlx::query_scalar(
                        "SELECT id FROM units WHERE generation = $1 AND (id = $2 OR code = $2) \
                         ORDER BY CASE WHEN id = $2 THEN 0 ELSE 1 END, \
                         CASE level WHEN 'province' THEN 0 WHEN 'district' THEN 1 \
                         WHEN 'commune' THEN 2 ELSE 3 END LIMIT 1",
                    )
                    .bind(generation)
                    .bind(p)
                    .fetch_optional(pool)
                    .await?
                });
                let id = id.ok_or(StoreError::NotFound)?;
                self.children_of(&id).await
            }
        }
    }

    /// Where a unit came from or went: successions in which it is the old or the new side.
    pub async fn successions(&self, id: &UnitId) -> Result<Vec<SuccessionRow>, StoreError> {
        let rows: Vec<(String, String, String)> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT old_id, new_id, share FROM unit_successions \
                 WHERE old_id = $1 OR new_id = $1 ORDER BY old_id, new_id",
            )
            .bind(id.as_str())
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(o, n, s)| SuccessionRow {
                old: UnitId(o),
                new: UnitId(n),
                share: s,
            })
            .collect())
    }

    /// Adds a residential area (khu dân cư, thôn, tổ dân phố…) under a current commune or
    /// ward. Admins of the commune or above only (or the system); audited.
    pub async fn create_area(
        &self,
        actor: Option<&Actor>,
        commune: &str,
        name: &str,
        kind: Option<&str>,
    ) -> Result<UnitRow, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::invalid(
                "an area needs a name of 1 to 200 characters",
            ));
        }
        let kind = kind
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .unwrap_or("Khu dân cư");
        let parent = self.unit_raw(commune.trim()).await?;
        let parent = match (parent, actor) {
            (None, None) => {
                return Err(StoreError::invalid(format!(
                    "unknown unit {:?}",
                    commune.trim()
                )));
            }
            (None, Some(_)) => return Err(StoreError::NotFound),
            (Some(p), Some(a)) if !a.scope().contains(&p.path) && p.generation != "legacy" => {
                return Err(StoreError::NotFound);
            }
            (Some(p), _) => p,
        };
        if parent.generation == "legacy" {
            return Err(StoreError::invalid(
                "legacy units are history and cannot be changed",
            ));
        }
        if let Some(a) = actor
            && !can(a, Permission::ManageUnits, &parent.path)
        {
            return Err(StoreError::forbidden("adding residential areas"));
        }
        if parent.level != "commune" {
            return Err(StoreError::invalid(
                "residential areas belong directly under a commune, ward or special zone",
            ));
        }
        let short = name
            .strip_prefix(kind)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(name)
            .to_string();
        let full = if name.starts_with(kind) {
            name.to_string()
        } else {
            format!("{kind} {name}")
        };
        let today = chrono::Utc::now().date_naive().to_string();
        let actor_id = actor.map(|a| a.user_id);
        // Two admins adding areas to one commune at once may pick the same number; the loser
        // of that race retries with the next one.
        let mut attempt = 0;
        let row: UnitDb = loop {
            let r = db!(self, |pool| {
                async {
                    let mut tx = pool.begin_write().await?;
                    // A no-op write to the parent row takes its row lock on PostgreSQL, so
                    // concurrent creators under one commune number their areas one after
                    // the other (SQLite's BEGIN IMMEDIATE already serializes writers).
                    sqlx::query("UPDATE units SET valid_from = valid_from WHERE id = $1")
                        .bind(&parent.id)
                        .execute(&mut *tx)
                        .await?;
                    let n: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM units WHERE parent_id = $1 AND level = 'area'",
                    )
                    .bind(&parent.id)
                    .fetch_one(&mut *tx)
                    .await?;
                    let code = format!("{}.{}", parent.id, n + 1);
                    let path = format!("{}{}/", parent.path, code);
                    let row: UnitDb = sqlx::query_as(concat!(
                        "INSERT INTO units (id, code, name, short, kind, level, generation, parent_id, \
                         path, valid_from) VALUES ($1, $1, $2, $3, $4, 'area', 'current', $5, $6, $7) \
                         RETURNING ",
                        unit_cols!()
                    ))
                    .bind(&code)
                    .bind(&full)
                    .bind(&short)
                    .bind(kind)
                    .bind(&parent.id)
                    .bind(&path)
                    .bind(&today)
                    .fetch_one(&mut *tx)
                    .await?;
                    audit!(
                        tx,
                        actor_id,
                        "unit.create",
                        "unit",
                        code.clone(),
                        Some(path.clone()),
                        json!({ "name": full, "kind": kind, "parent": parent.id })
                    )?;
                    tx.commit().await?;
                    Ok::<_, StoreError>(row)
                }
                .await
            });
            match r {
                Err(StoreError::Conflict { .. }) if attempt < 5 => attempt += 1,
                other => break other?,
            }
        };
        Ok(row.into())
    }
}
