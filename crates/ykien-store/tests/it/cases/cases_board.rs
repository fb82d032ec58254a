//! Store cases of the officers' workspace (cases_board): the board by status with its filters
//! and scope, and one case's page data — timeline from the audit log, due date in working
//! days, where it went, whom it may be given to, and the answer recorded with its text.

use chrono::{Duration, Utc};
use ykien_core::{Actor, Role};
use ykien_store::{
    AssigneeFilter, BoardFilter, CaseStatus, Channel, Confidentiality, NewCase, NewItem,
    OpinionReport, Severity, StoreError, TimelineEvent, Transition,
};

use crate::harness::TestDb;

const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

async fn item(t: &TestDb, by: Option<&Actor>, unit: &str, text: &str) -> i64 {
    t.store
        .submit_item(
            by,
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
                dedup_text: String::new(),
            },
        )
        .await
        .unwrap()
        .id
}

async fn open(t: &TestDb, by: Option<&Actor>, unit: &str, title: &str, items: Vec<i64>) -> i64 {
    open_due(t, by, unit, title, items, None).await
}

async fn open_due(
    t: &TestDb,
    by: Option<&Actor>,
    unit: &str,
    title: &str,
    items: Vec<i64>,
    due_at: Option<chrono::DateTime<Utc>>,
) -> i64 {
    t.store
        .create_case(
            by,
            NewCase {
                unit: unit.into(),
                title: title.into(),
                severity: Severity::Normal,
                item_ids: items,
                due_at,
            },
        )
        .await
        .unwrap()
        .case
        .id
}

fn column_ids(b: &ykien_store::Board, s: CaseStatus) -> Vec<i64> {
    b.columns
        .iter()
        .find(|c| c.status == s)
        .unwrap()
        .cases
        .iter()
        .map(|c| c.case.id)
        .collect()
}

pub async fn case_board_groups_filters_and_scopes(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "cb@badinh.vn").await;
    let other = t.actor(Role::Officer, SIBLING, "cb@ngocha.vn").await;
    let leader = t.actor(Role::Leader, "01", "ld@hanoi.vn").await;
    let collab = t.actor(Role::Collaborator, WARD, "ctv@badinh.vn").await;
    let viewer = t.actor(Role::Viewer, WARD, "xem@badinh.vn").await;

    let mine = item(t, Some(&collab), WARD, "Đèn đường hỏng ở ngõ 12").await;
    let past = Utc::now() - Duration::days(10);
    let late = open_due(t, Some(&officer), WARD, "Quá hạn", vec![], Some(past)).await;
    let soon = open(t, Some(&officer), WARD, "Đèn đường", vec![mine]).await;
    let later = open_due(
        t,
        Some(&officer),
        WARD,
        "Còn lâu",
        vec![],
        Some(Utc::now() + Duration::days(30)),
    )
    .await;
    let theirs = open(t, Some(&other), SIBLING, "Ngọc Hà", vec![]).await;
    s.transition(Some(&officer), soon, Transition::Verify)
        .await
        .unwrap();

    // The ward's officer: its own ward's cases by status, soonest due first; counts.
    let b = s
        .case_board(Some(&officer), &BoardFilter::default())
        .await
        .unwrap();
    assert_eq!(
        b.columns.iter().map(|c| c.status).collect::<Vec<_>>(),
        CaseStatus::ALL.to_vec()
    );
    assert_eq!(column_ids(&b, CaseStatus::New), vec![late, later]);
    assert_eq!(column_ids(&b, CaseStatus::Verifying), vec![soon]);
    assert_eq!((b.total, b.overdue), (3, 1));
    let first = &b.columns[0].cases[0];
    assert!(first.due.overdue && first.case.overdue, "{first:?}");
    assert!(
        first.due.working_days >= 5,
        "ten days late: {:?}",
        first.due
    );
    assert!(!b.columns[0].cases[1].due.overdue);
    assert!(b.columns[0].cases[1].due.working_days >= 15);

    // Overdue only.
    let f = BoardFilter {
        overdue: true,
        ..BoardFilter::default()
    };
    let b = s.case_board(Some(&officer), &f).await.unwrap();
    assert_eq!((b.total, column_ids(&b, CaseStatus::New)), (1, vec![late]));

    // Assignee: nobody, then the officer's own.
    s.assign(Some(&officer), later, Some(officer.user_id))
        .await
        .unwrap();
    let by = |a| BoardFilter {
        assignee: a,
        ..BoardFilter::default()
    };
    let b = s
        .case_board(Some(&officer), &by(AssigneeFilter::User(officer.user_id)))
        .await
        .unwrap();
    assert_eq!(b.total, 1);
    assert_eq!(column_ids(&b, CaseStatus::New), vec![later]);
    assert_eq!(
        b.columns[0].cases[0].case.assignee_name,
        Some(officer.name.clone())
    );
    assert_eq!(b.assignees.len(), 1);
    assert_eq!(b.assignees[0].user_id, officer.user_id);
    let b = s
        .case_board(Some(&officer), &by(AssigneeFilter::Nobody))
        .await
        .unwrap();
    assert_eq!(b.total, 2);

    // Unit filter: inside the subtree it narrows; outside it, it does not exist.
    let unit = |u: &str| BoardFilter {
        unit: Some(u.into()),
        ..BoardFilter::default()
    };
    let b = s.case_board(Some(&leader), &unit(SIBLING)).await.unwrap();
    assert_eq!(
        (b.total, column_ids(&b, CaseStatus::New)),
        (1, vec![theirs])
    );
    for u in [SIBLING, "01", "99999", "not a unit"] {
        let e = s.case_board(Some(&officer), &unit(u)).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{u}: {e:?}");
    }

    // The city leader sees both wards; the other ward's officer only its own.
    let b = s
        .case_board(Some(&leader), &BoardFilter::default())
        .await
        .unwrap();
    assert_eq!(b.total, 4);
    let b = s
        .case_board(Some(&other), &BoardFilter::default())
        .await
        .unwrap();
    assert_eq!(
        (b.total, column_ids(&b, CaseStatus::New)),
        (1, vec![theirs])
    );

    // The collaborator follows the case holding its report, without who handles it; a viewer
    // who filed nothing sees none.
    s.assign(Some(&officer), soon, Some(officer.user_id))
        .await
        .unwrap();
    let b = s
        .case_board(Some(&collab), &BoardFilter::default())
        .await
        .unwrap();
    assert_eq!(
        (b.total, column_ids(&b, CaseStatus::Verifying)),
        (1, vec![soon])
    );
    assert_eq!(b.columns[1].cases[0].case.assignee_name, None);
    assert!(b.assignees.is_empty());
    let b = s
        .case_board(Some(&viewer), &BoardFilter::default())
        .await
        .unwrap();
    assert_eq!(b.total, 0);

    // Answered and closed columns: latest change first.
    for id in [late, later] {
        s.transition(Some(&officer), id, Transition::Verify)
            .await
            .unwrap();
        s.transition(
            Some(&officer),
            id,
            Transition::Forward {
                to: "iHanoi".into(),
                reference: None,
            },
        )
        .await
        .unwrap();
        s.answer_case(Some(&officer), id, "Đã xử lý xong")
            .await
            .unwrap();
    }
    let b = s
        .case_board(Some(&officer), &BoardFilter::default())
        .await
        .unwrap();
    let answered = column_ids(&b, CaseStatus::Answered);
    assert_eq!(answered.len(), 2);
    assert_eq!(b.overdue, 0, "answered cases are not overdue");
    let cut = BoardFilter {
        per_column: 1,
        ..BoardFilter::default()
    };
    let b = s.case_board(Some(&officer), &cut).await.unwrap();
    let col = b
        .columns
        .iter()
        .find(|c| c.status == CaseStatus::Answered)
        .unwrap();
    assert_eq!(
        (col.count, col.cases.len()),
        (2, 1),
        "counts cover every case"
    );
}

