//! The working calendar's announced adjustments (bridging days off, weekend days worked in
//! exchange), which no rule can predict. They are city-wide, so only an administrator of a
//! province-level unit (or the local command line) may change them; everyone may read them,
//! because deadlines shown to everyone depend on them.

use chrono::NaiveDate;
use serde_json::json;
use ykien_core::calendar::{Adjustment, DayKind, WorkCalendar};
use ykien_core::{Actor, Role};

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::model::now;
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct DayDb {
    day: String,
    kind: String,
    name: String,
}

impl TryFrom<DayDb> for Adjustment {
    type Error = StoreError;
    fn try_from(r: DayDb) -> Result<Self, StoreError> {
        let day = NaiveDate::parse_from_str(&r.day, "%Y-%m-%d")
            .map_err(|_| StoreError::invalid(format!("bad calendar day {:?}", r.day)))?;
        let kind = DayKind::parse(&r.kind)
            .ok_or_else(|| StoreError::invalid(format!("bad calendar kind {:?}", r.kind)))?;
        Ok(Adjustment {
            day,
            kind,
            name: r.name,
        })
    }
}

/// Province-level administrators (one unit below the root) and the system.
fn may_change(actor: Option<&Actor>) -> Result<(), StoreError> {
    match actor {
        None => Ok(()),
        Some(a) if a.role == Role::Admin && a.unit_path.matches('/').count() <= 2 => Ok(()),
        Some(_) => Err(StoreError::forbidden(
            "only a city administrator may change the working calendar",
        )),
    }
}

impl Store {
    /// Every announced adjustment, in date order.
    pub async fn calendar_adjustments(&self) -> Result<Vec<Adjustment>, StoreError> {
        let rows: Vec<DayDb> = db!(self, |pool| {
            sqlx::query_as("SELECT day, kind, name FROM calendar_days ORDER BY day")
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(Adjustment::try_from).collect()
    }

    /// The calendar deadlines are counted in: the statutory holidays plus the adjustments.
    pub async fn work_calendar(&self) -> Result<WorkCalendar, StoreError> {
        Ok(WorkCalendar::new(self.calendar_adjustments().await?))
    }

    /// Records (or replaces) an adjustment for one day; audited. Deadlines already set keep
    /// their date: the calendar applies to deadlines computed from now on.
    pub async fn set_calendar_day(
        &self,
        actor: Option<&Actor>,
        adj: &Adjustment,
    ) -> Result<(), StoreError> {
        may_change(actor)?;
        if adj.name.trim().is_empty() {
            return Err(StoreError::invalid("a calendar day needs a name"));
        }
        let day = adj.day.format("%Y-%m-%d").to_string();
        let by = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM calendar_days WHERE day = $1")
                .bind(&day)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO calendar_days (day, kind, name, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&day)
            .bind(adj.kind.as_str())
            .bind(adj.name.trim())
            .bind(by)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            let details = json!({ "kind": adj.kind.as_str(), "name": adj.name.trim() });
            audit!(
                tx,
                by,
                "calendar.set",
                "calendar_day",
                &day,
                None::<String>,
                details
            )?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Removes the adjustment of one day, so the rules decide it again; audited.
    pub async fn remove_calendar_day(
        &self,
        actor: Option<&Actor>,
        day: NaiveDate,
    ) -> Result<(), StoreError> {
        may_change(actor)?;
        let day = day.format("%Y-%m-%d").to_string();
        let by = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let gone = sqlx::query("DELETE FROM calendar_days WHERE day = $1")
                .bind(&day)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if gone == 0 {
                return Err(StoreError::NotFound);
            }
            audit!(
                tx,
                by,
                "calendar.remove",
                "calendar_day",
                &day,
                None::<String>,
                json!({})
            )?;
            tx.commit().await?;
        });
        Ok(())
    }
}
