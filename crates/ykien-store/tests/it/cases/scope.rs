//! Scope: for every role, its own subtree is visible, anything else answers NotFound exactly
//! like a missing record, and legacy units (history) are readable by all but writable by none.

use ykien_core::{Role, UnitId};
use ykien_store::StoreError;

use crate::harness::{TestDb, new_user};

const WARD: &str = "00004"; // Phường Ba Đình, Hà Nội
const SIBLING: &str = "00008"; // Phường Ngọc Hà, Hà Nội

fn nf<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) {
    assert!(
        matches!(r, Err(StoreError::NotFound)),
        "{what}: expected NotFound, got {r:?}"
    );
}

pub async fn scope_every_role_on_units(t: &TestDb) {
    let s = t.with_units().await;
    let other = s.list_units(Some("04"), false).await.unwrap(); // Cao Bằng
    let far = other.first().expect("Cao Bằng has communes").id.clone();
    s.create_area(None, WARD, "Tổ 1", None).await.unwrap();
    s.create_area(None, SIBLING, "Tổ 1", None).await.unwrap();
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let ward = t.actor(role, WARD, &format!("w{i}@x.vn")).await;
        let city = t.actor(role, "01", &format!("c{i}@x.vn")).await;
        let id = |s: &str| UnitId::from(s);
        // own unit and its subtree
        assert_eq!(
            s.unit(&ward, &id(WARD)).await.unwrap().name,
            "Phường Ba Đình"
        );
        assert_eq!(s.unit(&ward, &id("00004.1")).await.unwrap().level, "area");
        let kids = s.unit_children(&ward, &id(WARD)).await.unwrap();
        assert!(kids.iter().any(|k| k.id.as_str() == "00004.1"));
        assert!(kids.iter().all(|k| k.parent.as_ref() == Some(&id(WARD))));
        // siblings, parents, other provinces, their areas: not found
        nf(s.unit(&ward, &id(SIBLING)).await, "sibling ward");
        nf(s.unit(&ward, &id("00008.1")).await, "sibling's area");
        nf(
            s.unit_children(&ward, &id(SIBLING)).await,
            "sibling's children",
        );
        nf(s.unit(&ward, &id("01")).await, "own province from a ward");
        nf(s.unit(&ward, &far).await, "another province");
        nf(s.unit(&city, &far).await, "another province from the city");
        nf(s.unit(&ward, &id("no-such-unit")).await, "missing unit");
        // the city sees every ward and their areas
        assert_eq!(s.unit(&city, &id(SIBLING)).await.unwrap().code, SIBLING);
        assert_eq!(s.unit(&city, &id("00008.1")).await.unwrap().level, "area");
        assert_eq!(s.unit_children(&city, &id("01")).await.unwrap().len(), 126);
        // history is public
        assert_eq!(
            s.unit(&ward, &id("old:p:01")).await.unwrap().generation,
            "legacy"
        );
        assert_eq!(
            s.unit_children(&ward, &id("old:p:01")).await.unwrap().len(),
            30
        );
        // writes: areas only by admins, only in scope, never under legacy units
        let r = s.create_area(Some(&ward), SIBLING, "x", None).await;
        nf(r, "area in a sibling ward");
        let r = s.create_area(Some(&city), "old:c:00001", "x", None).await;
        assert!(
            matches!(r, Err(StoreError::Invalid { .. })),
            "legacy is read-only: {r:?}"
        );
        let r = s
            .create_area(Some(&ward), WARD, &format!("Tổ {role}"), None)
            .await;
        if role == Role::Admin {
            assert!(r.is_ok(), "{role}: {r:?}");
        } else {
            assert!(
                matches!(r, Err(StoreError::Forbidden { .. })),
                "{role}: {r:?}"
            );
        }
    }
}