pub async fn case_view_shows_timeline_due_forwarding_and_answer(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "cb@badinh.vn").await;
    let colleague = t.actor(Role::Officer, WARD, "cb2@badinh.vn").await;
    let other = t.actor(Role::Officer, SIBLING, "cb@ngocha.vn").await;
    let leader = t.actor(Role::Leader, "01", "ld@hanoi.vn").await;
    let collab = t.actor(Role::Collaborator, WARD, "ctv@badinh.vn").await;
    let editor = t.actor(Role::Editor, WARD, "bt@badinh.vn").await;

    let mine = item(t, Some(&collab), WARD, "Rác tồn đọng đầu ngõ 5").await;
    let more = item(t, None, WARD, "Rác thải ngõ 5 chưa được thu gom").await;
    let id = open(t, Some(&officer), WARD, "Rác ngõ 5", vec![mine]).await;
    s.add_items(Some(&officer), id, &[more]).await.unwrap();
    s.transition(Some(&officer), id, Transition::Verify)
        .await
        .unwrap();
    s.assign(Some(&officer), id, Some(colleague.user_id))
        .await
        .unwrap();
    s.comment(Some(&officer), id, "Đã gọi tổ trưởng tổ dân phố")
        .await
        .unwrap();
    let orgs = s.member_orgs().await.unwrap();
    let org = orgs.last().unwrap().clone();
    s.transition(
        Some(&officer),
        id,
        Transition::Forward {
            to: org.id.clone(),
            reference: Some("CV-15/2026".into()),
        },
    )
    .await
    .unwrap();

    // Answer: refused empty, by a non-handler, outside the scope; then recorded with its text.
    let e = s.answer_case(Some(&officer), id, "  ").await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    let e = s.answer_case(Some(&editor), id, "x").await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let e = s.answer_case(Some(&collab), id, "x").await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let e = s.answer_case(Some(&other), id, "x").await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let e = s
        .answer_case(Some(&officer), 999_999, "x")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let before = t.count("SELECT COUNT(*) FROM audit_log").await;
    let d = s
        .answer_case(
            Some(&officer),
            id,
            "Hội đã vận động thu gom xong trong ngày",
        )
        .await
        .unwrap();
    assert_eq!(d.case.status, CaseStatus::Answered);
    assert_eq!(t.count("SELECT COUNT(*) FROM audit_log").await, before + 2);
    let e = s.answer_case(Some(&officer), id, "lại").await.unwrap_err();
    match e {
        StoreError::Invalid { what } => assert!(what.contains("answered"), "{what}"),
        other => panic!("{other:?}"),
    }

    // The officer's view: items, due date, where it went, the full history in order.
    let v = s.case_view(Some(&officer), id).await.unwrap();
    assert!(v.detail.handler_view);
    assert_eq!(
        v.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![mine, more]
    );
    assert!(!v.due.open && !v.due.overdue);
    let f = v.forwarded.as_ref().unwrap();
    assert_eq!(f.kind, "member_org");
    assert_eq!(f.reference.as_deref(), Some("CV-15/2026"));
    assert_eq!(f.member_org.as_ref().unwrap().name_vi, org.name_vi);
    let kinds: Vec<&str> = v
        .timeline
        .iter()
        .map(|e| match &e.event {
            TimelineEvent::Opened { .. } => "opened",
            TimelineEvent::ItemsAdded { .. } => "items",
            TimelineEvent::Step { step, .. } => step.as_str(),
            TimelineEvent::Assigned { .. } => "assigned",
            TimelineEvent::Comment { reply: false, .. } => "comment",
            TimelineEvent::Comment { reply: true, .. } => "reply",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "opened", "items", "verify", "assigned", "comment", "forward", "answer", "reply"
        ]
    );
    assert!(
        v.timeline
            .iter()
            .all(|e| e.actor_name.as_deref() == Some(officer.name.as_str()))
    );
    match &v.timeline[3].event {
        TimelineEvent::Assigned { to } => assert_eq!(to.as_deref(), Some(colleague.name.as_str())),
        e => panic!("{e:?}"),
    }
    match &v.timeline[5].event {
        TimelineEvent::Step {
            from,
            to,
            forwarded,
            ..
        } => {
            assert_eq!(
                (*from, *to),
                (Some(CaseStatus::Verifying), Some(CaseStatus::Forwarded))
            );
            assert_eq!(forwarded.as_ref().unwrap().to, org.id);
        }
        e => panic!("{e:?}"),
    }
    match &v.timeline[7].event {
        TimelineEvent::Comment { body, reply } => {
            assert!(*reply && body.starts_with("Hội đã vận động"), "{body}");
        }
        e => panic!("{e:?}"),
    }
    // Whom it may be given to: handlers of the ward (not the collaborator, not the editor,
    // not the other ward), inside the officer's own subtree (not the city's leader).
    let names: Vec<i64> = v.assignable.iter().map(|a| a.user_id).collect();
    assert!(names.contains(&officer.user_id) && names.contains(&colleague.user_id));
    for u in [&collab, &editor, &other, &leader] {
        assert!(!names.contains(&u.user_id), "{} is not assignable", u.name);
    }
    // The city leader may also give it to itself; forwarding targets: the city above.
    let lv = s.case_view(Some(&leader), id).await.unwrap();
    assert!(lv.assignable.iter().any(|a| a.user_id == leader.user_id));
    assert_eq!(
        v.forward_units
            .iter()
            .map(|(u, _)| u.as_str())
            .collect::<Vec<_>>(),
        ["01"]
    );
    assert_eq!(v.member_orgs.len(), orgs.len());

    // The collaborator who filed one item: its own item, the steps only, nobody's name.
    let cv = s.case_view(Some(&collab), id).await.unwrap();
    assert!(!cv.detail.handler_view);
    assert_eq!(
        cv.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![mine]
    );
    assert!(
        cv.timeline
            .iter()
            .all(|e| e.actor_name.is_none() && matches!(e.event, TimelineEvent::Step { .. }))
    );
    assert_eq!(cv.timeline.len(), 3);
    assert!(cv.assignable.is_empty() && cv.member_orgs.is_empty());
    let e = s.assignable_users(Some(&collab), id).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");

    // Out of scope or missing: not found alike; a role that does not handle: forbidden.
    for (who, want_found) in [(&other, false), (&editor, true)] {
        let e = s.case_view(Some(who), id).await.unwrap_err();
        if want_found {
            assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
        } else {
            assert!(matches!(e, StoreError::NotFound), "{e:?}");
        }
    }
    let e = s.case_view(Some(&officer), 999_999).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");

    // Reopened: open again with a fresh due date counted in working days.
    s.transition(Some(&officer), id, Transition::Reopen)
        .await
        .unwrap();
    let v = s.case_view(Some(&officer), id).await.unwrap();
    assert!(v.due.open && !v.due.overdue);
    assert!((0..=3).contains(&v.due.working_days), "{:?}", v.due);
}
