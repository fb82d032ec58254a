//! Store cases of the officers' workspace (item_list): the items page's filters, facets and
//! paging, scoped like every read of items; the places and the case of one item.
//!
//! The analysis records are written by hand in the pipeline's shape (the store does not read
//! Vietnamese); each text says what its record is.

use std::time::Duration;

use chrono::Utc;
use ykien_core::Role;
use ykien_store::{
    AnalysisRecord, Channel, Confidentiality, ItemFilter, LabelField, LabelValue, NewCase, NewItem,
    OpinionReport, Severity, StoreError,
};

use crate::harness::TestDb;

const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

fn item(unit: &str, channel: Channel, text: &str) -> NewItem {
    NewItem {
        unit: unit.into(),
        source: format!("list-{}", channel.as_str()),
        channel,
        external_id: None,
        author_user_id: None,
        author_contact: Some("0912 345 678".into()),
        occurred_at: None,
        text: text.into(),
        title: None,
        report: OpinionReport::default(),
        confidentiality: Confidentiality::Normal,
        dedup_text: String::new(),
    }
}

/// A record read off the text: "rac" → environment, "duong" → traffic; "spam" → hidden
/// gambling; "tot" → positive, else negative. The search text is the text itself (already
/// ASCII in these cases).
fn record(text: &str) -> AnalysisRecord {
    let spam = text.contains("spam");
    AnalysisRecord {
        analysis: serde_json::json!({ "pii": [], "spam": { "label": if spam { "gambling" } else { "none" } } }),
        language: Some("vi".into()),
        spam_label: Some(if spam { "gambling" } else { "none" }.into()),
        spam_score: Some(if spam { 0.93 } else { 0.02 }),
        is_hidden: spam,
        sentiment: Some(
            if text.contains("tot") {
                "positive"
            } else {
                "negative"
            }
            .into(),
        ),
        topic: Some(
            if text.contains("rac") {
                "environment"
            } else {
                "traffic"
            }
            .into(),
        ),
        text_masked: text.replace("0912", "****"),
        search_text: text.to_lowercase(),
        places: vec![(WARD.into(), 0..3)],
    }
}

async fn analyze_all(t: &TestDb) {
    while let Some(job) = t
        .store
        .claim_job("list-test", Duration::from_secs(60))
        .await
        .unwrap()
    {
        assert!(
            t.store
                .complete_analysis(&job, &record(&job.text))
                .await
                .unwrap()
        );
    }
}

fn count(f: &[ykien_store::FacetCount], value: &str) -> i64 {
    f.iter().find(|c| c.value == value).map_or(0, |c| c.count)
}

