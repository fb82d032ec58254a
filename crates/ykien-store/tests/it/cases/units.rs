use std::time::Instant;

use ykien_core::{Role, UnitId};
use ykien_store::StoreError;

use crate::harness::TestDb;

pub async fn units_load_counts_and_is_idempotent(t: &TestDb) {
    let started = Instant::now();
    let r = t.store.load_units().await.expect("first load");
    let first = started.elapsed();
    eprintln!(
        "{}: first load of {} units took {first:?}",
        t.store.backend_name(),
        r.units
    );
    assert_eq!(r.units_changed, r.units, "first load inserts every unit");
    assert!(r.successions_changed > 10_000);
    let n = |gen_, level| {
        format!("SELECT COUNT(*) FROM units WHERE generation = '{gen_}' AND level = '{level}'")
    };
    assert_eq!(t.count(&n("current", "province")).await, 34);
    assert_eq!(t.count(&n("current", "commune")).await, 3321);
    assert_eq!(t.count(&n("legacy", "province")).await, 63);
    assert_eq!(t.count(&n("legacy", "district")).await, 696);
    assert!(t.count(&n("legacy", "commune")).await > 10_000);
    let total = t.count("SELECT COUNT(*) FROM units").await;
    assert_eq!(total as u64, r.units);
    // validity dates: legacy units end on the reform date, current ones start on it
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM units WHERE generation = 'legacy' AND valid_to <> '2025-07-01'"
        )
        .await,
        0
    );
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM units WHERE generation = 'current' AND valid_from <> '2025-07-01'"
        )
        .await,
        0
    );

    let started = Instant::now();
    let again = t.store.load_units().await.expect("second load");
    eprintln!(
        "{}: second load took {:?}",
        t.store.backend_name(),
        started.elapsed()
    );
    assert_eq!(again.units_changed, 0);
    assert_eq!(again.successions_changed, 0);
    assert_eq!(t.count("SELECT COUNT(*) FROM units").await, total);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'units.load'")
            .await,
        1
    );

    // a changed name is repaired by the next load, and only that row changes
    t.exec("UPDATE units SET name = 'tampered' WHERE id = '00004'")
        .await
        .unwrap();
    let fix = t.store.load_units().await.unwrap();
    assert_eq!(fix.units_changed, 1);
    assert_eq!(
        t.text("SELECT name FROM units WHERE id = '00004'")
            .await
            .as_deref(),
        Some("Phường Ba Đình")
    );
}

pub async fn units_list_for_cli(t: &TestDb) {
    let s = t.with_units().await;
    let provinces = s.list_units(None, false).await.unwrap();
    assert_eq!(provinces.len(), 34);
    assert!(
        provinces
            .iter()
            .all(|p| p.parent.is_none() && p.level == "province")
    );
    let hanoi = s.list_units(Some("01"), false).await.unwrap();
    assert_eq!(hanoi.len(), 126);
    assert!(
        hanoi
            .iter()
            .all(|u| u.parent.as_ref().map(UnitId::as_str) == Some("01"))
    );
    assert!(
        hanoi
            .iter()
            .all(|u| u.path.starts_with("/01/") && u.level == "commune")
    );
    let json = serde_json::to_value(&hanoi).unwrap();
    let first = &json.as_array().unwrap()[0];
    for key in ["id", "code", "name", "kind", "parent"] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert!(
        hanoi
            .iter()
            .any(|u| u.name == "Phường Ba Đình" && u.kind == "Phường")
    );

    assert_eq!(s.list_units(None, true).await.unwrap().len(), 63);
    let old_hanoi = s.list_units(Some("01"), true).await.unwrap();
    assert_eq!(
        old_hanoi.len(),
        30,
        "Hà Nội had 30 districts before the reform"
    );
    assert!(
        old_hanoi
            .iter()
            .all(|u| u.id.as_str().starts_with("old:d:"))
    );
    let ba_dinh = s.list_units(Some("old:d:001"), true).await.unwrap();
    assert!(ba_dinh.iter().any(|u| u.name == "Phường Trúc Bạch"));
    assert!(matches!(
        s.list_units(Some("99"), false).await,
        Err(StoreError::NotFound)
    ));
    // a viewer at the city sees the same 126 children through the scoped API
    let viewer = t.actor(Role::Viewer, "01", "viewer@city.vn").await;
    assert_eq!(
        s.unit_children(&viewer, &UnitId::from("01"))
            .await
            .unwrap()
            .len(),
        126
    );
}

pub async fn successions_cover_split_units(t: &TestDb) {
    let s = t.with_units().await;
    // an old commune split between several successors
    let split = t
        .count(
            "SELECT COUNT(*) FROM (SELECT old_id FROM unit_successions \
             GROUP BY old_id HAVING COUNT(*) > 1) x",
        )
        .await;
    assert!(split > 0, "some legacy units have several successors");
    assert!(
        t.count("SELECT COUNT(*) FROM unit_successions WHERE share = 'partial'")
            .await
            > 0
    );
    let old_id = t
        .text("SELECT id FROM units WHERE generation = 'legacy' AND name = 'Phường Thụy Phương'")
        .await
        .expect("Thụy Phương existed before the reform");
    let succ = s.successions(&UnitId(old_id.clone())).await.unwrap();
    assert!(!succ.is_empty());
    assert!(
        succ.iter()
            .all(|x| x.old.as_str() == old_id && !x.new.is_legacy())
    );
    // no legacy commune is left without a successor
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM units u WHERE generation = 'legacy' AND level = 'commune' \
             AND NOT EXISTS (SELECT 1 FROM unit_successions s WHERE s.old_id = u.id)"
        )
        .await,
        0
    );
}

pub async fn residential_areas(t: &TestDb) {
    let s = t.with_units().await;
    let a1 = s
        .create_area(None, "00004", "Tổ dân phố số 1", Some("Tổ dân phố"))
        .await
        .unwrap();
    assert_eq!(a1.id.as_str(), "00004.1");
    assert_eq!(a1.level, "area");
    assert_eq!(a1.path, "/01/00004/00004.1/");
    assert_eq!(a1.kind, "Tổ dân phố");
    let admin = t.actor(Role::Admin, "00004", "admin@badinh.vn").await;
    let a2 = s
        .create_area(Some(&admin), "00004", "Khu dân cư số 2", None)
        .await
        .unwrap();
    assert_eq!(a2.id.as_str(), "00004.2");
    assert_eq!(a2.name, "Khu dân cư số 2");
    let kids = s
        .unit_children(&admin, &UnitId::from("00004"))
        .await
        .unwrap();
    assert_eq!(kids.len(), 2);
    // areas survive a reload of the official tables
    s.load_units().await.unwrap();
    assert_eq!(
        s.unit_children(&admin, &UnitId::from("00004"))
            .await
            .unwrap()
            .len(),
        2
    );
    // only under a current commune
    assert!(matches!(
        s.create_area(None, "01", "x", None).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        s.create_area(None, "old:c:00001", "x", None).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        s.create_area(None, "nope", "x", None).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        s.create_area(None, "00004", "   ", None).await,
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'unit.create'")
            .await,
        2
    );
    let tail = s.audit_tail(Some(&admin), 10).await.unwrap();
    assert!(tail.iter().any(|e| e.action == "unit.create"
        && e.entity_id == "00004.2"
        && e.actor_user_id == Some(admin.user_id)));
}
