//! What the JSON API and the templates show: built from store rows, never the rows themselves,
//! so a new column in the database is not published by accident.

use serde::Serialize;
use utoipa::ToSchema;

/// An administrative unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "00004", "name": "Phường Ba Đình", "kind": "Phường", "parent": "01", "parent_name": "Thành phố Hà Nội", "legacy": false}))]
pub struct UnitView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub parent: Option<String>,
    /// The parent's official name. Unit names are public reference data, so this is shown
    /// even when the parent itself is outside the actor's scope.
    pub parent_name: Option<String>,
    pub legacy: bool,
}

/// The caller: its account, role and unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"user_id": 7, "name": "Nguyễn Văn An", "role": "officer", "unit": "00004"}))]
pub struct Me {
    pub user_id: i64,
    pub name: String,
    pub role: String,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitWithChildren {
    pub unit: UnitView,
    pub children: Vec<UnitView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
}
