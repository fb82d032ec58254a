//! Reports: drafts scoped and guarded like cases, optimistic concurrency on edits, issuing
//! under a number from the unit's register (per year in Hà Nội time and type code, never
//! shared even by concurrent issues), frozen once issued, every change audited.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ykien_core::Role;
use ykien_store::{
    NewCase, NewReport, ReportFilter, ReportKind, ReportStatus, Severity, StoreError, register_year,
};

use crate::harness::TestDb;

const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

fn draft(unit: &str, title: &str) -> NewReport {
    let from = Utc.with_ymd_and_hms(2026, 10, 31, 17, 0, 0).unwrap();
    NewReport {
        unit: unit.into(),
        kind: ReportKind::Month,
        from,
        to: Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap(),
        case_id: None,
        title: title.into(),
        body: format!("{{\"title\":{title:?}}}"),
    }
}

fn symbol(n: i64) -> String {
    format!("{n:02}/BC-MTTQ-BTT")
}

fn body(n: i64, s: &str) -> String {
    format!("{{\"number\":{n},\"symbol\":{s:?}}}")
}

fn is_forbidden(e: &StoreError) -> bool {
    matches!(e, StoreError::Forbidden { .. })
}

pub async fn reports_are_scoped_guarded_frozen_and_audited(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "rp.officer@badinh.vn").await;
    let other = t
        .actor(Role::Officer, SIBLING, "rp.officer@ngocha.vn")
        .await;
    let ctv = t.actor(Role::Collaborator, WARD, "rp.ctv@badinh.vn").await;
    let viewer = t.actor(Role::Viewer, WARD, "rp.viewer@badinh.vn").await;
    let editor = t.actor(Role::Editor, WARD, "rp.editor@badinh.vn").await;
    let leader = t.actor(Role::Leader, "01", "rp.leader@hn.vn").await;

    // Creating: handlers of the unit's subtree only.
    for a in [&ctv, &viewer, &editor] {
        let e = s
            .create_report(Some(a), &draft(WARD, "Tháng 11"))
            .await
            .unwrap_err();
        assert!(is_forbidden(&e), "{e:?}");
    }
    let e = s
        .create_report(Some(&other), &draft(WARD, "Tháng 11"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let e = s
        .create_report(Some(&officer), &draft("no-such-unit", "x"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let e = s
        .create_report(Some(&officer), &draft(WARD, "   "))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    let mut backwards = draft(WARD, "Ngược");
    backwards.to = backwards.from - Duration::days(1);
    let e = s
        .create_report(Some(&officer), &backwards)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    assert_eq!(t.count("SELECT COUNT(*) FROM reports").await, 0);

    let r = s
        .create_report(Some(&officer), &draft(WARD, "  Tình hình tháng 11/2026 "))
        .await
        .unwrap();
    assert_eq!(r.title, "Tình hình tháng 11/2026");
    assert_eq!(r.status, ReportStatus::Draft);
    assert_eq!((r.number, r.symbol.as_deref()), (None, None));
    assert_eq!(r.unit.as_str(), WARD);
    assert_eq!(r.created_by, Some(officer.user_id));
    assert_eq!(r.created_by_name.as_deref(), Some(officer.name.as_str()));
    assert_eq!(
        r.body, "{\"title\":\"  Tình hình tháng 11/2026 \"}",
        "kept opaque"
    );

    // Reading: need-to-know roles in scope; outside it, not found.
    assert_eq!(s.get_report(Some(&leader), r.id).await.unwrap().id, r.id);
    assert!(matches!(
        s.get_report(Some(&other), r.id).await.unwrap_err(),
        StoreError::NotFound
    ));
    for a in [&ctv, &viewer] {
        assert!(is_forbidden(
            &s.get_report(Some(a), r.id).await.unwrap_err()
        ));
    }
    assert!(matches!(
        s.get_report(Some(&officer), r.id + 1000).await.unwrap_err(),
        StoreError::NotFound
    ));
    assert_eq!(
        s.list_reports(Some(&officer), &ReportFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        s.list_reports(Some(&other), &ReportFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    let e = s
        .list_reports(
            Some(&officer),
            &ReportFilter {
                unit: Some(SIBLING.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let issued_only = ReportFilter {
        status: Some(ReportStatus::Issued),
        ..Default::default()
    };
    assert!(
        s.list_reports(Some(&leader), &issued_only)
            .await
            .unwrap()
            .is_empty()
    );

    // Editing with optimistic concurrency: a stale timestamp is refused, even within a second.
    let opened = r.updated_at;
    let r2 = s
        .update_report(Some(&officer), r.id, "Sửa lần 1", "{\"v\":1}", Some(opened))
        .await
        .unwrap();
    assert!(r2.updated_at > opened, "updated_at strictly increases");
    let e = s
        .update_report(Some(&leader), r.id, "Sửa chồng", "{\"v\":2}", Some(opened))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    let r3 = s
        .update_report(
            Some(&leader),
            r.id,
            "Sửa lần 2",
            "{\"v\":2}",
            Some(r2.updated_at),
        )
        .await
        .unwrap();
    assert!(r3.updated_at > r2.updated_at);
    assert_eq!(
        (r3.title.as_str(), r3.body.as_str()),
        ("Sửa lần 2", "{\"v\":2}")
    );
    let e = s
        .update_report(Some(&other), r.id, "x", "{}", None)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let e = s
        .update_report(Some(&ctv), r.id, "x", "{}", None)
        .await
        .unwrap_err();
    assert!(is_forbidden(&e), "{e:?}");

    // Flash reports: about one case the actor can see.
    let flash = |case_id: Option<i64>| NewReport {
        kind: ReportKind::Flash,
        case_id,
        ..draft(WARD, "Báo cáo nhanh")
    };
    let e = s
        .create_report(Some(&officer), &flash(None))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    let far_case = s
        .create_case(
            Some(&other),
            NewCase {
                unit: SIBLING.into(),
                title: "Vụ ở Ngọc Hà".into(),
                severity: Severity::Urgent,
                item_ids: vec![],
                due_at: None,
            },
        )
        .await
        .unwrap();
    let e = s
        .create_report(Some(&officer), &flash(Some(far_case.case.id)))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let e = s
        .create_report(Some(&officer), &flash(Some(999_999)))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let near_case = s
        .create_case(
            Some(&officer),
            NewCase {
                unit: WARD.into(),
                title: "Vụ ở Ba Đình".into(),
                severity: Severity::Urgent,
                item_ids: vec![],
                due_at: None,
            },
        )
        .await
        .unwrap();
    let f = s
        .create_report(Some(&officer), &flash(Some(near_case.case.id)))
        .await
        .unwrap();
    assert_eq!(
        (f.kind, f.case_id),
        (ReportKind::Flash, Some(near_case.case.id))
    );
    let e = s
        .create_report(
            Some(&officer),
            &NewReport {
                case_id: Some(near_case.case.id),
                ..draft(WARD, "Tháng có vụ")
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");

    // Issuing: the register's next number, the final body, frozen afterwards.
    let at = Utc.with_ymd_and_hms(2026, 11, 30, 3, 0, 0).unwrap();
    let e = s
        .issue_report(Some(&ctv), r.id, "BC", at, &symbol, &body)
        .await
        .unwrap_err();
    assert!(is_forbidden(&e), "{e:?}");
    let e = s
        .issue_report(Some(&officer), r.id, "B C", at, &symbol, &body)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    let issued = s
        .issue_report(Some(&officer), r.id, "bc", at, &symbol, &body)
        .await
        .unwrap();
    assert_eq!(issued.status, ReportStatus::Issued);
    assert_eq!(issued.number, Some(1));
    assert_eq!(issued.symbol.as_deref(), Some("01/BC-MTTQ-BTT"));
    assert_eq!(issued.body, body(1, "01/BC-MTTQ-BTT"));
    assert_eq!(issued.issued_at, Some(at));
    assert_eq!(issued.issued_by, Some(officer.user_id));
    let e = s
        .issue_report(Some(&officer), r.id, "BC", at, &symbol, &body)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    let e = s
        .update_report(Some(&officer), r.id, "Sửa sau khi ban hành", "{}", None)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    let e = s.delete_report(Some(&officer), r.id).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    assert_eq!(
        s.get_report(Some(&officer), r.id).await.unwrap().body,
        body(1, "01/BC-MTTQ-BTT"),
        "the issued body is unchanged"
    );
    // The flash report takes the next number of the same register; another type code has
    // its own sequence.
    let f = s
        .issue_report(Some(&officer), f.id, "BC", at, &symbol, &body)
        .await
        .unwrap();
    assert_eq!(f.number, Some(2));
    let tb = s
        .create_report(Some(&officer), &draft(WARD, "Thông báo"))
        .await
        .unwrap();
    let tb = s
        .issue_report(
            Some(&officer),
            tb.id,
            "TB",
            at,
            &|n| format!("{n:02}/TB-MTTQ"),
            &body,
        )
        .await
        .unwrap();
    assert_eq!(tb.number, Some(1));
    assert_eq!(
        s.list_reports(Some(&leader), &issued_only)
            .await
            .unwrap()
            .len(),
        3
    );

    let reg = s.register(Some(&officer), WARD, 2026).await.unwrap();
    let lines: Vec<(String, i64, String, Option<i64>)> = reg
        .iter()
        .map(|e| (e.type_code.clone(), e.number, e.symbol.clone(), e.report_id))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("BC".into(), 1, "01/BC-MTTQ-BTT".into(), Some(r.id)),
            ("BC".into(), 2, "02/BC-MTTQ-BTT".into(), Some(f.id)),
            ("TB".into(), 1, "01/TB-MTTQ".into(), Some(tb.id)),
        ]
    );
    assert!(
        s.register(Some(&officer), WARD, 2025)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        s.register(Some(&other), WARD, 2026).await.unwrap_err(),
        StoreError::NotFound
    ));
    assert!(is_forbidden(
        &s.register(Some(&ctv), WARD, 2026).await.unwrap_err()
    ));
    assert!(
        s.register(Some(&other), SIBLING, 2026)
            .await
            .unwrap()
            .is_empty()
    );

    // Deleting a draft.
    let gone = s
        .create_report(Some(&officer), &draft(WARD, "Bỏ"))
        .await
        .unwrap();
    assert!(matches!(
        s.delete_report(Some(&other), gone.id).await.unwrap_err(),
        StoreError::NotFound
    ));
    s.delete_report(Some(&officer), gone.id).await.unwrap();
    assert!(matches!(
        s.get_report(Some(&officer), gone.id).await.unwrap_err(),
        StoreError::NotFound
    ));

    // Every change audited, with the unit's path.
    for (action, n) in [
        ("report.create", 4),
        ("report.update", 2),
        ("report.issue", 3),
        ("report.delete", 1),
    ] {
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' \
                 AND unit_path LIKE '%/{WARD}/'"
            ))
            .await,
            n,
            "{action}"
        );
    }
}

pub async fn report_register_restarts_each_year_in_hanoi_time(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "rg.officer@badinh.vn").await;
    // 23:59:59 on 31 December in Hà Nội is still 2026; one second later it is 2027.
    let last = Utc.with_ymd_and_hms(2026, 12, 31, 16, 59, 59).unwrap();
    let first = last + Duration::seconds(1);
    assert_eq!((register_year(last), register_year(first)), (2026, 2027));

    let mut numbers: Vec<(i64, i32)> = Vec::new();
    for (i, at) in [last, last, first, first + Duration::days(40)]
        .into_iter()
        .enumerate()
    {
        let d = s
            .create_report(Some(&officer), &draft(WARD, &format!("Báo cáo {i}")))
            .await
            .unwrap();
        let r = s
            .issue_report(Some(&officer), d.id, "BC", at, &symbol, &body)
            .await
            .unwrap();
        numbers.push((r.number.unwrap(), register_year(r.issued_at.unwrap())));
    }
    assert_eq!(numbers, vec![(1, 2026), (2, 2026), (1, 2027), (2, 2027)]);
    let y2026 = s.register(Some(&officer), WARD, 2026).await.unwrap();
    let y2027 = s.register(Some(&officer), WARD, 2027).await.unwrap();
    assert_eq!(y2026.iter().map(|e| e.number).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(y2027.iter().map(|e| e.number).collect::<Vec<_>>(), [1, 2]);
    assert!(y2027.iter().all(|e| e.year == 2027));

    // The register refuses a duplicate number whatever the code does.
    let dup = t
        .exec(&format!(
            "INSERT INTO report_numbers (unit_id, year, type_code, number, symbol, issued_at) \
             VALUES ('{WARD}', 2027, 'BC', 2, 'dup', 0)"
        ))
        .await;
    assert!(
        dup.is_err(),
        "a duplicate number is refused by the database"
    );
}

pub async fn concurrent_issues_never_share_a_number(t: &TestDb) {
    let s = t.with_units().await;
    let officer = t.actor(Role::Officer, WARD, "cc.officer@badinh.vn").await;
    let leader = t.actor(Role::Leader, WARD, "cc.leader@badinh.vn").await;
    let at: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap();
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(
            s.create_report(Some(&officer), &draft(WARD, &format!("Đồng thời {i}")))
                .await
                .unwrap()
                .id,
        );
    }
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().copied().enumerate() {
        let s = s.clone();
        let a = if i % 2 == 0 {
            officer.clone()
        } else {
            leader.clone()
        };
        tasks.push(tokio::spawn(async move {
            s.issue_report(Some(&a), id, "BC", at, &symbol, &body).await
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(
            task.await
                .unwrap()
                .expect("every issue succeeds")
                .number
                .unwrap(),
        );
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=8).collect::<Vec<i64>>());

    // Two issues of the same draft at once: one number is given, the other is refused.
    let d = s
        .create_report(Some(&officer), &draft(WARD, "Một bản"))
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        s.issue_report(Some(&officer), d.id, "BC", at, &symbol, &body),
        s.issue_report(Some(&leader), d.id, "BC", at, &symbol, &body),
    );
    let ok: Vec<_> = [&a, &b].into_iter().filter(|r| r.is_ok()).collect();
    assert_eq!(ok.len(), 1, "{a:?} {b:?}");
    assert!(
        [&a, &b]
            .into_iter()
            .any(|r| matches!(r, Err(StoreError::Conflict { .. })))
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM report_numbers").await,
        9,
        "no number was taken for the refused issue"
    );
    assert_eq!(
        t.count("SELECT COUNT(DISTINCT number) FROM report_numbers")
            .await,
        9
    );
}
