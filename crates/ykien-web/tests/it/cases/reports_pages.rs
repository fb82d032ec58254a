//! Pages of the reports (issue 7), over real sockets: an officer drafts the monthly report of
//! the ward from the data, checks its figures against the dashboard of the same period,
//! edits a paragraph, saves (and a stale save is refused with the text kept), exports DOCX,
//! PDF and HTML, issues it (number 1, then 2 for the next), and an issued report is frozen;
//! a flash report on a case; another ward's officer gets 404, a collaborator 403.

use std::io::Read;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use ykien_core::Role;
use ykien_docs::{Block, Document, Header, Recipients, Run, Section, Signature};
use ykien_store::{
    AnalysisRecord, Channel, Confidentiality, NewCase, NewItem, NewReport, OpinionReport,
    ReportKind, Severity,
};

use crate::Backend;
use crate::harness::{App, csrf_field, sign_in, test_config};

const PW: &str = "a long enough password";
const WARD: &str = "00004"; // Phường Ba Đình
const OTHER_WARD: &str = "00008"; // Phường Ngọc Hà

/// A small document, as a draft of the system's would be stored.
pub fn sample_document(summary: &str) -> Document {
    Document {
        header: Header {
            superior_body: "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI".into(),
            issuing_body: "BAN THƯỜNG TRỰC".into(),
            national_title: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
            motto: "Độc lập - Tự do - Hạnh phúc".into(),
            number: "Số:      /BC-MTTQ-BTT".into(),
            place_date: "Hà Nội, ngày      tháng      năm 2026".into(),
            draft_mark: "DỰ THẢO".into(),
        },
        kind_title: "BÁO CÁO".into(),
        summary: summary.into(),
        preamble: vec![],
        sections: vec![Section {
            heading: "I. TÌNH HÌNH CHUNG".into(),
            blocks: vec![Block::Paragraph {
                runs: vec![Run::plain("Nội dung thử.")],
            }],
            subsections: vec![],
        }],
        recipients: Recipients {
            label: "Nơi nhận:".into(),
            entries: vec!["- Lưu: VT.".into()],
        },
        signature: Signature {
            authority: "TM. BAN THƯỜNG TRỰC".into(),
            title: "CHỦ TỊCH".into(),
            name: String::new(),
        },
        footnote: String::new(),
    }
}

/// A draft saved by the system in `unit` (None where the unit is not in the database).
pub async fn try_draft_as_system(app: &App, unit: &str) -> Option<i64> {
    let to = Utc::now();
    let summary = format!("Báo cáo thử của đơn vị {unit}");
    let new = NewReport {
        unit: unit.to_string(),
        kind: ReportKind::Custom,
        from: to - Duration::days(7),
        to,
        case_id: None,
        title: summary.clone(),
        body: serde_json::to_string(&sample_document(&summary)).unwrap(),
    };
    app.store.create_report(None, &new).await.ok().map(|r| r.id)
}

async fn person(app: &App, role: Role, unit: &str, email: &str) -> reqwest::Client {
    app.user(role, unit, email, Some(PW)).await;
    sign_in(app, email, PW).await
}

