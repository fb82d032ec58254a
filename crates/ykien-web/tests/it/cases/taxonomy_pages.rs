//! The taxonomy editor (/admin/taxonomy), over real sockets: mistakes are shown with their
//! line in Vietnamese (and English), a city administrator saves and activates a version and
//! the pipeline files a new item under the new topic, other roles read but are refused
//! changes (403), the CSRF token is required, and a retired topic keeps its name.

use reqwest::Client;
use ykien_core::Role;
use ykien_listen::learn::{TAXONOMY_VERSION_KEY, worker_config_with_active_models};
use ykien_store::{Channel, Confidentiality, NewItem, OpinionReport};
use ykien_text::topics::DEFAULT_TAXONOMY;

use crate::Backend;
use crate::harness::{App, csrf_field, get_text, post_form, sign_in, test_config};

const PW: &str = "a long enough password";

const PETS: &str = "\n[[topic]]\nid = \"pets\"\nname_vi = \"Vật nuôi, chó thả rông\"\n\
name_en = \"Pets and stray dogs\"\ndescription = \"Dogs without muzzles or leashes.\"\n\
strong_seeds = [\"chó thả rông\", \"rọ mõm\"]\nseeds = [\"chó\", \"vật nuôi\"]\n";

async fn browser(app: &App, role: Role, unit: &str, email: &str) -> (Client, String) {
    app.user(role, unit, email, Some(PW)).await;
    let b = sign_in(app, email, PW).await;
    let csrf = csrf_field(&get_text(&b, app.url("/admin/taxonomy")).await);
    (b, csrf)
}

async fn get(b: &Client, app: &App, path: &str) -> (u16, String) {
    let res = b.get(app.url(path)).send().await.unwrap();
    let s = res.status().as_u16();
    (s, res.text().await.unwrap())
}

async fn post(b: &Client, app: &App, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let res = post_form(b, app.url(path), form).await;
    let s = res.status().as_u16();
    let loc = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (s, loc, res.text().await.unwrap())
}

fn item(text: &str) -> NewItem {
    NewItem {
        unit: "00004".into(),
        source: "taxonomy-page-test".into(),
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
    }
}