pub async fn item_list_filters_facets_pages_and_scopes(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t
        .actor(Role::Officer, WARD, "list.officer@example.org")
        .await;
    let viewer = t.actor(Role::Viewer, WARD, "list.viewer@example.org").await;
    let city = t.actor(Role::Leader, "01", "list.leader@example.org").await;
    // Ward: 3 environment (one positive), 2 traffic, 1 spam, 1 restricted; sibling: 2.
    let texts = [
        (WARD, Channel::Form, "rac ton dong dau ngo 1 goi 0912"),
        (WARD, Channel::Form, "rac thai khu tap the 2"),
        (WARD, Channel::Citizen, "rac duoc thu gom tot 3"),
        (WARD, Channel::Import, "duong ngap sau mua 4"),
        (WARD, Channel::Import, "duong hong o ngo 5"),
        (WARD, Channel::Feed, "spam nha cai 6"),
        (SIBLING, Channel::Form, "rac o ngoc ha 7"),
        (SIBLING, Channel::Form, "duong ngoc ha 8"),
    ];
    let mut ids = Vec::new();
    for (unit, ch, text) in texts {
        ids.push(s.submit_item(None, item(unit, ch, text)).await.unwrap().id);
    }
    let secret = s
        .submit_item(
            None,
            NewItem {
                confidentiality: Confidentiality::Restricted,
                ..item(WARD, Channel::Form, "rac can han che 9")
            },
        )
        .await
        .unwrap()
        .id;
    analyze_all(t).await;
    // One more, left pending.
    let pending = s
        .submit_item(None, item(WARD, Channel::Api, "chua doc 10"))
        .await
        .unwrap()
        .id;

    // The officer's ward, spam hidden: 8 items (6 ward + restricted + pending - spam).
    let all = ItemFilter::default();
    let p = s.list_item_page(Some(&officer), &all).await.unwrap();
    assert_eq!(p.total, 7, "{:?}", p.facets);
    assert_eq!(p.hidden, 1);
    assert!(!p.capped && !p.has_more);
    assert_eq!(p.items.len(), 7);
    assert_eq!(p.items[0].id, pending, "newest first");
    assert!(p.items.iter().all(|i| i.unit.0 == WARD));
    assert!(p.items.iter().any(|i| i.id == secret));
    assert_eq!(count(&p.facets.topic, "environment"), 4);
    assert_eq!(count(&p.facets.topic, "traffic"), 2);
    assert_eq!(count(&p.facets.sentiment, "positive"), 1);
    assert_eq!(count(&p.facets.channel, "form"), 3);
    assert_eq!(count(&p.facets.status, "pending"), 1);
    assert_eq!(count(&p.facets.status, "analyzed"), 6);
    assert_eq!(p.facets.topic[0].value, "environment", "largest first");

    // Spam shown.
    let p = s
        .list_item_page(
            Some(&officer),
            &ItemFilter {
                include_hidden: true,
                ..ItemFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(p.total, 8);
    assert!(p.items.iter().any(|i| i.is_hidden));

    // Each filter narrows, and the facets follow it.
    let off = &officer;
    let by = |f: ItemFilter| async move { s.list_item_page(Some(off), &f).await.unwrap() };
    let p = by(ItemFilter {
        topic: Some("environment".into()),
        ..ItemFilter::default()
    })
    .await;
    assert_eq!(p.total, 4);
    assert_eq!(p.facets.topic.len(), 1);
    assert_eq!(count(&p.facets.sentiment, "negative"), 3);
    let p = by(ItemFilter {
        topic: Some("environment".into()),
        sentiment: Some("positive".into()),
        ..ItemFilter::default()
    })
    .await;
    assert_eq!(p.items.len(), 1);
    assert!(p.items[0].text.contains("tot 3"));
    assert_eq!(
        by(ItemFilter {
            channel: Some("import".into()),
            ..ItemFilter::default()
        })
        .await
        .total,
        2
    );
    assert_eq!(
        by(ItemFilter {
            source: Some("list-citizen".into()),
            ..ItemFilter::default()
        })
        .await
        .total,
        1
    );
    let p = by(ItemFilter {
        status: Some("pending".into()),
        ..ItemFilter::default()
    })
    .await;
    assert_eq!(p.items.iter().map(|i| i.id).collect::<Vec<_>>(), [pending]);
    // Full-text, with the other filters.
    let p = by(ItemFilter {
        terms: "rac".into(),
        ..ItemFilter::default()
    })
    .await;
    assert_eq!(p.total, 4, "three ward items and the restricted one");
    let p = by(ItemFilter {
        terms: "rac".into(),
        channel: Some("citizen".into()),
        ..ItemFilter::default()
    })
    .await;
    assert_eq!(p.items.len(), 1);
    let p = by(ItemFilter {
        terms: "nha cai".into(),
        ..ItemFilter::default()
    })
    .await;
    assert_eq!((p.total, p.hidden), (0, 1), "spam found but hidden");
    // A period: nothing before now, everything before tomorrow.
    let now = Utc::now();
    assert_eq!(
        by(ItemFilter {
            to: Some(now - chrono::Duration::hours(1)),
            ..ItemFilter::default()
        })
        .await
        .total,
        0
    );
    assert_eq!(
        by(ItemFilter {
            from: Some(now - chrono::Duration::hours(1)),
            to: Some(now + chrono::Duration::days(1)),
            ..ItemFilter::default()
        })
        .await
        .total,
        7
    );
    // Paging: 3 + 3 + 1, no item twice, same order as one long page.
    let mut seen = Vec::new();
    for (offset, more) in [(0, true), (3, true), (6, false)] {
        let p = by(ItemFilter {
            limit: 3,
            offset,
            ..ItemFilter::default()
        })
        .await;
        assert_eq!(p.has_more, more, "offset {offset}");
        // A page alone (no facets, no count) holds the same items.
        let bare = by(ItemFilter {
            limit: 3,
            offset,
            page_only: true,
            ..ItemFilter::default()
        })
        .await;
        assert_eq!(
            bare.items.iter().map(|i| i.id).collect::<Vec<_>>(),
            p.items.iter().map(|i| i.id).collect::<Vec<_>>()
        );
        assert_eq!(bare.has_more, more);
        assert!(bare.facets.topic.is_empty() && bare.total == 0 && p.total > 0);
        seen.extend(p.items.iter().map(|i| i.id));
    }
    let long: Vec<i64> = by(ItemFilter::default())
        .await
        .items
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(seen, long);
    // Offsets past the cap are clamped.
    let p = by(ItemFilter {
        offset: u32::MAX,
        ..ItemFilter::default()
    })
    .await;
    assert_eq!(p.offset, ykien_store::MAX_OFFSET);
    assert!(p.items.is_empty());

    // A unit filter: inside the subtree narrows; outside (or unknown) is not found.
    let p = s
        .list_item_page(
            Some(&city),
            &ItemFilter {
                unit: Some(SIBLING.into()),
                ..ItemFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(p.total, 2);
    assert!(p.items.iter().all(|i| i.unit.0 == SIBLING));
    for unit in [SIBLING, "01", "99999"] {
        let e = s
            .list_item_page(
                Some(&officer),
                &ItemFilter {
                    unit: Some(unit.into()),
                    ..ItemFilter::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{unit}: {e:?}");
    }
    // The city sees both wards.
    let p = s
        .list_item_page(Some(&city), &ItemFilter::default())
        .await
        .unwrap();
    assert_eq!(p.total, 9);

    // A viewer: no restricted item, texts masked, no analysis, no contact.
    let p = s
        .list_item_page(Some(&viewer), &ItemFilter::default())
        .await
        .unwrap();
    assert_eq!(p.total, 6);
    assert!(p.items.iter().all(|i| i.id != secret));
    let first = p.items.iter().find(|i| i.id == ids[0]).unwrap();
    assert!(first.masked && first.text.contains("****") && !first.text.contains("0912"));
    assert!(first.author_contact.is_none() && first.analysis.is_none());
    let officer_view = s.item(Some(&officer), ids[0]).await.unwrap();
    assert_eq!(officer_view.author_contact.as_deref(), Some("0912 345 678"));
    // Full-text does not reveal the restricted item to the viewer either.
    let p = s
        .list_item_page(
            Some(&viewer),
            &ItemFilter {
                terms: "han che".into(),
                ..ItemFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(p.total, 0);

    // A label changes what the list reads at once.
    s.add_label(
        Some(&officer),
        ids[3],
        LabelField::Topic,
        LabelValue::Code("environment".into()),
    )
    .await
    .unwrap();
    let p = by(ItemFilter {
        topic: Some("environment".into()),
        ..ItemFilter::default()
    })
    .await;
    assert_eq!(p.total, 5);
}

pub async fn item_places_and_case_are_scoped(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t
        .actor(Role::Officer, WARD, "places.officer@example.org")
        .await;
    let other = t
        .actor(Role::Officer, SIBLING, "places.other@example.org")
        .await;
    let collaborator = t
        .actor(Role::Collaborator, WARD, "places.ctv@example.org")
        .await;
    let a = s
        .submit_item(None, item(WARD, Channel::Form, "rac o ba dinh 1"))
        .await
        .unwrap()
        .id;
    let b = s
        .submit_item(None, item(WARD, Channel::Form, "duong o ba dinh 2"))
        .await
        .unwrap()
        .id;
    analyze_all(t).await;
    // The officer adds a place outside its own subtree (a neighbouring ward is named).
    s.add_label(
        Some(&officer),
        a,
        LabelField::Places,
        LabelValue::Units(vec![WARD.into(), SIBLING.into()]),
    )
    .await
    .unwrap();
    let places = s.item_places(Some(&officer), a).await.unwrap();
    assert_eq!(places.len(), 2, "{places:?}");
    assert_eq!(
        (places[0].unit_id.as_str(), places[0].start, places[0].end),
        (WARD, 0, 3)
    );
    assert!(places[0].in_scope && !places[0].unit_name.is_empty());
    assert_eq!(places[1].unit_id, SIBLING);
    assert!(
        !places[1].in_scope,
        "a place outside the subtree is not linked"
    );
    assert!(matches!(
        s.item_places(Some(&other), a).await.unwrap_err(),
        StoreError::NotFound
    ));

    assert_eq!(s.item_case(Some(&officer), a).await.unwrap(), None);
    let case = s
        .create_case(
            None,
            NewCase {
                unit: WARD.into(),
                title: "Rác ở Ba Đình".into(),
                severity: Severity::Normal,
                item_ids: vec![a],
                due_at: None,
            },
        )
        .await
        .unwrap();
    let got = s.item_case(Some(&officer), a).await.unwrap().unwrap();
    assert_eq!((got.id, got.status.as_str()), (case.case.id, "new"));
    assert_eq!(got.title, "Rác ở Ba Đình");
    assert_eq!(s.item_case(Some(&officer), b).await.unwrap(), None);
    // The list names the case of each item for those who handle cases.
    let page = s
        .list_item_page(Some(&officer), &ItemFilter::default())
        .await
        .unwrap();
    assert_eq!(page.cases, vec![(a, case.case.id)]);
    let page = s
        .list_item_page(Some(&collaborator), &ItemFilter::default())
        .await
        .unwrap();
    assert!(page.cases.is_empty());
    // A collaborator who did not file the item does not learn of the case.
    assert_eq!(s.item_case(Some(&collaborator), a).await.unwrap(), None);
    assert!(matches!(
        s.item_case(Some(&other), a).await.unwrap_err(),
        StoreError::NotFound
    ));
}
