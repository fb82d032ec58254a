//! The topic taxonomy's versions: who may save and activate them, one active at most, the
//! audit trail, and the per-topic counts the editor shows (scoped like every item read).
//! The store does not read the text; ykien-listen's and ykien-web's tests parse it.

use ykien_core::Role;
use ykien_store::{
    Channel, Confidentiality, MAX_TAXONOMY_BYTES, NewItem, OpinionReport, StoreError,
    may_edit_taxonomy,
};

use crate::harness::TestDb;

const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

const ONE: &str =
    "[[topic]]\nid = \"land\"\nname_vi = \"Đất đai\"\nname_en = \"Land\"\nseeds = [\"đất\"]\n";
const TWO: &str = "[[topic]]\nid = \"water\"\nname_vi = \"Nước sạch\"\nname_en = \"Clean water\"\nseeds = [\"nước\"]\n";

fn item(unit: &str, text: &str, c: Confidentiality) -> NewItem {
    NewItem {
        unit: unit.into(),
        source: "taxonomy-test".into(),
        channel: Channel::Import,
        external_id: None,
        author_user_id: None,
        author_contact: None,
        occurred_at: None,
        text: text.into(),
        title: None,
        report: OpinionReport::default(),
        confidentiality: c,
        dedup_text: String::new(),
    }
}

pub async fn taxonomy_versions_are_guarded_audited_and_one_active(t: &TestDb) {
    let s = t.with_units().await;
    let city_admin = t.actor(Role::Admin, "01", "tax.admin@hn.vn").await;
    let city_leader = t.actor(Role::Leader, "01", "tax.leader@hn.vn").await;
    let city_officer = t.actor(Role::Officer, "01", "tax.officer@hn.vn").await;
    let ward_admin = t.actor(Role::Admin, WARD, "tax.admin@badinh.vn").await;
    let collaborator = t.actor(Role::Collaborator, WARD, "tax.ctv@badinh.vn").await;
    assert!(may_edit_taxonomy(&city_admin) && may_edit_taxonomy(&city_leader));
    assert!(!may_edit_taxonomy(&city_officer) && !may_edit_taxonomy(&ward_admin));

    // Nothing stored: the shipped taxonomy is in use.
    assert!(s.active_taxonomy().await.unwrap().is_none());
    assert!(s.taxonomy_versions().await.unwrap().is_empty());

    // Only city admins and leaders (and the system) may save or activate; nothing written.
    for a in [&city_officer, &ward_admin, &collaborator] {
        let e = s.save_taxonomy(Some(a), ONE, "thử").await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM taxonomies").await, 0);
    let e = s.save_taxonomy(None, "  \n", "").await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    let big = "#".repeat(MAX_TAXONOMY_BYTES + 1);
    let e = s.save_taxonomy(None, &big, "").await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");

    let v1 = s
        .save_taxonomy(Some(&city_admin), ONE, "  Bản đầu  ")
        .await
        .unwrap();
    assert_eq!((v1.version, v1.active), (1, false));
    assert_eq!(v1.source, ONE, "the text is kept exactly");
    assert_eq!(v1.note, "Bản đầu");
    assert_eq!(v1.created_by, Some(city_admin.user_id));
    assert_eq!(
        v1.created_by_name.as_deref(),
        Some(city_admin.name.as_str())
    );
    let v2 = s.save_taxonomy(Some(&city_leader), TWO, "").await.unwrap();
    assert_eq!(v2.version, 2);
    assert!(
        s.active_taxonomy().await.unwrap().is_none(),
        "saving does not activate"
    );

    for a in [&city_officer, &ward_admin] {
        let e = s.activate_taxonomy(Some(a), 1).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    }
    let e = s
        .activate_taxonomy(Some(&city_admin), 99)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    s.activate_taxonomy(Some(&city_admin), 1).await.unwrap();
    assert_eq!(s.active_taxonomy().await.unwrap().unwrap().version, 1);
    s.activate_taxonomy(Some(&city_leader), 2).await.unwrap();
    let active = s.active_taxonomy().await.unwrap().unwrap();
    assert_eq!((active.version, active.source.as_str()), (2, TWO));
    assert_eq!(
        t.count("SELECT COUNT(*) FROM taxonomies WHERE active")
            .await,
        1
    );
    // Activating the active one again writes nothing.
    s.activate_taxonomy(None, 2).await.unwrap();
    // The database itself refuses two active versions.
    assert!(
        t.exec("UPDATE taxonomies SET active = TRUE").await.is_err(),
        "two active taxonomies"
    );

    let list = s.taxonomy_versions().await.unwrap();
    assert_eq!(
        list.iter()
            .map(|v| (v.version, v.active))
            .collect::<Vec<_>>(),
        vec![(2, true), (1, false)]
    );
    assert_eq!(s.taxonomy_version(1).await.unwrap().unwrap().source, ONE);
    assert!(s.taxonomy_version(3).await.unwrap().is_none());
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'taxonomy.save'")
            .await,
        2
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'taxonomy.activate'")
            .await,
        2
    );
    // Versions outlive a reopen (another process reads the same active version).
    let again = t.reopen().await.unwrap();
    assert_eq!(again.active_taxonomy().await.unwrap().unwrap().version, 2);
    again.close().await;
}

pub async fn topic_counts_are_scoped(t: &TestDb) {
    let s = t.with_units().await;
    let mut ids = Vec::new();
    for (unit, text, c) in [
        (WARD, "Đất bị lấn chiếm", Confidentiality::Normal),
        (WARD, "Tranh chấp đất", Confidentiality::Normal),
        (WARD, "Tin hạn chế về đất", Confidentiality::Restricted),
        (SIBLING, "Nước sạch bị đục", Confidentiality::Normal),
    ] {
        ids.push(s.submit_item(None, item(unit, text, c)).await.unwrap().id);
    }
    let topic =
        |id: i64, topic: &str| format!("UPDATE items SET topic = '{topic}' WHERE id = {id}");
    for (id, tp) in ids.iter().zip(["land", "land", "land", "water"]) {
        t.exec(&topic(*id, tp)).await.unwrap();
    }
    let officer = t.actor(Role::Officer, WARD, "tc.officer@badinh.vn").await;
    let collaborator = t.actor(Role::Collaborator, WARD, "tc.ctv@badinh.vn").await;
    let city = t.actor(Role::Leader, "01", "tc.leader@hn.vn").await;
    assert_eq!(
        s.topic_counts(&officer).await.unwrap(),
        vec![("land".to_string(), 3)]
    );
    assert_eq!(
        s.topic_counts(&collaborator).await.unwrap(),
        vec![("land".to_string(), 2)],
        "restricted items are need-to-know"
    );
    assert_eq!(
        s.topic_counts(&city).await.unwrap(),
        vec![("land".to_string(), 3), ("water".to_string(), 1)]
    );
    // Spam is not counted.
    t.exec(&format!(
        "UPDATE items SET is_hidden = TRUE WHERE id = {}",
        ids[3]
    ))
    .await
    .unwrap();
    assert_eq!(
        s.topic_counts(&city).await.unwrap(),
        vec![("land".to_string(), 3)]
    );
}
