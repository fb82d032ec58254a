//! Intake over real sockets: photos on the report form and the API, the installable report
//! form's offline resend (same client id, one item), and imports from the web UI with their
//! progress and per-row error report.

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use ykien_core::Role;
use ykien_store::{Channel, Confidentiality, NewItem, OpinionReport};
use ykien_web::WebConfig;
use ykien_web::uploads::UploadLimits;

use crate::Backend;
use crate::harness::{App, csrf_field, expect_page, get_text, sign_in, test_config};

const PW: &str = "a long enough password";
const WARD: &str = "00004"; // Phường Ba Đình
const OTHER_WARD: &str = "00070"; // Phường Hoàn Kiếm

/// A valid PNG of `w`×1 grey pixels, encoded here (stored deflate block, real CRCs), so the
/// tests need no image file and no image library.
pub fn png(w: u32) -> Vec<u8> {
    fn crc(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc(&body).to_be_bytes());
    }
    let mut raw = vec![0u8];
    raw.extend((0..w).map(|i| (i * 7 % 256) as u8));
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    let mut z = vec![0x78, 0x01, 0x01];
    z.extend((raw.len() as u16).to_le_bytes());
    z.extend((!(raw.len() as u16)).to_le_bytes());
    z.extend(&raw);
    z.extend(((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(1u32.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn small_limits() -> WebConfig {
    WebConfig {
        uploads: UploadLimits {
            max_photo_bytes: 4096,
            max_photos_per_item: 3,
            max_import_bytes: 1 << 20,
        },
        ..test_config()
    }
}

fn item_id(html: &str) -> i64 {
    let start = html.find("data-item-id=\"").expect("an item id") + "data-item-id=\"".len();
    html[start..start + html[start..].find('"').unwrap()]
        .parse()
        .unwrap()
}

fn photo_part(bytes: Vec<u8>, name: &str, declared: &str) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str(declared)
        .unwrap()
}

fn report(csrf: &str, text: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_string())
        .text("text", text.to_string())
        .text("place", "Ngõ 12 Đội Cấn")
}

pub async fn report_form_takes_a_photo_and_files_a_resent_draft_once(b: Backend) {
    let Some(app) = b.app(small_limits()).await else {
        return;
    };
    app.user(Role::Collaborator, WARD, "ctv@example.org", Some(PW))
        .await;
    app.user(Role::Officer, WARD, "cb@example.org", Some(PW))
        .await;
    app.user(Role::Officer, OTHER_WARD, "cb2@example.org", Some(PW))
        .await;
    let br = sign_in(&app, "ctv@example.org", PW).await;
    let html = get_text(&br, app.url("/report")).await;
    for needle in [
        "enctype=\"multipart/form-data\"",
        "name=\"photo\"",
        "name=\"client_id\"",
        "rel=\"manifest\" href=\"/manifest.webmanifest\"",
        "src=\"/static/report.js\"",
        "id=\"queue-status\"",
        "Đã lưu, sẽ gửi khi có mạng.",
    ] {
        assert!(html.contains(needle), "{needle} in {html}");
    }
    let csrf = csrf_field(&html);

    // A report with a photo: filed, and the photo served back as it was sent.
    let pic = png(30);
    let text = "Ngõ 12 Đội Cấn ngập sau mưa, nước tràn vào nhà dân.";
    let form = report(&csrf, text).part(
        "photo",
        photo_part(pic.clone(), "IMG_0001.png", "image/png"),
    );
    let res = br
        .post(app.url("/report"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let html = expect_page(res, 200, "data-photos=\"1\"").await;
    let id = item_id(&html);
    let res = br
        .get(app.url(&format!("/api/v1/items/{id}/attachments/1")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("sandbox"),
        "{csp}"
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), pic.as_slice());

    // A text file named .jpg and declared image/jpeg: refused, nothing filed.
    let before = app.stored_items().await.len();
    let fake = b"Day khong phai la anh, chi la mot tep van ban.".to_vec();
    let form = report(&csrf, "Báo cáo kèm ảnh giả")
        .part("photo", photo_part(fake, "anh.jpg", "image/jpeg"));
    let res = br
        .post(app.url("/report"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    expect_page(res, 422, "không phải là ảnh").await;
    // A photo over the limit (4 KB here): 413 and the form again, with the text kept.
    let form = report(&csrf, "Báo cáo kèm ảnh quá lớn")
        .part("photo", photo_part(png(6000), "lon.png", "image/png"));
    let res = br
        .post(app.url("/report"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let html = expect_page(res, 413, "Ảnh quá lớn (tối đa 4 KB)").await;
    assert!(html.contains("Báo cáo kèm ảnh quá lớn"));
    // Asked for JSON (the offline queue), the same refusal is JSON.
    let form = report(&csrf, "Báo cáo kèm ảnh quá lớn")
        .part("photo", photo_part(png(6000), "lon.png", "image/png"));
    let res = br
        .post(app.url("/report"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "too_large", "{v}");
    assert_eq!(app.stored_items().await.len(), before);

    // The photo is scoped like its item: another ward's officer finds nothing.
    let other = sign_in(&app, "cb2@example.org", PW).await;
    for path in [
        format!("/api/v1/items/{id}/attachments/1"),
        format!("/api/v1/items/{id}/attachments"),
    ] {
        let res = other.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
    let officer = sign_in(&app, "cb@example.org", PW).await;
    let list: serde_json::Value = officer
        .get(app.url(&format!("/api/v1/items/{id}/attachments")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["media_type"], "image/png", "{list}");
    assert_eq!(list[0]["url"], format!("/api/v1/items/{id}/attachments/1"));

    // The offline queue: a fresh token from the session, then the draft with its client id;
    // sent again (its answer was lost), the same item and nothing new.
    let tok: serde_json::Value = br
        .get(app.url("/api/v1/session/csrf"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tok["csrf"], csrf.as_str());
    assert_eq!(
        app.bare()
            .get(app.url("/api/v1/session/csrf"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let client_id = "0f4c7e2a-1b2c-4d5e-8f90-123456789abc";
    let draft = || {
        report(
            &csrf,
            "Soạn khi mất mạng: chợ Ngọc Hà thu phí trông xe cao.",
        )
        .text("client_id", client_id)
        .part("photo", photo_part(png(31), "cho.png", "image/png"))
    };
    let before = app.stored_items().await.len();
    let mut ids = Vec::new();
    for (want, duplicate) in [(201, false), (200, true)] {
        let res = br
            .post(app.url("/report"))
            .header("accept", "application/json")
            .multipart(draft())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), want);
        let v: serde_json::Value = res.json().await.unwrap();
        assert_eq!(v["duplicate"], duplicate, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    assert_eq!(ids[0], ids[1]);
    assert_eq!(app.stored_items().await.len(), before + 1);
    let item = app.store.item(None, ids[0]).await.unwrap();
    assert_eq!(item.external_id.as_deref(), Some(client_id));
    assert_eq!(app.store.attachments(None, ids[0]).await.unwrap().len(), 1);
    // A malformed client id is refused rather than silently dropped.
    let res = br
        .post(app.url("/report"))
        .multipart(report(&csrf, "Mã nháp sai").text("client_id", "../../etc"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    // The installable app: manifest, service worker at the root, script and icons.
    let res = app
        .bare()
        .get(app.url("/manifest.webmanifest"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/manifest+json");
    let m: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (m["start_url"].as_str(), m["lang"].as_str()),
        (Some("/report"), Some("vi"))
    );
    assert!(m["name"].as_str().unwrap().contains("báo cáo"), "{m}");
    for icon in m["icons"].as_array().unwrap() {
        let res = app
            .bare()
            .get(app.url(icon["src"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{icon}");
        assert_eq!(
            res.headers()["content-type"],
            icon["type"].as_str().unwrap()
        );
    }
    let res = app.bare().get(app.url("/sw.js")).send().await.unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(res.headers()["service-worker-allowed"], "/");
    assert!(res.text().await.unwrap().contains("'/report'"));
    let res = app
        .bare()
        .get(app.url("/static/report.js"))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(res.text().await.unwrap().contains("indexedDB"));
    app.cleanup().await;
}

async fn file_as(app: &App, unit: &str, text: &str) -> i64 {
    app.store
        .submit_item(
            None,
            NewItem {
                unit: unit.into(),
                source: "test".into(),
                channel: Channel::Api,
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

async fn token(app: &App, role: Role, unit: &str, email: &str) -> String {
    let id = app.user(role, unit, email, None).await;
    app.store.create_token(None, id, "test").await.unwrap().0
}

pub async fn api_attaches_photos_checked_limited_and_scoped(b: Backend) {
    let Some(app) = b.app(small_limits()).await else {
        return;
    };
    let id = file_as(&app, WARD, "Cột điện nghiêng trước số nhà 5 phố Kim Mã.").await;
    let editor = token(&app, Role::Editor, WARD, "bt@example.org").await;
    let viewer = token(&app, Role::Viewer, WARD, "xem@example.org").await;
    let other = token(&app, Role::Officer, OTHER_WARD, "cb2@example.org").await;
    let url = app.url(&format!("/api/v1/items/{id}/attachments"));
    let c = app.bare();
    let post = |tok: &str, part: Part| {
        c.post(&url)
            .bearer_auth(tok)
            .multipart(Form::new().part("file", part))
            .send()
    };
    let res = post(&editor, photo_part(png(10), "a.png", "image/png"))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (v[0]["n"].as_i64(), v[0]["media_type"].as_str()),
        (Some(1), Some("image/png"))
    );
    // The same photo again: nothing new.
    let res = post(&editor, photo_part(png(10), "a.png", "image/png"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Not a photo, whatever it claims: 422. Over the limit: 413, in JSON.
    let res = post(
        &editor,
        photo_part(b"GIF? no: plain text".to_vec(), "x.gif", "image/gif"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 422);
    let res = post(&editor, photo_part(png(6000), "big.png", "image/png"))
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(
        v["error"]["message"].as_str().unwrap().contains("4 KB"),
        "{v}"
    );
    // A viewer may not attach; another ward's officer does not see the item at all.
    let res = post(&viewer, photo_part(png(11), "b.png", "image/png"))
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = post(&other, photo_part(png(11), "b.png", "image/png"))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // Up to the per-item limit (3 here), then 422.
    for (w, want) in [(12, 201), (13, 201), (14, 422)] {
        let res = post(&editor, photo_part(png(w), "c.png", "image/png"))
            .await
            .unwrap();
        assert_eq!(res.status(), want, "photo of width {w}");
    }
    let list: serde_json::Value = c
        .get(&url)
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3);
    app.cleanup().await;
}

/// Waits until the import is done (or failed), reading it over the API.
async fn finished(app: &App, client: &reqwest::Client, id: i64) -> serde_json::Value {
    for _ in 0..600 {
        let v: serde_json::Value = client
            .get(app.url(&format!("/api/v1/imports/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if matches!(v["state"].as_str(), Some("done" | "failed")) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} did not finish");
}

pub async fn web_import_shows_progress_and_the_rows_not_taken(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    app.user(Role::Editor, WARD, "bt@example.org", Some(PW))
        .await;
    app.user(Role::Collaborator, WARD, "ctv@example.org", Some(PW))
        .await;
    let ctv = sign_in(&app, "ctv@example.org", PW).await;
    assert_eq!(
        ctv.get(app.url("/imports")).send().await.unwrap().status(),
        403
    );
    let br = sign_in(&app, "bt@example.org", PW).await;
    let html = expect_page(
        br.get(app.url("/imports")).send().await.unwrap(),
        200,
        "name=\"file\"",
    )
    .await;
    let csrf = csrf_field(&html);
    // Line 3 has no text; line 4 names a unit outside the editor's ward.
    let csv = "id,text,unit\n\
        c1,\"Người dân phản ánh đèn đường ngõ 5 hỏng, đi lại nguy hiểm.\",\n\
        c2,,\n\
        c3,Ý kiến gửi nhầm sang phường khác.,00070\n\
        c4,\"Bà con đề nghị sửa mặt đường, nhiều ổ gà.\",00004\n";
    let upload = || {
        Form::new()
            .text("csrf", csrf.clone())
            .text("format", "auto")
            .text("unit", "")
            .text("source", "fanpage-ba-dinh")
            .part(
                "file",
                Part::bytes(csv.as_bytes().to_vec()).file_name("binh-luan.csv"),
            )
    };
    let res = br
        .post(app.url("/imports"))
        .multipart(upload())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let loc = res.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = loc.trim_start_matches("/imports/").parse().unwrap();
    // Queued: the page refreshes itself and shows a progress bar.
    let html = get_text(&br, app.url(&loc)).await;
    assert!(
        html.contains("<progress") && html.contains("http-equiv=\"refresh\""),
        "{html}"
    );

    let files = app.web.data_dir.clone().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let runner = tokio::spawn(ykien_listen::import::run_importer(
        app.store.clone(),
        files,
        ykien_listen::import::ImportConfig {
            chunk: 2,
            idle_poll: Duration::from_millis(50),
            ..Default::default()
        },
        async move {
            let _ = stopped.await;
        },
    ));
    let v = finished(&app, &br, id).await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(
        (
            &v["rows_total"],
            &v["rows_added"],
            &v["rows_duplicate"],
            &v["rows_failed"]
        ),
        (
            &serde_json::json!(4),
            &serde_json::json!(2),
            &serde_json::json!(0),
            &serde_json::json!(2)
        ),
        "{v}"
    );
    let rows: Vec<i64> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, vec![3, 4]);
    assert!(
        v["errors"][1]["reason"].as_str().unwrap().contains("00070"),
        "{v}"
    );
    let html = get_text(&br, app.url(&loc)).await;
    assert!(!html.contains("http-equiv=\"refresh\""));
    assert!(
        html.contains("data-added=\"2\"") && html.contains("<td>4</td>"),
        "{html}"
    );
    // Each refusal carries a stable code; the page says it from the catalogue, in
    // Vietnamese first, with the technical detail (the unit asked for) apart.
    assert_eq!(
        (&v["errors"][0]["code"], &v["errors"][1]["code"]),
        (
            &serde_json::json!("no_text"),
            &serde_json::json!("unknown_unit")
        ),
        "{v}"
    );
    assert!(
        html.contains("Dòng không có nội dung (cột text, content hoặc message).")
            && html.contains("Không có đơn vị này, hoặc đơn vị nằm ngoài phạm vi của bạn.")
            && html.contains("chi tiết kỹ thuật: 00070"),
        "{html}"
    );
    assert!(!html.contains("the row has no text"), "{html}");
    let en = get_text(&br, app.url(&format!("{loc}?lang=en"))).await;
    assert!(
        en.contains("The row has no text (column text, content or message).")
            && en.contains("Unknown unit, or a unit outside yours.")
            && en.contains("technical detail: 00070"),
        "{en}"
    );
    get_text(&br, app.url(&format!("{loc}?lang=vi"))).await;
    let texts: Vec<String> = app
        .stored_items()
        .await
        .into_iter()
        .map(|i| i.text)
        .collect();
    assert!(texts.iter().any(|t| t.contains("đèn đường ngõ 5")));
    assert_eq!(texts.len(), 2);

    // The same file again: nothing added, both rows recognised.
    let res = br
        .post(app.url("/imports"))
        .multipart(upload())
        .send()
        .await
        .unwrap();
    let loc = res.headers()["location"].to_str().unwrap().to_string();
    let again = finished(
        &app,
        &br,
        loc.trim_start_matches("/imports/").parse().unwrap(),
    )
    .await;
    assert_eq!(
        (
            again["rows_added"].as_i64(),
            again["rows_duplicate"].as_i64()
        ),
        (Some(0), Some(2))
    );
    assert_eq!(app.stored_items().await.len(), 2);
    let list = get_text(&br, app.url("/imports")).await;
    assert!(
        list.contains("data-count=\"2\"") && list.contains("binh-luan.csv"),
        "{list}"
    );
    let _ = stop.send(());
    runner.await.unwrap();
    app.cleanup().await;
}
