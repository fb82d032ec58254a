//! Unit pages show a unit and the units directly below it, as the store scopes them; the home
//! page is the dashboard of the user's own unit (see `dashboard.rs`).

use ykien_core::Role;

use crate::Backend;
use crate::harness::{get_text, sign_in, test_config};

const PW: &str = "a long enough password";

fn count(html: &str) -> usize {
    let i = html
        .find("data-count=\"")
        .map(|i| i + "data-count=\"".len());
    i.map(|i| html[i..i + html[i..].find('"').unwrap()].parse().unwrap())
        .unwrap_or(0)
}

pub async fn home_shows_the_unit_and_its_children(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    app.user(Role::Leader, "01", "city@example.org", Some(PW))
        .await;
    app.user(Role::Officer, "00004", "ward@example.org", Some(PW))
        .await;
    app.store
        .create_area(None, "00004", "Tổ dân phố số 7", None)
        .await
        .unwrap();

    let city = sign_in(&app, "city@example.org", PW).await;
    let home = get_text(&city, app.url("/")).await;
    assert!(home.contains("<h1>Thành phố Hà Nội</h1>") && home.contains("data-figure=\"items\""));
    let html = get_text(&city, app.url("/units/01")).await;
    assert!(html.contains("<h1>Thành phố Hà Nội</h1>"));
    assert_eq!(
        count(&html),
        126,
        "the city leader sees Hanoi's 126 communes and wards"
    );
    assert_eq!(html.matches("<li><a href=\"/units/").count(), 126);
    assert!(html.contains("Phường Ba Đình") && html.contains("Phường Hoàn Kiếm"));
    // The city can open a ward below it.
    let ward = city.get(app.url("/units/00004")).send().await.unwrap();
    assert_eq!(ward.status(), 200);
    assert!(ward.text().await.unwrap().contains("Tổ dân phố số 7"));

    let officer = sign_in(&app, "ward@example.org", PW).await;
    let html = get_text(&officer, app.url("/units/00004")).await;
    assert!(html.contains("<h1>Phường Ba Đình</h1>"));
    assert!(html.contains("Tổ dân phố số 7"));
    assert!(
        html.contains("<dd>Thành phố Hà Nội <span class=\"muted\">01</span></dd>"),
        "parent named"
    );
    assert_eq!(count(&html), 1);
    assert!(
        !html.contains("Phường Hoàn Kiếm"),
        "a ward officer does not see sibling wards"
    );
    // Neither the parent city nor a sibling ward: 404, exactly like a unit that does not exist.
    for id in ["01", "00070", "99999"] {
        let res = officer
            .get(app.url(&format!("/units/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{id}");
    }
    // English labels, same data.
    let en = get_text(&officer, app.url("/units/00004?lang=en")).await;
    assert!(en.contains("Units below") && en.contains("Phường Ba Đình"));
    app.cleanup().await;
}
