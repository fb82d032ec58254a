use serde::{Deserialize, Serialize};

use crate::{Role, UnitId};

/// Who performs an action: a signed-in user, resolved by the store with its unit's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub unit: UnitId,
    /// Materialized path of the actor's unit ("/01/00004/"), see [`crate::path_of`].
    pub unit_path: String,
}

impl Actor {
    pub fn scope(&self) -> Scope {
        Scope::of(self)
    }
}

/// The part of the unit tree an actor works in: the subtree of its own unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    root: String,
}

impl Scope {
    pub fn of(actor: &Actor) -> Scope {
        Scope::at(&actor.unit_path)
    }

    /// A scope rooted at a unit path; a path without its trailing '/' is completed so that
    /// "/01" never matches "/010/".
    pub fn at(unit_path: &str) -> Scope {
        let mut root = unit_path.to_string();
        if !root.ends_with('/') {
            root.push('/');
        }
        if !root.starts_with('/') {
            root.insert(0, '/');
        }
        Scope { root }
    }

    pub fn root(&self) -> &str {
        &self.root
    }

    pub fn contains(&self, unit_path: &str) -> bool {
        unit_path.starts_with(&self.root)
    }

    /// Half-open range `[lo, hi)` of paths in this subtree under byte-wise ordering ('/' + 1
    /// is '0'), for an index range scan instead of a LIKE that SQLite cannot index.
    pub fn range(&self) -> (String, String) {
        let lo = self.root.clone();
        let mut hi = self.root[..self.root.len() - 1].to_string();
        hi.push('0');
        (lo, hi)
    }
}

/// What an actor wants to do to something in a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See a unit and the records bound to it.
    Read,
    /// Create or change units below one's own (residential areas).
    ManageUnits,
    /// See the accounts of a unit.
    ReadUsers,
    /// Create, change or disable accounts, issue and revoke their API tokens.
    ManageUsers,
    /// Read the audit log of a subtree.
    ReadAudit,
    /// File a report (collaborators and above).
    Report,
    /// Triage items, run cases.
    Handle,
    /// Write and publish content.
    Publish,
}

/// Whether `actor` may do `perm` to something bound to the unit at `unit_path`. Outside the
/// actor's subtree the answer is always no; the store then answers "not found", so that a
/// record's existence is not revealed.
pub fn can(actor: &Actor, perm: Permission, unit_path: &str) -> bool {
    if !actor.scope().contains(unit_path) {
        return false;
    }
    use Permission::*;
    use Role::*;
    match perm {
        Read => true,
        ManageUnits | ManageUsers => actor.role == Admin,
        ReadUsers | ReadAudit => matches!(actor.role, Admin | Leader),
        Report => actor.role != Viewer,
        Handle => matches!(actor.role, Admin | Leader | Officer),
        Publish => matches!(actor.role, Admin | Leader | Editor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn actor(role: Role, path: &str) -> Actor {
        Actor {
            user_id: 1,
            name: "t".into(),
            role,
            unit: UnitId("x".into()),
            unit_path: path.into(),
        }
    }

    #[test]
    fn city_sees_wards_ward_does_not_see_siblings_or_parent() {
        let city = actor(Role::Viewer, "/01/");
        let ward = actor(Role::Admin, "/01/00004/");
        assert!(can(&city, Permission::Read, "/01/00004/"));
        assert!(can(&ward, Permission::Read, "/01/00004/00004.1/"));
        assert!(!can(&ward, Permission::Read, "/01/00008/"));
        assert!(!can(&ward, Permission::Read, "/01/"));
        assert!(!can(&city, Permission::Read, "/010/"));
        assert!(!can(&city, Permission::ManageUsers, "/01/00004/"));
        assert!(can(&ward, Permission::ManageUsers, "/01/00004/"));
    }

    fn seg() -> impl Strategy<Value = String> {
        "[0-9a-z:.]{1,6}"
    }

    proptest! {
        #[test]
        fn scope_contains_exactly_its_descendants(
            a in prop::collection::vec(seg(), 1..4),
            b in prop::collection::vec(seg(), 1..4),
        ) {
            let pa = crate::path_of(a.iter().map(String::as_str));
            let pb = crate::path_of(b.iter().map(String::as_str));
            let is_desc = b.len() >= a.len() && b[..a.len()] == a[..];
            let s = Scope::at(&pa);
            prop_assert_eq!(s.contains(&pb), is_desc);
            let (lo, hi) = s.range();
            let in_range = pb.as_str() >= lo.as_str() && pb.as_str() < hi.as_str();
            prop_assert_eq!(in_range, is_desc);
        }
    }
}