pub async fn taxonomy_editor_checks_saves_activates_and_guards(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let (admin, admin_csrf) = browser(&app, Role::Admin, "01", "tax.admin@hn.vn").await;
    let (leader, leader_csrf) = browser(&app, Role::Leader, "01", "tax.leader@hn.vn").await;
    let (officer, officer_csrf) = browser(&app, Role::Officer, "00004", "tax.o@x.vn").await;
    let (ctv, ctv_csrf) = browser(&app, Role::Collaborator, "00004", "tax.c@x.vn").await;
    let (ward_admin, ward_csrf) = browser(&app, Role::Admin, "00004", "tax.wa@x.vn").await;

    // Everyone reads; only the city's admins and leaders get the editor.
    let (s, html) = get(&admin, &app, "/admin/taxonomy").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("<h1>Danh mục chủ đề"), "{html}");
    assert!(html.contains("danh mục mặc định"), "{html}");
    assert!(html.contains("data-topic=\"land\""), "{html}");
    assert!(html.contains("Đất đai, xây dựng"), "{html}");
    assert!(html.contains("name=\"source\""), "{html}");
    for (who, name) in [
        (&officer, "officer"),
        (&ctv, "collaborator"),
        (&ward_admin, "ward admin"),
    ] {
        let (s, html) = get(who, &app, "/admin/taxonomy").await;
        assert_eq!(s, 200, "{name}");
        assert!(html.contains("data-topic=\"land\""), "{name}");
        assert!(!html.contains("name=\"source\""), "{name}: no editor");
        assert!(html.contains("id=\"tax-read-only\""), "{name}");
    }
    let (_, html) = get(&leader, &app, "/admin/taxonomy").await;
    assert!(html.contains("name=\"source\""), "a city leader edits");

    // A mistake: shown again with its line and topic, in Vietnamese, the text kept (422).
    let broken = DEFAULT_TAXONOMY.replace("name_en = \"Environment\"\n", "name_en = \"\"\n");
    let line = broken
        .lines()
        .position(|l| l.trim() == "id = \"environment\"")
        .unwrap();
    let (s, _, html) = post(
        &admin,
        &app,
        "/admin/taxonomy",
        &[
            ("csrf", &admin_csrf),
            ("source", &broken),
            ("activate", "on"),
        ],
    )
    .await;
    assert_eq!(s, 422, "{html}");
    // The topic's line is that of its [[topic]] header, just above its id.
    assert!(
        html.contains(&format!("Dòng {line}, chủ đề “environment”")),
        "line {line}: {html}"
    );
    assert!(html.contains("thiếu tên tiếng Anh (name_en)"), "{html}");
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    assert!(
        html.contains("name_en = &#34;&#34;") || html.contains("name_en = &quot;&quot;"),
        "the text is kept"
    );
    let (s, _, html) = post(
        &admin,
        &app,
        "/admin/taxonomy?lang=en",
        &[("csrf", &admin_csrf), ("source", "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"nước\" \"đất\"]\n")],
    )
    .await;
    assert_eq!(s, 422, "{html}");
    assert!(
        html.contains("Line 5, topic “a”") || html.contains("Line 5"),
        "{html}"
    );
    assert!(html.contains("terms must be separated by commas"), "{html}");
    // Back to Vietnamese (`?lang=` is remembered in a cookie).
    get(&admin, &app, "/admin/taxonomy?lang=vi").await;
    assert!(app.store.taxonomy_versions().await.unwrap().is_empty());

    // No CSRF token: refused. Other roles: refused with the token. Nothing saved.
    let with_pets = format!("{DEFAULT_TAXONOMY}{PETS}");
    let (s, _, _) = post(
        &admin,
        &app,
        "/admin/taxonomy",
        &[("csrf", "forged"), ("source", &with_pets)],
    )
    .await;
    assert_eq!(s, 403);
    for (who, csrf) in [
        (&officer, &officer_csrf),
        (&ctv, &ctv_csrf),
        (&ward_admin, &ward_csrf),
    ] {
        let (s, _, _) = post(
            who,
            &app,
            "/admin/taxonomy",
            &[("csrf", csrf), ("source", &with_pets), ("activate", "on")],
        )
        .await;
        assert_eq!(s, 403);
        let (s, _, _) = post(
            who,
            &app,
            "/admin/taxonomy/activate",
            &[("csrf", csrf), ("version", "1")],
        )
        .await;
        assert_eq!(s, 403);
        // A form with nothing to do changes nothing.
        let (s, loc, _) = post(who, &app, "/admin/taxonomy", &[("csrf", csrf)]).await;
        assert_eq!((s, loc.as_str()), (303, "/admin/taxonomy"));
    }
    assert!(app.store.taxonomy_versions().await.unwrap().is_empty());

    // Saved and activated: a topic model on it is active, and the pipeline uses it.
    let (s, loc, _) = post(
        &admin,
        &app,
        "/admin/taxonomy",
        &[
            ("csrf", &admin_csrf),
            ("source", &with_pets.replace('\n', "\r\n")),
            ("note", "Thêm chủ đề vật nuôi"),
            ("activate", "on"),
        ],
    )
    .await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/admin/taxonomy?done=saved_active&v=1#top")
    );
    let stored = app.store.active_taxonomy().await.unwrap().unwrap();
    assert_eq!(stored.source, with_pets, "stored with plain line ends");
    let model = app.store.active_model("topic").await.unwrap().unwrap();
    assert_eq!(model.info.metrics[TAXONOMY_VERSION_KEY], 1);
    let dog = app
        .store
        .submit_item(
            None,
            item("Chó thả rông không rọ mõm chạy khắp ngõ, trẻ con sợ."),
        )
        .await
        .unwrap()
        .id;
    let cfg = worker_config_with_active_models(&app.store).await;
    ykien_listen::drain(&app.store, &cfg, |_| {}).await.unwrap();
    assert_eq!(
        app.store.item(None, dog).await.unwrap().topic.as_deref(),
        Some("pets")
    );
    let (s, html) = get(&admin, &app, &loc).await;
    assert_eq!(s, 200);
    assert!(html.contains("Đã lưu và áp dụng phiên bản 1"), "{html}");
    assert!(html.contains("Đang áp dụng: phiên bản 1"), "{html}");
    assert!(html.contains("data-topic=\"pets\""), "{html}");
    assert!(
        html.contains("data-version=\"1\" data-active=\"true\""),
        "{html}"
    );
    assert!(html.contains("Thêm chủ đề vật nuôi"), "{html}");

    // A leader saves version 2 without "pets", not in use yet; the admin activates it.
    let (s, loc, _) = post(
        &leader,
        &app,
        "/admin/taxonomy",
        &[
            ("csrf", &leader_csrf),
            ("source", DEFAULT_TAXONOMY),
            ("note", "Bỏ chủ đề vật nuôi"),
        ],
    )
    .await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/admin/taxonomy?done=saved&v=2#top")
    );
    assert_eq!(
        app.store.active_taxonomy().await.unwrap().unwrap().version,
        1
    );
    let (s, _, _) = post(
        &admin,
        &app,
        "/admin/taxonomy/activate",
        &[("csrf", "forged"), ("version", "2")],
    )
    .await;
    assert_eq!(s, 403);
    let (s, _, _) = post(
        &admin,
        &app,
        "/admin/taxonomy/activate",
        &[("csrf", &admin_csrf), ("version", "9")],
    )
    .await;
    assert_eq!(s, 404);
    let (s, loc, _) = post(
        &admin,
        &app,
        "/admin/taxonomy/activate",
        &[("csrf", &admin_csrf), ("version", "2")],
    )
    .await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/admin/taxonomy?done=activated&v=2#top")
    );
    assert_eq!(
        app.store.active_taxonomy().await.unwrap().unwrap().version,
        2
    );

    // The retired topic keeps its item and its name, in both languages.
    let (_, html) = get(&officer, &app, "/admin/taxonomy").await;
    assert!(!html.contains("data-topic=\"pets\""), "{html}");
    assert!(html.contains("data-retired=\"pets\""), "{html}");
    assert!(html.contains("Vật nuôi, chó thả rông"), "{html}");
    let (_, html) = get(&officer, &app, "/admin/taxonomy?lang=en").await;
    assert!(html.contains("<h1>Topic taxonomy"), "{html}");
    assert!(
        html.contains("Retired topics that still hold items"),
        "{html}"
    );
    assert!(html.contains("Pets and stray dogs"), "{html}");
    assert!(
        html.contains("Only administrators and leaders of the city"),
        "{html}"
    );
    assert_eq!(
        app.store.item(None, dog).await.unwrap().topic.as_deref(),
        Some("pets"),
        "items keep their topic"
    );
    app.cleanup().await;
}
