//! Drafting on a real store (a SQLite file; PostgreSQL in a schema of its own when
//! `YKIEN_TEST_PG_URL` is set) with real units, items analysed by the real pipeline and
//! real cases: the draft's figures are the dashboard's for the same period, quotes leave with
//! personal data masked, a unit outside the actor's subtree does not exist, a flash report
//! tells a case, and finalizing numbers a draft.
//!
//! **Synthetic data**: the texts below were written for this test in the style of
//! collaborators' reports; people and phone numbers are invented; the units are real Hà Nội
//! wards.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::TestDb;
use ykien_core::{Actor, Role};
use ykien_docs::{Block, Document, Run, Section};
use ykien_listen::{WorkerConfig, drain};
use ykien_report::draft::{DraftRequest, Links, dashboard_query, draft_flash_on};
use ykien_report::period::local_midnight;
use ykien_report::{Lang, Period, ReportError, draft, finalize};
use ykien_store::{
    Channel, Confidentiality, NewCase, NewItem, NewUser, OpinionReport, Severity, Store, StoreError,
};

const CITY: &str = "01";
const WARD: &str = "00004"; // Phường Ba Đình
const OTHER: &str = "00008"; // Phường Ngọc Hà
const THIRD: &str = "00025"; // Phường Giảng Võ

async fn actor(store: &Store, role: Role, unit: &str, email: &str) -> Actor {
    let u = store
        .create_user(
            None,
            NewUser {
                name: format!("{role} of {unit}"),
                email: Some(email.into()),
                phone: None,
                password: None,
                role,
                unit: unit.into(),
                member_org: None,
            },
        )
        .await
        .expect("create user");
    store.actor(u.id).await.unwrap().expect("actor")
}

/// Collaborators' reports (text, the reporter's quote, proposal), by intended field.
const REPORTS: &[(&str, &str, &str)] = &[
    (
        "Rác thải sinh hoạt ở đầu ngõ không được thu gom nhiều ngày, bốc mùi hôi thối, người dân rất bức xúc.",
        "Rác để cả tuần không ai thu, mùi không chịu nổi",
        "Đề nghị UBND phường chỉ đạo công ty môi trường thu gom rác đúng giờ.",
    ),
    (
        "Cống thoát nước bị tắc, nước thải tràn ra đường gây ô nhiễm môi trường khu dân cư.",
        "Mưa xuống là nước thải tràn vào nhà",
        "Đề nghị UBND phường chỉ đạo công ty môi trường thu gom rác đúng giờ.",
    ),
    (
        "Vỉa hè bị lấn chiếm để bán hàng, người đi bộ phải đi xuống lòng đường rất nguy hiểm.",
        "Đi bộ mà phải xuống lòng đường, sợ lắm",
        "Đề nghị lực lượng trật tự đô thị ra quân xử lý lấn chiếm vỉa hè.",
    ),
    (
        "Mặt đường có nhiều ổ gà, xe máy đi qua rất nguy hiểm, đã có người bị ngã.",
        "Tối qua lại có người ngã ở ổ gà đầu phố",
        "Đề nghị sớm sửa chữa mặt đường.",
    ),
    (
        "Bệnh viện quá tải, người bệnh phải nằm ghép giường, người nhà rất vất vả.",
        "Nằm ghép ba người một giường",
        "Đề nghị tăng cường cơ sở vật chất cho bệnh viện.",
    ),
    (
        "Người dân phấn khởi vì tuyến phố mới được chỉnh trang sạch đẹp, có thêm cây xanh.",
        "Phố đẹp hẳn lên, ai cũng vui",
        "",
    ),
];

/// The same rumour, forwarded from several wards.
const RUMOUR: &str = "Tin đồn lan truyền trong các nhóm Zalo: từ tháng sau thành phố sẽ thu hồi \
                      toàn bộ đất hai bên đường vành đai, ai chưa làm sổ đỏ thì mất trắng.";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(d: NaiveDate, hour: i64) -> DateTime<Utc> {
    local_midnight(d) + Duration::hours(hour)
}

fn report_item(
    unit: &str,
    n: usize,
    text: &str,
    quote: &str,
    proposal: &str,
    when: DateTime<Utc>,
) -> NewItem {
    NewItem {
        unit: unit.into(),
        source: "test-report".into(),
        channel: Channel::Form,
        external_id: Some(format!("r-{unit}-{n}")),
        author_user_id: None,
        author_contact: None,
        occurred_at: Some(when),
        text: text.into(),
        title: None,
        report: OpinionReport {
            locality: Some(format!("Tổ dân phố số {}", n % 4 + 1)),
            // Every quote carries personal data, so that any quote printed shows the masking.
            quotes: Some(format!("{quote}, anh Nam số 0912 345 678 nói")),
            proposed_handling: (!proposal.is_empty()).then(|| proposal.to_string()),
            ..OpinionReport::default()
        },
        confidentiality: Confidentiality::Normal,
        dedup_text: String::new(),
    }
}