pub async fn scope_every_role_on_users_tokens_audit(t: &TestDb) {
    let s = t.with_units().await;
    let sib_admin = t.actor(Role::Admin, SIBLING, "admin@ngocha.vn").await;
    let (_, sib_token) = s
        .create_token(None, sib_admin.user_id, "sib")
        .await
        .unwrap();
    s.create_area(None, SIBLING, "Tổ 9", None).await.unwrap();
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let ward = t.actor(role, WARD, &format!("w{i}@x.vn")).await;
        let city = t.actor(role, "01", &format!("c{i}@x.vn")).await;
        let reads_users = matches!(role, Role::Admin | Role::Leader);

        // listing users: admins and leaders, their subtree only
        match s.list_users(Some(&ward)).await {
            Ok(list) => {
                assert!(reads_users, "{role} may not list users");
                assert!(list.iter().any(|u| u.id == ward.user_id));
                assert!(
                    list.iter().all(|u| u.unit.as_str() == WARD),
                    "{role}: {list:?}"
                );
            }
            Err(e) => {
                assert!(!reads_users, "{role}: {e}");
                assert!(matches!(e, StoreError::Forbidden { .. }));
            }
        }
        if reads_users {
            let all = s.list_users(Some(&city)).await.unwrap();
            assert!(
                all.iter().any(|u| u.id == sib_admin.user_id),
                "city sees wards' users"
            );
        }
        // one user: oneself always; out of scope NotFound for every role
        assert_eq!(
            s.user(Some(&ward), ward.user_id).await.unwrap().id,
            ward.user_id
        );
        nf(
            s.user(Some(&ward), sib_admin.user_id).await,
            "user of a sibling ward",
        );
        nf(s.user(Some(&ward), 999_999).await, "missing user");
        // creating users: admins in scope only
        let r = s
            .create_user(
                Some(&ward),
                new_user("n", Some(&format!("n{i}@sib.vn")), SIBLING, Role::Viewer),
            )
            .await;
        nf(r, "user in a sibling ward");
        let r = s
            .create_user(
                Some(&ward),
                new_user("n", Some(&format!("n{i}@own.vn")), WARD, Role::Viewer),
            )
            .await;
        if role == Role::Admin {
            assert!(r.is_ok(), "{r:?}");
        } else {
            assert!(
                matches!(r, Err(StoreError::Forbidden { .. })),
                "{role}: {r:?}"
            );
        }
        // tokens: one's own always; others' only for admins in scope
        let (plain, own) = s
            .create_token(Some(&ward), ward.user_id, "mine")
            .await
            .unwrap();
        assert!(s.authenticate_token(&plain).await.unwrap().is_some());
        nf(
            s.create_token(Some(&ward), sib_admin.user_id, "x").await,
            "token for a sibling's user",
        );
        nf(
            s.list_tokens(Some(&ward), sib_admin.user_id).await,
            "tokens of a sibling's user",
        );
        nf(
            s.revoke_token(Some(&ward), sib_token.id).await,
            "revoke a sibling's token",
        );
        let r = s.revoke_token(Some(&city), own.id).await;
        if role == Role::Admin {
            assert!(r.is_ok());
        } else {
            assert!(
                matches!(r, Err(StoreError::Forbidden { .. })),
                "{role}: {r:?}"
            );
        }
        s.revoke_token(Some(&ward), own.id).await.unwrap();
        // audit: admins and leaders, their subtree only
        match s.audit_tail(Some(&ward), 1000).await {
            Ok(events) => {
                assert!(reads_users);
                assert!(!events.is_empty());
                assert!(
                    events.iter().all(|e| e
                        .unit_path
                        .as_deref()
                        .is_some_and(|p| p.starts_with("/01/00004/"))),
                    "{role} sees only its ward's events"
                );
            }
            Err(e) => {
                assert!(!reads_users, "{role}: {e}");
                assert!(matches!(e, StoreError::Forbidden { .. }));
            }
        }
        if reads_users {
            let events = s.audit_tail(Some(&city), 1000).await.unwrap();
            assert!(
                events
                    .iter()
                    .any(|e| e.unit_path.as_deref() == Some("/01/00008/00008.1/"))
            );
            assert!(
                events.iter().all(|e| e.action != "units.load"),
                "system events stay system"
            );
        }
    }
    // the sibling's token was never revoked by anyone out of scope
    let live = s.list_tokens(None, sib_admin.user_id).await.unwrap();
    assert!(
        live.iter()
            .any(|x| x.id == sib_token.id && x.revoked_at.is_none())
    );
}

/// On the real tree: for actors at a province, communes and an area, `unit` answers exactly
/// for the units whose path lies under the actor's (plus legacy units), and NotFound otherwise.
pub async fn scope_matches_the_tree_for_sampled_pairs(t: &TestDb) {
    let s = t.with_units().await;
    s.create_area(None, "00004", "Tổ 1", None).await.unwrap();
    let mut all: Vec<(String, String, bool)> = Vec::new();
    for p in s.list_units(None, false).await.unwrap() {
        for c in s.list_units(Some(p.id.as_str()), false).await.unwrap() {
            all.push((c.id.0.clone(), c.path.clone(), false));
        }
        all.push((p.id.0.clone(), p.path.clone(), false));
    }
    all.push(("00004.1".into(), "/01/00004/00004.1/".into(), false));
    for l in s.list_units(None, true).await.unwrap() {
        all.push((l.id.0.clone(), l.path.clone(), true));
    }
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let homes = ["01", "00004", "00008", "00004.1", "79"];
    for (i, home) in homes.iter().enumerate() {
        let role = Role::ALL[i % Role::ALL.len()];
        let actor = t.actor(role, home, &format!("p{i}@x.vn")).await;
        let mut checked = 0;
        for k in 0..400 {
            // half of the targets near home (same province), half anywhere
            let (id, path, legacy) = if k % 2 == 0 {
                let near: Vec<_> = all
                    .iter()
                    .filter(|u| u.1.starts_with(&actor.unit_path[..4]))
                    .collect();
                near[next(near.len())].clone()
            } else {
                all[next(all.len())].clone()
            };
            let visible = legacy || path.starts_with(&actor.unit_path);
            let r = s.unit(&actor, &UnitId(id.clone())).await;
            match (visible, r) {
                (true, Ok(u)) => assert_eq!(u.path, path),
                (false, Err(StoreError::NotFound)) => {}
                (v, r) => panic!("{home} → {id}: visible={v}, got {r:?}"),
            }
            checked += 1;
        }
        assert_eq!(checked, 400);
    }
}
