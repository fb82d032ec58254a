//! Cases: the workflow and its refusals, scope, assignment, comments, due dates and the
//! overdue list, each change audited in the same transaction.

use chrono::{Duration, Utc};
use ykien_core::{Actor, Role};
use ykien_store::{
    CaseFilter, CaseStatus, Channel, Confidentiality, NewCase, NewItem, OpinionReport, Severity,
    StoreError, Transition,
};

use crate::harness::TestDb;

const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

async fn item(t: &TestDb, by: Option<&Actor>, unit: &str, text: &str, c: Confidentiality) -> i64 {
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
                confidentiality: c,
                dedup_text: String::new(),
            },
        )
        .await
        .unwrap()
        .id
}

fn new_case(unit: &str, title: &str, severity: Severity, items: Vec<i64>) -> NewCase {
    NewCase {
        unit: unit.into(),
        title: title.into(),
        severity,
        item_ids: items,
        due_at: None,
    }
}

fn invalid(e: StoreError) -> String {
    match e {
        StoreError::Invalid { what } => what,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

pub async fn cases_follow_the_workflow_and_refuse_other_steps(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "o@x.vn").await;
    let a = item(
        t,
        None,
        WARD,
        "Tin đồn cắt nước cả tuần",
        Confidentiality::Normal,
    )
    .await;
    let b = item(
        t,
        None,
        WARD,
        "Nghe nói sẽ cắt nước cả tuần",
        Confidentiality::Normal,
    )
    .await;
    let before = Utc::now();
    let c = s
        .create_case(
            Some(&officer),
            new_case(
                WARD,
                "  Tin đồn cắt nước  ",
                Severity::Urgent,
                vec![a, b, a],
            ),
        )
        .await
        .unwrap();
    assert_eq!(c.case.status, CaseStatus::New);
    assert_eq!(c.case.title, "Tin đồn cắt nước");
    assert_eq!(c.items, vec![a, b]);
    assert_eq!(c.case.item_count, 2);
    assert_eq!(c.case.created_by, Some(officer.user_id));
    assert!(c.handler_view);
    // The default due date is the severity's working hours from now.
    let due = Severity::Urgent.due_from(&s.work_calendar().await.unwrap(), before);
    assert!(
        (c.case.due_at - due).num_seconds().abs() <= 5,
        "{} vs {due}",
        c.case.due_at
    );
    assert!(!c.case.overdue);
    let id = c.case.id;

    // Steps out of order are refused, with both states named, and change nothing.
    for step in [Transition::Answer, Transition::Close, Transition::Reopen] {
        let e = s
            .transition(Some(&officer), id, step.clone())
            .await
            .unwrap_err();
        let msg = invalid(e);
        assert!(msg.contains("a case that is new"), "{step:?}: {msg}");
    }
    let e = s
        .transition(
            Some(&officer),
            id,
            Transition::Forward {
                to: "iHanoi".into(),
                reference: None,
            },
        )
        .await
        .unwrap_err();
    assert!(invalid(e).contains("only a case that is verifying"));
    assert_eq!(
        s.get_case(Some(&officer), id).await.unwrap().case.status,
        CaseStatus::New
    );

    let c = s
        .transition(Some(&officer), id, Transition::Verify)
        .await
        .unwrap();
    assert_eq!(c.case.status, CaseStatus::Verifying);
    // Forwarding needs a target.
    let e = s
        .transition(
            Some(&officer),
            id,
            Transition::Forward {
                to: "  ".into(),
                reference: None,
            },
        )
        .await
        .unwrap_err();
    assert!(invalid(e).contains("forwarded to"));
    let c = s
        .transition(
            Some(&officer),
            id,
            Transition::Forward {
                to: " iHanoi ".into(),
                reference: Some("IH-2026-0042".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(c.case.status, CaseStatus::Forwarded);
    assert_eq!(c.case.forwarded_kind.as_deref(), Some("outside"));
    assert_eq!(c.case.forwarded_to.as_deref(), Some("iHanoi"));
    assert_eq!(c.case.forward_ref.as_deref(), Some("IH-2026-0042"));
    let c = s
        .transition(Some(&officer), id, Transition::Answer)
        .await
        .unwrap();
    assert_eq!(c.case.status, CaseStatus::Answered);
    assert!(!c.case.overdue, "an answered case is never overdue");
    let c = s
        .transition(Some(&officer), id, Transition::Close)
        .await
        .unwrap();
    assert_eq!(c.case.status, CaseStatus::Closed);
    assert!(c.case.closed_at.is_some());
    // A closed case takes no items; reopening brings it back to verifying with a new clock.
    let extra = item(
        t,
        None,
        WARD,
        "Lại hỏi chuyện cắt nước",
        Confidentiality::Normal,
    )
    .await;
    let e = s.add_items(Some(&officer), id, &[extra]).await.unwrap_err();
    assert!(invalid(e).contains("reopen"));
    let c = s
        .transition(Some(&officer), id, Transition::Reopen)
        .await
        .unwrap();
    assert_eq!(c.case.status, CaseStatus::Verifying);
    assert!(c.case.closed_at.is_none());
    let c = s.add_items(Some(&officer), id, &[extra]).await.unwrap();
    assert_eq!(c.items, vec![a, b, extra]);
    // Forwarding to a member organization or a unit is recognised as such.
    let c = s
        .transition(
            Some(&officer),
            id,
            Transition::Forward {
                to: "phunu".into(),
                reference: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(c.case.forwarded_kind.as_deref(), Some("member_org"));
    assert_eq!(c.case.forward_ref, None);
    let c2 = s
        .create_case(
            Some(&officer),
            new_case(WARD, "Khác", Severity::Normal, vec![]),
        )
        .await
        .unwrap();
    s.transition(Some(&officer), c2.case.id, Transition::Verify)
        .await
        .unwrap();
    let c2 = s
        .transition(
            Some(&officer),
            c2.case.id,
            Transition::Forward {
                to: SIBLING.into(),
                reference: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(c2.case.forwarded_kind.as_deref(), Some("unit"));

    // An item belongs to one case only.
    let e = s
        .create_case(
            Some(&officer),
            new_case(WARD, "Trùng", Severity::Normal, vec![a]),
        )
        .await
        .unwrap_err();
    match e {
        StoreError::Conflict { what } => assert!(what.contains(&format!("case {id}")), "{what}"),
        other => panic!("{other:?}"),
    }
    // Bad titles.
    for title in ["", "   ", &"x".repeat(301)] {
        let e = s
            .create_case(
                Some(&officer),
                new_case(WARD, title, Severity::Normal, vec![]),
            )
            .await
            .unwrap_err();
        assert!(invalid(e).contains("title"));
    }

    // Comments and assignment.
    let cm = s
        .comment(Some(&officer), id, "  Đã gọi cho công ty nước sạch.  ")
        .await
        .unwrap();
    assert_eq!(cm.body, "Đã gọi cho công ty nước sạch.");
    assert!(invalid(s.comment(Some(&officer), id, " ").await.unwrap_err()).contains("comment"));
    let colleague = t.actor(Role::Officer, WARD, "o2@x.vn").await;
    let c = s
        .assign(Some(&officer), id, Some(colleague.user_id))
        .await
        .unwrap();
    assert_eq!(c.case.assignee_user_id, Some(colleague.user_id));
    assert_eq!(c.comments.len(), 1);
    assert_eq!(c.comments[0].author_user_id, Some(officer.user_id));
    // Nobody who cannot handle the case can be given it.
    let collab = t.actor(Role::Collaborator, WARD, "c@x.vn").await;
    let elsewhere = t.actor(Role::Officer, SIBLING, "s@x.vn").await;
    for uid in [collab.user_id, elsewhere.user_id, 999_999] {
        let e = s.assign(Some(&officer), id, Some(uid)).await.unwrap_err();
        assert!(invalid(e).contains("who can handle this case"));
    }
    let c = s.assign(Some(&officer), id, None).await.unwrap();
    assert_eq!(c.case.assignee_user_id, None);

    // The full history is in the audit log, one row per change.
    let rows = |action: &str| {
        format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'case' AND entity_id = '{id}' AND action = '{action}'"
        )
    };
    assert_eq!(t.count(&rows("case.create")).await, 1);
    // verify, forward, answer, close, reopen, forward
    assert_eq!(t.count(&rows("case.transition")).await, 6);
    assert_eq!(t.count(&rows("case.add_items")).await, 1);
    assert_eq!(t.count(&rows("case.comment")).await, 1);
    assert_eq!(t.count(&rows("case.assign")).await, 2);
    assert_eq!(
        t.text(&format!(
            "SELECT details FROM audit_log WHERE entity_id = '{id}' AND action = 'case.transition' \
             ORDER BY id LIMIT 1 OFFSET 1"
        ))
        .await
        .map(|d| d.contains("IH-2026-0042") && d.contains("\"from\":\"verifying\"")),
        Some(true)
    );
    // Refused changes left no trace.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'case'")
            .await,
        1 + 6 + 1 + 1 + 2 + 1 + 2
    );
}

pub async fn cases_are_scoped_and_followed_by_their_reporters(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "o@x.vn").await;
    let sibling = t.actor(Role::Officer, SIBLING, "s@x.vn").await;
    let city = t.actor(Role::Leader, "01", "l@x.vn").await;
    let collab = t.actor(Role::Collaborator, WARD, "c@x.vn").await;
    let viewer = t.actor(Role::Viewer, WARD, "v@x.vn").await;
    let mine = item(
        t,
        Some(&collab),
        WARD,
        "Báo cáo của cộng tác viên",
        Confidentiality::Normal,
    )
    .await;
    let other = item(
        t,
        None,
        WARD,
        "Ý kiến khác cùng việc",
        Confidentiality::Normal,
    )
    .await;
    let next_door = item(
        t,
        None,
        SIBLING,
        "Ý kiến ở phường bên",
        Confidentiality::Normal,
    )
    .await;
    let secret = item(
        t,
        None,
        WARD,
        "Việc cần hạn chế",
        Confidentiality::Restricted,
    )
    .await;

    // Items outside the actor's subtree do not exist for it; outside the case's unit they
    // are refused; restricted ones are fine for officers.
    let e = s
        .create_case(
            Some(&officer),
            new_case(WARD, "x", Severity::Normal, vec![next_door]),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let e = s
        .create_case(
            Some(&city),
            new_case(WARD, "x", Severity::Normal, vec![next_door]),
        )
        .await
        .unwrap_err();
    assert!(invalid(e).contains("outside the case's unit"));
    // Units outside the subtree or missing: not found; roles that do not handle: forbidden.
    for unit in [SIBLING, "01", "99999"] {
        let e = s
            .create_case(
                Some(&officer),
                new_case(unit, "x", Severity::Normal, vec![]),
            )
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{unit}: {e:?}");
    }
    for who in [&collab, &viewer] {
        let e = s
            .create_case(Some(who), new_case(WARD, "x", Severity::Normal, vec![]))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    }
    let c = s
        .create_case(
            Some(&officer),
            new_case(
                WARD,
                "Việc ở Ba Đình",
                Severity::Normal,
                vec![mine, other, secret],
            ),
        )
        .await
        .unwrap();
    let id = c.case.id;
    let theirs = s
        .create_case(
            Some(&sibling),
            new_case(SIBLING, "Việc ở Ngọc Hà", Severity::Urgent, vec![next_door]),
        )
        .await
        .unwrap()
        .case
        .id;

    // Another ward's officer: not found, for reads and for every change.
    assert!(matches!(
        s.get_case(Some(&sibling), id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.transition(Some(&sibling), id, Transition::Verify).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.comment(Some(&sibling), id, "x").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.assign(Some(&sibling), id, None).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.add_items(Some(&sibling), id, &[next_door]).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.get_case(Some(&officer), 999_999).await,
        Err(StoreError::NotFound)
    ));
    // The city sees both; each ward its own.
    let ids = |v: Vec<ykien_store::Case>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let all = CaseFilter::default();
    let mut city_ids = ids(s.list_cases(Some(&city), &all).await.unwrap());
    city_ids.sort();
    assert_eq!(city_ids, vec![id, theirs]);
    assert_eq!(
        ids(s.list_cases(Some(&officer), &all).await.unwrap()),
        vec![id]
    );
    assert_eq!(
        ids(s.list_cases(Some(&sibling), &all).await.unwrap()),
        vec![theirs]
    );
    assert!(s.get_case(Some(&city), id).await.unwrap().handler_view);

    // A viewer in the ward may not read cases; the collaborator who filed an item follows it,
    // seeing its own item only, no comments and no assignee.
    assert!(matches!(
        s.get_case(Some(&viewer), id).await,
        Err(StoreError::Forbidden { .. })
    ));
    assert!(s.list_cases(Some(&viewer), &all).await.unwrap().is_empty());
    s.comment(Some(&officer), id, "Ghi chú nội bộ")
        .await
        .unwrap();
    s.assign(Some(&officer), id, Some(officer.user_id))
        .await
        .unwrap();
    s.transition(Some(&officer), id, Transition::Verify)
        .await
        .unwrap();
    let seen = s.get_case(Some(&collab), id).await.unwrap();
    assert!(!seen.handler_view);
    assert_eq!(seen.case.status, CaseStatus::Verifying);
    assert_eq!(seen.items, vec![mine]);
    assert_eq!(seen.case.item_count, 1);
    assert!(seen.comments.is_empty());
    assert_eq!(seen.case.assignee_user_id, None);
    let listed = s.list_cases(Some(&collab), &all).await.unwrap();
    assert_eq!(ids(listed.clone()), vec![id]);
    assert_eq!(listed[0].assignee_user_id, None);
    // …but changes nothing.
    assert!(matches!(
        s.transition(Some(&collab), id, Transition::Reopen).await,
        Err(StoreError::Forbidden { .. })
    ));
    assert!(matches!(
        s.comment(Some(&collab), id, "x").await,
        Err(StoreError::Forbidden { .. })
    ));
    // The sibling's case holds nothing of the collaborator's: not found.
    assert!(matches!(
        s.get_case(Some(&collab), theirs).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn overdue_cases_are_listed(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "o@x.vn").await;
    let past = Utc::now() - Duration::hours(3);
    let mk = |title: &str, due: Option<chrono::DateTime<Utc>>| NewCase {
        due_at: due,
        ..new_case(WARD, title, Severity::Urgent, vec![])
    };
    let late = s
        .create_case(Some(&officer), mk("Trễ hạn", Some(past)))
        .await
        .unwrap();
    assert!(late.case.overdue);
    let later = s
        .create_case(
            Some(&officer),
            mk("Trễ hơn", Some(past - Duration::days(1))),
        )
        .await
        .unwrap();
    let fresh = s
        .create_case(Some(&officer), mk("Còn hạn", None))
        .await
        .unwrap();
    assert!(!fresh.case.overdue);
    let answered = s
        .create_case(Some(&officer), mk("Đã trả lời", Some(past)))
        .await
        .unwrap();
    for step in [
        Transition::Verify,
        Transition::Forward {
            to: "iHanoi".into(),
            reference: None,
        },
        Transition::Answer,
    ] {
        s.transition(Some(&officer), answered.case.id, step)
            .await
            .unwrap();
    }
    let overdue = CaseFilter {
        overdue: true,
        ..CaseFilter::default()
    };
    let list = s.list_cases(Some(&officer), &overdue).await.unwrap();
    // Most overdue first; answered and not-yet-due cases are not overdue.
    assert_eq!(
        list.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![later.case.id, late.case.id]
    );
    assert!(list.iter().all(|c| c.overdue));
    // Status filter.
    let verifying = CaseFilter {
        status: Some(CaseStatus::Answered),
        ..CaseFilter::default()
    };
    let list = s.list_cases(Some(&officer), &verifying).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, answered.case.id);
    assert!(!list[0].overdue);
    assert_eq!(
        s.list_cases(Some(&officer), &CaseFilter::default())
            .await
            .unwrap()
            .len(),
        4
    );
    // Reopening an answered case restarts its clock from now: no longer overdue.
    let c = s
        .transition(Some(&officer), answered.case.id, Transition::Reopen)
        .await
        .unwrap();
    assert!(c.case.due_at > Utc::now());
    assert!(!c.case.overdue);
}

pub async fn cases_merge_and_split(t: &TestDb) {
    let s = t.with_units().await;
    let ward = t.actor(Role::Officer, WARD, "o@x.vn").await;
    let city = t.actor(Role::Leader, "01", "l@x.vn").await;
    let n = Confidentiality::Normal;
    let a = item(t, None, WARD, "Tin đồn cắt nước ở Ba Đình", n).await;
    let b = item(t, None, WARD, "Hỏi về việc cắt nước", n).await;
    let c = item(t, None, SIBLING, "Ngọc Hà cũng nghe tin cắt nước", n).await;
    let d = item(t, None, SIBLING, "Cắt nước thật không?", n).await;
    let mk =
        |unit: &str, title: &str, items: Vec<i64>| new_case(unit, title, Severity::Urgent, items);
    let at_ward = s
        .create_case(Some(&ward), mk(WARD, "Ba Đình", vec![a, b]))
        .await
        .unwrap()
        .case
        .id;
    let at_sibling = s
        .create_case(Some(&city), mk(SIBLING, "Ngọc Hà", vec![c, d]))
        .await
        .unwrap()
        .case
        .id;
    let at_city = s
        .create_case(Some(&city), mk("01", "Toàn thành phố", vec![]))
        .await
        .unwrap()
        .case
        .id;

    // The ward officer cannot reach the sibling's case; nobody merges a case into itself or
    // a higher unit's case into a lower one's.
    let e = s
        .merge_cases(Some(&ward), at_ward, at_sibling)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    assert!(
        invalid(
            s.merge_cases(Some(&city), at_ward, at_ward)
                .await
                .unwrap_err()
        )
        .contains("itself")
    );
    assert!(
        invalid(
            s.merge_cases(Some(&city), at_ward, at_city)
                .await
                .unwrap_err()
        )
        .contains("higher unit")
    );
    // Both wards' cases into the city's.
    s.merge_cases(Some(&city), at_city, at_ward).await.unwrap();
    let merged = s
        .merge_cases(Some(&city), at_city, at_sibling)
        .await
        .unwrap();
    assert_eq!(merged.items, vec![a, b, c, d]);
    let gone = s.get_case(Some(&city), at_ward).await.unwrap();
    assert_eq!(gone.case.status, CaseStatus::Closed);
    assert!(gone.items.is_empty());
    assert!(
        invalid(
            s.merge_cases(Some(&city), at_city, at_ward)
                .await
                .unwrap_err()
        )
        .contains("closed")
    );

    // Split Ngọc Hà's items off again.
    let e = s
        .split_case(Some(&city), at_city, &[c, 999_999], "Ngọc Hà")
        .await
        .unwrap_err();
    assert!(invalid(e).contains("not in case"));
    let e = s
        .split_case(Some(&city), at_city, &[a, b, c, d], "Tất cả")
        .await
        .unwrap_err();
    assert!(invalid(e).contains("at least one item"));
    let e = s
        .split_case(Some(&city), at_city, &[], "Rỗng")
        .await
        .unwrap_err();
    assert!(invalid(e).contains("items"));
    let split = s
        .split_case(Some(&city), at_city, &[d, c, c], "Ngọc Hà riêng")
        .await
        .unwrap();
    assert_eq!(split.items, vec![c, d]);
    assert_eq!(split.case.status, CaseStatus::New);
    assert_eq!(split.case.severity, Severity::Urgent);
    assert_eq!(split.case.unit.as_str(), "01");
    assert_eq!(
        s.get_case(Some(&city), at_city).await.unwrap().items,
        vec![a, b]
    );
    // The ward officer cannot split the city's case.
    assert!(matches!(
        s.split_case(Some(&ward), at_city, &[a], "x").await,
        Err(StoreError::NotFound)
    ));
    let count = |action: &str| format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'");
    assert_eq!(t.count(&count("case.merge")).await, 2);
    assert_eq!(t.count(&count("case.merged")).await, 2);
    assert_eq!(t.count(&count("case.split")).await, 1);
    assert_eq!(t.count(&count("case.create")).await, 4);
}

/// The Government's yearly adjustments are kept, change deadlines, are audited and can be
/// changed only by a city administrator.
pub async fn calendar_adjustments_are_kept_audited_and_guarded(t: &TestDb) {
    use chrono::NaiveDate;
    use ykien_core::calendar::{Adjustment, DayKind};
    let s = t.with_units().await;
    let city_admin = t.actor(Role::Admin, "01", "admin@hn.vn").await;
    let ward_admin = t.actor(Role::Admin, WARD, "admin@badinh.vn").await;
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(); // a Tuesday
    let off = Adjustment {
        day,
        kind: DayKind::Off,
        name: "Nghỉ bù (thử)".into(),
    };
    assert!(s.work_calendar().await.unwrap().is_working_day(day));
    let e = s
        .set_calendar_day(Some(&ward_admin), &off)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    s.set_calendar_day(Some(&city_admin), &off).await.unwrap();
    let cal = s.work_calendar().await.unwrap();
    assert!(!cal.is_working_day(day));
    // Monday 30 November 2026, 16:00 Hanoi: 1.5 h that day, Tuesday off, due Wednesday 10:30.
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-30T16:00:00+07:00").unwrap();
    let due = Severity::Urgent.due_from(&cal, start.with_timezone(&Utc));
    assert_eq!(due.to_rfc3339(), "2026-12-02T03:30:00+00:00");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.set'")
            .await,
        1
    );
    // Replacing keeps one row; removing lets the rules decide again; removing twice is 404.
    let work = Adjustment {
        kind: DayKind::Work,
        ..off.clone()
    };
    s.set_calendar_day(Some(&city_admin), &work).await.unwrap();
    assert_eq!(s.calendar_adjustments().await.unwrap(), vec![work]);
    s.remove_calendar_day(Some(&city_admin), day).await.unwrap();
    assert!(s.calendar_adjustments().await.unwrap().is_empty());
    let e = s.remove_calendar_day(None, day).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let blank = Adjustment {
        name: "  ".into(),
        ..off
    };
    assert!(matches!(
        s.set_calendar_day(None, &blank).await.unwrap_err(),
        StoreError::Invalid { .. }
    ));
}