/// The month the report covers (November 2026) and October before it: items spread over
/// three wards, more in November; a rumour from three wards; one text with an e-mail and a
/// citizen ID in it.
async fn seed(store: &Store) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut n = 0;
    let wards = [WARD, OTHER, THIRD];
    for (month, per) in [(10u32, 1usize), (11, 3)] {
        for (k, (text, quote, proposal)) in REPORTS.iter().enumerate() {
            for r in 0..per {
                n += 1;
                let unit = wards[(k + r) % 3];
                let d = day(2026, month, 2 + ((k * 3 + r * 5) % 25) as u32);
                // A text of its own each (the intake drops a text sent twice by one source).
                let text = format!("{text} Ghi nhận lần {n}.");
                let item = report_item(unit, n, &text, quote, proposal, at(d, 9 + r as i64));
                let s = ykien_listen::submit(store, None, item)
                    .await
                    .expect("submit");
                ids.push(s.id);
            }
        }
    }
    for (i, unit) in wards.iter().enumerate() {
        n += 1;
        let text = format!("{RUMOUR}{}", ["", "!!", " ..."][i]);
        let item = report_item(
            unit,
            n,
            &text,
            "Nghe nói sắp thu hồi hết",
            "Đề nghị cơ quan chức năng sớm cải chính thông tin sai sự thật.",
            at(day(2026, 11, 20 + i as u32), 10),
        );
        ids.push(ykien_listen::submit(store, None, item).await.unwrap().id);
    }
    n += 1;
    let mut pii = report_item(
        WARD,
        n,
        "Chị Hoa (email hoa.nguyen@example.com, CCCD 001190012345) phản ánh đèn đường hỏng, ngõ tối.",
        "Ngõ tối om, đi về sợ lắm",
        "",
        at(day(2026, 11, 12), 20),
    );
    pii.report.quotes = Some("Gọi cho tôi: 0987.654.321 hoặc hoa.nguyen@example.com".into());
    ids.push(ykien_listen::submit(store, None, pii).await.unwrap().id);
    let r = drain(store, &WorkerConfig::default(), |_| {})
        .await
        .expect("drain");
    assert_eq!(r.failed, 0);
    ids
}

/// Every run and cell of the document, in order (headings as runs).
fn runs(doc: &Document) -> Vec<Run> {
    fn blocks(bs: &[Block], out: &mut Vec<Run>) {
        for b in bs {
            match b {
                Block::Paragraph { runs } => out.extend(runs.iter().cloned()),
                Block::List { entries } => {
                    entries.iter().for_each(|e| out.extend(e.iter().cloned()))
                }
                Block::Quote {
                    text,
                    attribution,
                    href,
                } => {
                    out.push(Run {
                        text: text.clone(),
                        href: href.clone(),
                        ..Run::default()
                    });
                    out.push(Run::plain(attribution.clone()));
                }
                Block::Table(t) | Block::Chart { table: t, .. } => {
                    for row in &t.rows {
                        for c in row {
                            out.push(Run {
                                text: c.text.clone(),
                                href: c.href.clone(),
                                ..Run::default()
                            });
                        }
                    }
                }
            }
        }
    }
    fn section(s: &Section, out: &mut Vec<Run>) {
        out.push(Run::bold(s.heading.clone()));
        blocks(&s.blocks, out);
        s.subsections.iter().for_each(|x| section(x, out));
    }
    let mut out = Vec::new();
    blocks(&doc.preamble, &mut out);
    doc.sections.iter().for_each(|s| section(s, &mut out));
    out
}

fn vi_int(n: u64) -> String {
    ykien_charts::num::int(u128::from(n), ykien_charts::Lang::Vi)
}

