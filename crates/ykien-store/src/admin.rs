//! Reads for the administration pages that no other module offers: the unit tree of the
//! actor's subtree with how many items and accounts each unit holds, in one query, so the
//! units page stays fast on a whole province.

use serde::Serialize;
use ykien_core::{Actor, Permission, UnitId, can};

use crate::db::db;
use crate::{Store, StoreError};

/// A unit of the tree as the units page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UnitCount {
    pub id: String,
    pub name: String,
    /// Type word: "Phường", "Xã", "Khu dân cư"…
    pub kind: String,
    /// "province", "district", "commune" or "area".
    pub level: String,
    pub path: String,
    /// Items filed directly in this unit (not its subtree).
    pub items: i64,
    /// Accounts of this unit.
    pub users: i64,
}

impl UnitCount {
    pub fn unit_id(&self) -> UnitId {
        UnitId(self.id.clone())
    }

    /// Depth below the root of the tree the list starts at (0 for the root).
    pub fn depth_below(&self, root_path: &str) -> usize {
        self.path
            .strip_prefix(root_path)
            .map(|rest| rest.matches('/').count())
            .unwrap_or(0)
    }
}

impl Store {
    /// The current units of the actor's subtree in tree order (by path), each with its own
    /// counts of items and accounts. Admins only (they manage units); the system sees all.
    pub async fn unit_tree_counts(
        &self,
        actor: Option<&Actor>,
    ) -> Result<Vec<UnitCount>, StoreError> {
        let (lo, hi) = match actor {
            Some(a) => {
                if !can(a, Permission::ManageUnits, &a.unit_path) {
                    return Err(StoreError::forbidden("managing units"));
                }
                a.scope().range()
            }
            None => ("/".to_string(), "0".to_string()),
        };
        let rows: Vec<UnitCount> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT u.id, u.name, u.kind, u.level, u.path, \
                 (SELECT COUNT(*) FROM items i WHERE i.unit_id = u.id) AS items, \
                 (SELECT COUNT(*) FROM users us WHERE us.unit_id = u.id) AS users \
                 FROM units u WHERE u.generation = 'current' AND u.path >= $1 AND u.path < $2 \
                 ORDER BY u.path",
            )
            .bind(&lo)
            .bind(&hi)
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }
}
