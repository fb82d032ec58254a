//! Store cases of the officers' workspace (admin): the unit tree with its counts, as the
//! units page reads it — scoped to the actor's subtree, for admins only, in tree order.

use ykien_core::Role;
use ykien_store::{Channel, Confidentiality, NewItem, OpinionReport, StoreError};

use crate::harness::TestDb;

async fn file(t: &TestDb, unit: &str, text: &str) {
    t.store
        .submit_item(
            None,
            NewItem {
                unit: unit.into(),
                source: "test".into(),
                channel: Channel::Form,
                external_id: None,
                author_user_id: None,
                author_contact: None,
                occurred_at: None,
                text: text.into(),
                title: None,
                report: OpinionReport::default(),
                confidentiality: Confidentiality::Normal,
                dedup_text: text.into(),
            },
        )
        .await
        .unwrap();
}

pub async fn unit_tree_counts_are_scoped_ordered_and_for_admins(t: &TestDb) {
    let s = t.with_units().await;
    s.create_area(None, "00004", "Tổ dân phố số 1", Some("Tổ dân phố"))
        .await
        .unwrap();
    file(t, "00004", "Ý kiến thứ nhất ở Ba Đình").await;
    file(t, "00004", "Ý kiến thứ hai ở Ba Đình").await;
    file(t, "00004.1", "Ý kiến ở tổ dân phố số 1").await;
    file(t, "00070", "Ý kiến ở Hoàn Kiếm").await;
    let ward = t.actor(Role::Admin, "00004", "admin@badinh.vn").await;
    let city = t.actor(Role::Admin, "01", "admin@hanoi.vn").await;

    let tree = s.unit_tree_counts(Some(&ward)).await.unwrap();
    let ids: Vec<&str> = tree.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["00004", "00004.1"], "the ward and its area only");
    assert_eq!((tree[0].items, tree[0].users), (2, 1));
    assert_eq!((tree[1].items, tree[1].users), (1, 0));
    assert_eq!(tree[0].depth_below(&ward.unit_path), 0);
    assert_eq!(tree[1].depth_below(&ward.unit_path), 1);
    assert_eq!(tree[1].level, "area");

    let tree = s.unit_tree_counts(Some(&city)).await.unwrap();
    assert_eq!(tree[0].id, "01", "the root comes first");
    assert!(tree.windows(2).all(|w| w[0].path < w[1].path), "tree order");
    assert!(tree.iter().all(|u| u.path.starts_with("/01/")));
    let hk = tree.iter().find(|u| u.id == "00070").unwrap();
    assert_eq!(hk.items, 1);
    assert_eq!(hk.depth_below(&city.unit_path), 1);
    assert!(
        tree.iter()
            .all(|u| u.level != "commune" || !u.kind.is_empty()),
        "current units only, with their kind"
    );
    assert_eq!(tree.iter().map(|u| u.users).sum::<i64>(), 2);

    for role in [Role::Leader, Role::Officer, Role::Viewer] {
        let who = t.actor(role, "00004", &format!("{role}@badinh.vn")).await;
        assert!(
            matches!(
                s.unit_tree_counts(Some(&who)).await,
                Err(StoreError::Forbidden { .. })
            ),
            "{role} may not"
        );
    }
    let all = s.unit_tree_counts(None).await.unwrap();
    assert!(all.len() > tree.len(), "the system sees every province");
}