async fn figures_equal_the_dashboard(t: &TestDb) {
    let s = &t.store;
    let ids = seed(s).await;
    let leader = actor(s, Role::Leader, CITY, "leader@example.vn").await;
    // One collaborator in the ward, who filed nothing: the completion says 0 of 1.
    actor(s, Role::Collaborator, WARD, "ctv@example.vn").await;
    let period = Period::parse("2026-11").unwrap();
    let today = day(2026, 12, 5);

    for unit in [CITY, WARD] {
        let req = DraftRequest::new(unit, period.clone(), Lang::Vi, today);
        let doc = draft(s, Some(&leader), &req).await.expect("draft");
        let d = s
            .dashboard(&leader, &dashboard_query(unit, &period))
            .await
            .unwrap();
        let links = Links::new(unit, &period);
        let all = runs(&doc);
        // The total, linked to its items.
        let total = all
            .iter()
            .find(|r| r.href.as_deref() == Some(links.items(&[]).as_str()))
            .unwrap_or_else(|| panic!("no link to the period's items in {unit}'s draft"));
        assert_eq!(total.text, format!("{} ý kiến", vi_int(d.items.current)));
        assert!(d.items.current > 0);
        if unit == CITY {
            // 3 × 6 reports, 3 rumours, 1 with personal data: all in November.
            assert_eq!(d.items.current, 22);
            // The dashboard compares with the 30 days before (2–31 October): all six.
            assert_eq!(d.items.previous, 6);
        }
        // Every topic the dashboard counts, as the draft counts it (chart table and links).
        for k in d
            .topics
            .iter()
            .filter(|k| !k.key.is_empty() && k.count.current > 0)
            .take(5)
        {
            let href = links.items(&[("topic", &k.key)]);
            let r = all
                .iter()
                .find(|r| r.href.as_deref() == Some(href.as_str()))
                .unwrap_or_else(|| panic!("topic {} has no figure in the draft", k.key));
            assert!(
                r.text.starts_with(&vi_int(k.count.current)),
                "{}: draft says {:?}, dashboard {}",
                k.key,
                r.text,
                k.count.current
            );
        }
        // Sentiment.
        if let Some(neg) = d.sentiments.iter().find(|k| k.key == "negative") {
            let href = links.items(&[("sentiment", "negative")]);
            let r = all
                .iter()
                .find(|r| r.href.as_deref() == Some(href.as_str()))
                .unwrap();
            assert_eq!(r.text, format!("{} ý kiến", vi_int(neg.count.current)));
        }
        // Units below: each child's figure in the units chart equals the dashboard's.
        for c in d.children.iter().filter(|c| c.items.current > 0) {
            let href = links.for_unit(c.unit.id.as_str()).items(&[]);
            assert!(
                all.iter().any(|r| r.href.as_deref() == Some(href.as_str())),
                "child {} not linked",
                c.unit.id.as_str()
            );
        }

        // The reporting cycle's completion, in the general situation.
        let pre = serde_json::to_string(&doc.preamble).unwrap();
        assert!(pre.contains("0/1 cộng tác viên đã báo cáo"), "{pre}");

        // Header and sections.
        assert_eq!(doc.header.number, "Số:      /BC-MTTQ-BTT");
        assert_eq!(doc.header.place_date, "Hà Nội, ngày 05 tháng 12 năm 2026");
        assert_eq!(doc.header.draft_mark, "DỰ THẢO");
        assert_eq!(doc.kind_title, "BÁO CÁO");
        let headings: Vec<&str> = doc.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings.len(), 5);
        for (h, p) in headings.iter().zip(["I.", "II.", "III.", "IV.", "V."]) {
            assert!(h.starts_with(p), "{h}");
        }
        if unit == CITY {
            assert_eq!(
                doc.header.superior_body,
                "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI"
            );
            assert_eq!(doc.header.issuing_body, "BAN THƯỜNG TRỰC");
            assert_eq!(doc.summary, "Tình hình dư luận xã hội tháng 11 năm 2026");
        } else {
            assert_eq!(
                doc.header.superior_body,
                "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI"
            );
            assert_eq!(
                doc.header.issuing_body,
                "ỦY BAN MTTQ VIỆT NAM PHƯỜNG BA ĐÌNH"
            );
        }

        // Personal data never leaves, whoever drafts (the leader may see it in the UI).
        let json = serde_json::to_string(&doc).unwrap();
        for secret in ["345 678", "0912", "654.321", "hoa.nguyen@", "001190012345"] {
            assert!(
                !json.contains(secret),
                "{secret} leaked into {unit}'s draft"
            );
        }
        assert!(json.contains("[SĐT]"), "no quote in {unit}'s draft");

        // The rumour from three wards, as one matter, in the city's section III.
        let s3 = &doc.sections[2];
        let quotes: Vec<&Block> = s3
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Quote { .. }))
            .collect();
        if unit == CITY {
            assert_eq!(quotes.len(), 1, "{:?}", s3.blocks);
            let Block::Quote {
                text, attribution, ..
            } = quotes[0]
            else {
                unreachable!()
            };
            assert!(text.starts_with("Tin đồn"), "{text}");
            assert!(
                attribution.contains("3 ý kiến") && attribution.contains("3 đơn vị"),
                "{attribution}"
            );
        }
        // Proposals, counted once per wording.
        let s5 = serde_json::to_string(&doc.sections[4]).unwrap();
        assert!(s5.contains("thu gom rác đúng giờ"), "{s5}");
    }

    // The previous period of the draft is the dashboard's (the same length, just before).
    let w = Period::parse("2026-11-16..2026-11-30").unwrap();
    let doc = draft(
        s,
        Some(&leader),
        &DraftRequest::new(CITY, w.clone(), Lang::En, today),
    )
    .await
    .unwrap();
    let d = s
        .dashboard(&leader, &dashboard_query(CITY, &w))
        .await
        .unwrap();
    let prev = Period {
        from: d.previous_from,
        to: d.from,
        ..w.clone()
    };
    let href = Links::new(CITY, &prev).items(&[]);
    assert!(
        runs(&doc)
            .iter()
            .any(|r| r.href.as_deref() == Some(href.as_str())
                && r.text
                    .ends_with(&format!(": {} opinions", d.items.previous))),
        "{href}"
    );
    assert_eq!(doc.kind_title, "REPORT");

    // Finalized: numbered, dated the day of issue, no draft mark.
    let done = finalize(&doc, "05/BC-MTTQ-BTT", day(2027, 1, 4));
    assert_eq!(done.header.number, "No.: 05/BC-MTTQ-BTT");
    assert_eq!(done.header.place_date, "Hà Nội, 4 January 2027");
    assert!(done.header.draft_mark.is_empty());
    assert_eq!(done.sections, doc.sections);
    let vi = draft(
        s,
        Some(&leader),
        &DraftRequest::new(WARD, period.clone(), Lang::Vi, today),
    )
    .await
    .unwrap();
    let done = finalize(&vi, "05/BC-MTTQ-BTT", day(2027, 1, 4));
    assert_eq!(done.header.number, "Số: 05/BC-MTTQ-BTT");
    assert_eq!(done.header.place_date, "Hà Nội, ngày 04 tháng 01 năm 2027");

    // Flash report on a case of the rumour's items.
    let officer = actor(s, Role::Officer, CITY, "officer@example.vn").await;
    let rumour_ids: Vec<i64> = ids[ids.len() - 4..ids.len() - 1].to_vec();
    let case = s
        .create_case(
            Some(&officer),
            NewCase {
                unit: CITY.into(),
                title: "Tin đồn thu hồi đất hai bên đường vành đai".into(),
                severity: Severity::Urgent,
                item_ids: rumour_ids.clone(),
                due_at: None,
            },
        )
        .await
        .expect("case");
    let (flash, fp) = draft_flash_on(s, Some(&officer), case.case.id, Lang::Vi, today)
        .await
        .expect("flash");
    assert_eq!(flash.kind_title, "BÁO CÁO NHANH");
    assert!(
        flash.summary.contains("Tin đồn thu hồi đất"),
        "{}",
        flash.summary
    );
    assert_eq!(fp.kind, ykien_store::ReportKind::Flash);
    assert_eq!(fp.first_day(), day(2026, 11, 20));
    assert_eq!(fp.last_day(), today);
    let fjson = serde_json::to_string(&flash).unwrap();
    assert!(fjson.contains("3 ý kiến"), "{fjson}");
    assert!(fjson.contains(&format!("/cases/{}", case.case.id)));
    assert!(!fjson.contains("0912"), "{fjson}");
    assert_eq!(flash.sections.len(), 4);
}

