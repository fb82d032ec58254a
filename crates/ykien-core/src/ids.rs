use std::fmt;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// The stable id of a unit. Current units use their GSO code ("01", "00004"); legacy units
/// "old:p:01", "old:d:021", "old:c:00611" (their codes collide with current ones);
/// residential areas "<commune>.<n>" ("00004.3").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitId(pub String);

impl UnitId {
    /// Checks the characters only: ids are path segments, so they must never contain '/'.
    pub fn parse(s: &str) -> Result<UnitId, CoreError> {
        let t = s.trim();
        let ok = !t.is_empty()
            && t.len() <= 64
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '-' | '_'));
        if ok {
            Ok(UnitId(t.to_string()))
        } else {
            Err(CoreError::InvalidUnitId(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Legacy units are history: readable by everyone, writable by no one.
    pub fn is_legacy(&self) -> bool {
        self.0.starts_with("old:")
    }
}

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for UnitId {
    fn from(s: &str) -> Self {
        UnitId(s.to_string())
    }
}

/// A user's database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The materialized path of a unit from its ancestors' ids, root first: "/01/00004/".
/// A subtree is then a prefix, which both databases answer with an index range scan.
pub fn path_of<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let mut p = String::from("/");
    for id in ids {
        p.push_str(id);
        p.push('/');
    }
    p
}