/// Files an item as the system, heard a minute ago.
async fn heard(app: &App, unit: &str, text: &str) -> i64 {
    app.store
        .submit_item(
            None,
            NewItem {
                unit: unit.into(),
                source: "reports-web-test".into(),
                channel: Channel::Import,
                external_id: None,
                author_user_id: None,
                author_contact: None,
                occurred_at: Some(Utc::now() - Duration::minutes(1)),
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

/// Runs the queued analyses as the pipeline would: rubbish is about the environment and
/// negative, anything else about traffic and neutral.
async fn analyse_all(app: &App) {
    while let Some(job) = app
        .store
        .claim_job("test", std::time::Duration::from_secs(60))
        .await
        .unwrap()
    {
        let rubbish = job.text.contains("Rác");
        let rec = AnalysisRecord {
            analysis: serde_json::json!({ "pii": [] }),
            language: Some("vi".into()),
            spam_label: Some("none".into()),
            spam_score: Some(0.01),
            is_hidden: false,
            sentiment: Some(if rubbish { "negative" } else { "neutral" }.into()),
            topic: Some(
                if rubbish {
                    "environment"
                } else {
                    "traffic_urban"
                }
                .into(),
            ),
            text_masked: job.text.clone(),
            search_text: String::new(),
            places: vec![],
        };
        assert!(app.store.complete_analysis(&job, &rec).await.unwrap());
    }
}

async fn get(app: &App, b: &reqwest::Client, path: &str) -> reqwest::Response {
    b.get(app.url(path)).send().await.unwrap()
}

async fn page(app: &App, b: &reqwest::Client, path: &str) -> String {
    let res = get(app, b, path).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {text}");
    text
}

/// Posts a form with the CSRF token of the page at `from`.
async fn post(
    app: &App,
    b: &reqwest::Client,
    from: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = csrf_field(&page(app, b, from).await);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    b.post(app.url(path)).form(&all).send().await.unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

/// The report id in a redirect to `/reports/{id}?done=…`.
fn report_in(location: &str) -> i64 {
    location
        .strip_prefix("/reports/")
        .and_then(|r| r.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a report: {location}"))
}

/// The value of the field `name` in a page (an input's value or a textarea's text), with
/// the HTML escapes askama writes undone.
fn field(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let raw = if html[tag_start..].starts_with("<textarea") {
        let open = at + html[at..].find('>')? + 1;
        &html[open..open + html[open..].find("</textarea>")?]
    } else {
        let v = at + html[at..].find("value=\"")? + "value=\"".len();
        &html[v..v + html[v..].find('"')?]
    };
    Some(
        raw.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// Every field name of the editor's text boxes, in page order.
fn text_boxes(html: &str) -> Vec<String> {
    html.match_indices("name=\"p:")
        .map(|(i, _)| {
            let s = &html[i + 6..];
            s[..s.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The headline figure `key` of a dashboard page.
fn figure(html: &str, key: &str) -> String {
    let at = html
        .find(&format!("data-figure=\"{key}\""))
        .unwrap_or_else(|| panic!("figure {key} in {html}"));
    let rest = &html[at..];
    let i = rest.find("class=\"value\"").unwrap();
    let s = &rest[i..];
    let open = s.find('>').unwrap() + 1;
    s[open..open + s[open..].find('<').unwrap()].to_string()
}

/// The text of `word/document.xml` in a DOCX.
fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

pub async fn officer_drafts_edits_exports_and_issues_a_monthly_report(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let officer = person(&app, Role::Officer, WARD, "canbo@badinh.example.org").await;
    let stranger = person(&app, Role::Officer, OTHER_WARD, "canbo@ngocha.example.org").await;
    let collaborator = person(&app, Role::Collaborator, WARD, "ctv@badinh.example.org").await;
    for k in 0..4 {
        heard(&app, WARD, &format!("Rác thải ùn ứ ở ngõ {k} phố Đội Cấn")).await;
    }
    for k in 0..3 {
        heard(&app, WARD, &format!("Ùn tắc giao thông ở nút giao số {k}")).await;
    }
    for k in 0..2 {
        heard(
            &app,
            OTHER_WARD,
            &format!("Rác thải ở chợ Ngọc Hà, lần {k}"),
        )
        .await;
    }
    analyse_all(&app).await;
    let today = (Utc::now() + Duration::hours(7)).date_naive();
    let month = today.format("%Y-%m").to_string();
    let first = today.with_day(1).unwrap();
    let last = NaiveDate::from_ymd_opt(
        first.year() + i32::from(first.month() == 12),
        first.month() % 12 + 1,
        1,
    )
    .unwrap()
        - Duration::days(1);

    // The list and its form: for handlers only; the nav offers it to them.
    let list = page(&app, &officer, "/reports").await;
    assert!(list.contains("action=\"/reports\""), "{list}");
    assert!(
        list.contains("href=\"/reports\""),
        "the nav links the reports"
    );
    let res = get(&app, &collaborator, "/reports").await;
    assert_eq!(res.status(), 403);
    let home = page(&app, &collaborator, "/dashboard").await;
    assert!(
        !home.contains("href=\"/reports\""),
        "no reports in a collaborator's nav"
    );

    // A period that cannot be read: the form again, with what was typed.
    let res = post(
        &app,
        &officer,
        "/reports",
        "/reports",
        &[("unit", WARD), ("kind", "month"), ("month", "2026-13")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("id=\"form-error\"") && html.contains("2026-13"),
        "{html}"
    );

    // Draft the month of the ward.
    let res = post(
        &app,
        &officer,
        "/reports",
        "/reports",
        &[
            ("unit", WARD),
            ("kind", "month"),
            ("month", &month),
            ("lang", "vi"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let at = location(&res);
    assert!(at.ends_with("?done=created"), "{at}");
    let id = report_in(&at);
    let path = format!("/reports/{id}");
    let html = page(&app, &officer, &at).await;
    assert!(html.contains("data-status=\"draft\""));
    assert!(html.contains("class=\"yk-doc"), "the document's preview");
    assert!(html.contains("/reports/document.css"));
    assert!(!html.contains(" style=\""), "no inline style (CSP)");

    // Its figures are the dashboard's for the same days.
    let same = format!(
        "/dashboard/{WARD}?from={}&amp;to={}",
        first.format("%Y-%m-%d"),
        last.format("%Y-%m-%d")
    );
    assert!(
        html.replace("&#38;", "&amp;").contains(&same),
        "links {same}"
    );
    let dash = page(&app, &officer, &same.replace("&amp;", "&")).await;
    assert_eq!(figure(&dash, "items"), "7", "the ward's items in the month");
    let items_link = format!(
        "href=\"/items?unit={WARD}&amp;from={}&amp;to={}\">7 ý kiến</a>",
        first.format("%Y-%m-%d"),
        last.format("%Y-%m-%d")
    );
    assert!(
        html.contains(&items_link),
        "the report counts the ward's 7 items with a link to them"
    );
    let list = page(&app, &officer, "/reports").await;
    assert!(list.contains(&format!("data-report-id=\"{id}\"")), "listed");

    // Edit the first paragraph and save.
    let boxes = text_boxes(&html);
    let target = boxes
        .iter()
        .find(|n| field(&html, n).is_some_and(|t| !t.trim().is_empty()))
        .expect("a paragraph to edit")
        .clone();
    let stamp = field(&html, "updated_at").unwrap();
    let edited = format!("Đoạn văn do cán bộ phường sửa lại {id}.");
    let old_text = field(&html, &target).unwrap();
    let new_text = format!("{edited}\n\n{old_text}");
    let res = post(
        &app,
        &officer,
        &path,
        &path,
        &[
            ("updated_at", &stamp),
            (&target, &new_text),
            ("signer", "Nguyễn Thị Hà"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    assert_eq!(location(&res), format!("{path}?done=saved"));
    let html = page(&app, &officer, &path).await;
    assert!(html.contains(&edited), "the preview shows the edit");
    assert!(html.contains("Nguyễn Thị Hà"));
    assert!(
        html.contains(&items_link),
        "the figures and their links are kept"
    );

    // A save over a newer version is refused and keeps what was typed.
    let mine = format!("Một chỗ sửa đã cũ {id}.");
    let res = post(
        &app,
        &officer,
        &path,
        &path,
        &[("updated_at", &stamp), (&target, &mine)],
    )
    .await;
    assert_eq!(res.status(), 409);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"form-error\""));
    assert_eq!(
        field(&html, &target).as_deref(),
        Some(mine.as_str()),
        "typed text kept"
    );
    assert!(
        !page(&app, &officer, &path).await.contains(&mine),
        "not saved"
    );

    // Exports.
    let res = get(&app, &officer, &format!("{path}/export?format=docx")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        ykien_docs::Format::Docx.content_type()
    );
    let cd = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cd.starts_with("attachment;")
            && cd.contains(&format!("filename=\"bao-cao-{month}-phuong-ba-dinh.docx\""))
            && cd.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o"),
        "{cd}"
    );
    let xml = docx_text(&res.bytes().await.unwrap());
    assert!(xml.contains(&edited), "the DOCX holds the edited text");
    let res = get(&app, &officer, &format!("{path}/export?format=pdf")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let res = get(&app, &officer, &format!("{path}/export?format=html")).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let standalone = res.text().await.unwrap();
    assert!(
        standalone
            .to_ascii_lowercase()
            .starts_with("<!doctype html")
    );
    assert!(standalone.contains(&edited));
    let res = get(&app, &officer, &format!("{path}/export?format=odt")).await;
    assert_eq!(res.status(), 400);

    // Another ward's officer: not found; a collaborator of the ward: forbidden.
    for p in [path.clone(), format!("{path}/export?format=pdf")] {
        assert_eq!(get(&app, &stranger, &p).await.status(), 404, "{p}");
        assert_eq!(get(&app, &collaborator, &p).await.status(), 403, "{p}");
    }
    let res = post(&app, &stranger, "/reports", &format!("{path}/issue"), &[]).await;
    assert_eq!(res.status(), 404);

    // Issue: number 1 of the ward's register, then read-only.
    let res = post(&app, &officer, &path, &format!("{path}/issue"), &[]).await;
    assert_eq!(res.status(), 303);
    let html = page(&app, &officer, &location(&res)).await;
    assert!(html.contains("data-status=\"issued\""));
    assert!(html.contains("01/BC-MTTQ-BTT"), "the number is shown");
    assert!(
        !html.contains("class=\"rep-edit\""),
        "no editor once issued"
    );
    assert!(!html.contains("DỰ THẢO"), "the draft mark is gone");
    let res = post(
        &app,
        &officer,
        &path,
        &path,
        &[(&target, "Sửa sau khi ban hành")],
    )
    .await;
    assert_eq!(res.status(), 409, "an issued report cannot be edited");
    assert!(
        !page(&app, &officer, &path)
            .await
            .contains("Sửa sau khi ban hành")
    );
    let res = post(&app, &officer, &path, &format!("{path}/delete"), &[]).await;
    assert_eq!(res.status(), 409, "nor deleted");
    let res = post(&app, &officer, &path, &format!("{path}/issue"), &[]).await;
    assert_eq!(res.status(), 409, "nor issued twice");
    let xml = docx_text(
        &get(&app, &officer, &format!("{path}/export?format=docx"))
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert!(
        xml.contains("01/BC-MTTQ-BTT"),
        "the export carries the number"
    );

    // The next report of the ward is number 2; a draft can be deleted.
    let res = post(
        &app,
        &officer,
        "/reports",
        "/reports",
        &[
            ("unit", WARD),
            ("kind", "custom"),
            ("from", &first.format("%Y-%m-%d").to_string()),
            ("to", &today.format("%Y-%m-%d").to_string()),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let second = format!("/reports/{}", report_in(&location(&res)));
    // The officer may change the symbol the draft prints; the number follows the register.
    let res = post(
        &app,
        &officer,
        &second,
        &second,
        &[("symbol", "BC-MTTQ-BĐ")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = post(&app, &officer, &second, &format!("{second}/issue"), &[]).await;
    assert_eq!(res.status(), 303);
    assert!(
        page(&app, &officer, &second)
            .await
            .contains("02/BC-MTTQ-BĐ")
    );
    let year = today.year();
    let register = app.store.register(None, WARD, year).await.unwrap();
    let numbers: Vec<i64> = register.iter().map(|e| e.number).collect();
    assert_eq!(numbers, [1, 2]);
    let res = post(
        &app,
        &officer,
        "/reports",
        "/reports",
        &[("unit", WARD), ("period", &format!("{}-W01", year))],
    )
    .await;
    assert_eq!(res.status(), 303);
    let third = format!("/reports/{}", report_in(&location(&res)));
    let res = post(&app, &officer, &third, &format!("{third}/delete"), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/reports?done=deleted");
    assert_eq!(get(&app, &officer, &third).await.status(), 404);

    // The page in English.
    let html = page(&app, &officer, &format!("{path}?lang=en")).await;
    assert!(html.contains("lang=\"en\"") && html.contains("Preview"));
    app.cleanup().await;
}

pub async fn flash_report_on_a_case(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let officer = person(&app, Role::Officer, WARD, "canbo@badinh.example.org").await;
    let stranger = person(&app, Role::Officer, OTHER_WARD, "canbo@ngocha.example.org").await;
    let collaborator = person(&app, Role::Collaborator, WARD, "ctv@badinh.example.org").await;
    let mut items = Vec::new();
    for k in 0..3 {
        items.push(heard(&app, WARD, &format!("Sạt lở bờ kè đoạn {k} gần trường học")).await);
    }
    analyse_all(&app).await;
    let case = app
        .store
        .create_case(
            None,
            NewCase {
                unit: WARD.into(),
                title: "Sạt lở bờ kè gần trường học".into(),
                severity: Severity::Urgent,
                item_ids: items,
                due_at: None,
            },
        )
        .await
        .unwrap()
        .case
        .id;
    let case_page = format!("/cases/{case}");
    let html = page(&app, &officer, &case_page).await;
    assert!(html.contains(&format!("action=\"/cases/{case}/flash-report\"")));
    let flash = format!("/cases/{case}/flash-report");
    let res = post(&app, &officer, &case_page, &flash, &[]).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let at = location(&res);
    assert!(at.ends_with("?done=flash"), "{at}");
    let html = page(&app, &officer, &at).await;
    assert!(
        html.contains(&format!("href=\"/cases/{case}\"")),
        "links its case"
    );
    assert!(html.contains("Sạt lở bờ kè"), "about the case");
    let res = post(&app, &stranger, "/reports", &flash, &[]).await;
    assert_eq!(res.status(), 404, "another ward's case");
    let res = post(&app, &collaborator, "/reports/mine", &flash, &[]).await;
    assert_eq!(res.status(), 403, "a collaborator does not draft");
    let reports = app
        .store
        .list_reports(None, &ykien_store::ReportFilter::default())
        .await
        .unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].kind, ReportKind::Flash);
    assert_eq!(reports[0].case_id, Some(case));
    app.cleanup().await;
}