async fn out_of_scope_is_not_found(t: &TestDb) {
    let s = &t.store;
    seed(s).await;
    let ward_officer = actor(s, Role::Officer, WARD, "ward@example.vn").await;
    let period = Period::parse("2026-11").unwrap();
    let today = day(2026, 12, 5);
    // Its own ward drafts, with the city above it in the header.
    let own = draft(
        s,
        Some(&ward_officer),
        &DraftRequest::new(WARD, period.clone(), Lang::Vi, today),
    )
    .await
    .expect("own ward");
    assert_eq!(
        own.header.superior_body,
        "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI"
    );
    for unit in [OTHER, CITY, "99999", "001"] {
        let e = draft(
            s,
            Some(&ward_officer),
            &DraftRequest::new(unit, period.clone(), Lang::Vi, today),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(e, ReportError::Store(StoreError::NotFound)),
            "{unit}: {e:?}"
        );
    }
    // The system (the CLI) drafts any unit.
    draft(s, None, &DraftRequest::new(OTHER, period, Lang::Vi, today))
        .await
        .expect("system");
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = super::TestDb::sqlite().await;
                    super::$name(&t).await;
                    t.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(t) = super::TestDb::postgres().await else { return };
                    super::$name(&t).await;
                    t.cleanup().await;
                }
            )*
        }
    };
}

on_both_backends!(figures_equal_the_dashboard, out_of_scope_is_not_found);

#[test]
fn periods_parse_from_the_command_line_forms() {
    assert_eq!(Period::parse("2026-11").unwrap().day_count(), 30);
    assert!(matches!(
        Period::parse("2026-13"),
        Err(ReportError::Period(_))
    ));
    assert!(matches!(
        Period::parse("2026-W60"),
        Err(ReportError::Period(_))
    ));
}
