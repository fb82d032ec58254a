//! The OpenAPI document and its interactive page, and the contract between them and the
//! server: every API route of the route table is documented, and every answer a real server
//! gives (successes and failures) matches the schema the document publishes for that
//! operation and status — no field missing, mistyped, or left undocumented.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::{Value, json};
use ykien_core::Role;
use ykien_store::Confidentiality;
use ykien_web::api::openapi::{DOCS_FILES, DOCS_PATH, SPEC_PATH, is_doc_route};
use ykien_web::routes::table;

use crate::Backend;
use crate::harness::{App, assert_content_type, test_config};

const WARD: &str = "00004"; // Phường Ba Đình
const OTHER_WARD: &str = "00070"; // Phường Hoàn Kiếm

async fn fetch_document(app: &App) -> Value {
    let res = app.bare().get(app.url(SPEC_PATH)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_content_type(&res, "application/json");
    serde_json::from_str(&res.text().await.unwrap()).expect("the document is JSON")
}

pub async fn openapi_document_and_docs_page_are_served(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let doc = fetch_document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "ykien API");
    // Every API route the server has is in the document (anonymously readable).
    let mut api_routes = 0;
    for spec in table() {
        if spec.path.starts_with("/api/") && !is_doc_route(spec.path) {
            api_routes += 1;
            let op = &doc["paths"][spec.path][spec.method.to_ascii_lowercase()];
            assert!(op.is_object(), "{spec:?} is not documented");
            assert!(op["responses"]["401"].is_object(), "{spec:?}: 401");
        }
    }
    assert!(api_routes >= 16, "{api_routes}");

    // The page, in both languages, loads only files this server serves.
    let res = app.bare().get(app.url(DOCS_PATH)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_content_type(&res, "text/html");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert!(
        !csp.contains("script-src"),
        "scripts stay 'self' only: {csp}"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("Tài liệu API"), "{html}");
    assert!(!html.contains("<script>"), "no inline script: {html}");
    let mut linked = BTreeSet::new();
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            let url = &part[..part.find('"').unwrap()];
            if url.starts_with(DOCS_PATH) {
                linked.insert(url.to_string());
            }
        }
    }
    let expected: BTreeSet<String> = DOCS_FILES
        .iter()
        .map(|f| format!("{DOCS_PATH}/{f}"))
        .collect();
    assert_eq!(linked, expected);
    for url in &linked {
        let res = app.bare().get(app.url(url)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        let ct = res.headers()["content-type"].to_str().unwrap().to_string();
        let want = if url.ends_with(".css") {
            "text/css"
        } else {
            "javascript"
        };
        assert!(ct.contains(want), "{url}: {ct}");
        let body = res.text().await.unwrap();
        assert!(body.len() > 100, "{url}");
        if url.ends_with("swagger-initializer.js") {
            assert!(
                body.contains(SPEC_PATH),
                "the page reads our document: {body}"
            );
        }
    }
    let res = app
        .bare()
        .get(app.url(&format!("{DOCS_PATH}?lang=en")))
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("API documentation"), "{html}");
    // Any other file below the page is not there.
    let res = app
        .bare()
        .get(app.url(&format!("{DOCS_PATH}/index.html")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    app.cleanup().await;
}

/// Validates JSON values against the document's schemas (the subset utoipa writes: `$ref`,
/// `type` (one or several), `enum`, `properties`/`required`, `items`, `allOf`, `oneOf`,
/// `anyOf`, `additionalProperties`, `format: date-time`).
struct Contract {
    doc: Value,
    /// (method, path template, status) validated.
    seen: BTreeSet<(String, String, String)>,
}

impl Contract {
    fn resolve<'a>(&'a self, s: &'a Value) -> &'a Value {
        match s["$ref"].as_str() {
            Some(r) => {
                let name = r.trim_start_matches("#/components/schemas/");
                let t = &self.doc["components"]["schemas"][name];
                assert!(!t.is_null(), "dangling reference {r}");
                self.resolve(t)
            }
            None => s,
        }
    }

    /// Properties and required keys, gathered through `allOf` (serde's `flatten`).
    fn object_shape<'a>(
        &'a self,
        s: &'a Value,
        props: &mut BTreeMap<String, &'a Value>,
        required: &mut Vec<String>,
        open: &mut bool,
    ) {
        let s = self.resolve(s);
        if let Some(p) = s["properties"].as_object() {
            for (k, v) in p {
                props.insert(k.clone(), v);
            }
        }
        if let Some(r) = s["required"].as_array() {
            required.extend(r.iter().filter_map(|k| k.as_str().map(String::from)));
        }
        if !s["additionalProperties"].is_null() && s["additionalProperties"] != false {
            *open = true;
        }
        if let Some(parts) = s["allOf"].as_array() {
            for p in parts {
                self.object_shape(p, props, required, open);
            }
        }
    }

    fn check(&self, v: &Value, s: &Value, at: &str, errs: &mut Vec<String>) {
        let s = self.resolve(s);
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = s[key].as_array() {
                let ok = alts.iter().any(|alt| {
                    let mut e = Vec::new();
                    self.check(v, alt, at, &mut e);
                    e.is_empty()
                });
                if !ok {
                    errs.push(format!("{at}: {v} matches none of {key} {}", s[key]));
                }
                return;
            }
        }
        let types: Vec<&str> = match &s["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !types.is_empty() {
            let ok = types.iter().any(|t| match *t {
                "null" => v.is_null(),
                "string" => v.is_string(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "boolean" => v.is_boolean(),
                "array" => v.is_array(),
                "object" => v.is_object(),
                _ => false,
            });
            if !ok {
                errs.push(format!("{at}: {v} is not of type {types:?}"));
                return;
            }
        }
        if let Some(e) = s["enum"].as_array()
            && !e.contains(v)
        {
            errs.push(format!("{at}: {v} is not one of {e:?}"));
        }
        if s["format"] == "date-time"
            && let Some(t) = v.as_str()
            && chrono::DateTime::parse_from_rfc3339(t).is_err()
        {
            errs.push(format!("{at}: {t:?} is not an RFC 3339 date-time"));
        }
        if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
            for (i, x) in arr.iter().enumerate() {
                self.check(x, items, &format!("{at}[{i}]"), errs);
            }
        }
        if let Some(obj) = v.as_object() {
            let (mut props, mut required, mut open) = (BTreeMap::new(), Vec::new(), false);
            self.object_shape(s, &mut props, &mut required, &mut open);
            if props.is_empty() && s["additionalProperties"] != false {
                return; // a free-form object (the analysis)
            }
            for k in &required {
                if !obj.contains_key(k) {
                    errs.push(format!("{at}: required field {k:?} missing"));
                }
            }
            for (k, x) in obj {
                match props.get(k) {
                    Some(ps) => self.check(x, ps, &format!("{at}.{k}"), errs),
                    None if open => {}
                    None => errs.push(format!("{at}: field {k:?} is not documented")),
                }
            }
        }
    }

    /// Asserts that `body`, answered with `status` by `method path`, is what the document
    /// says that operation answers with that status.
    fn validate(&mut self, method: &Method, path: &str, status: u16, body: &Value) {
        let m = method.as_str().to_ascii_lowercase();
        let op = &self.doc["paths"][path][&m];
        assert!(op.is_object(), "{m} {path} is not documented");
        let r = &op["responses"][status.to_string()];
        assert!(
            r.is_object(),
            "{m} {path} answered {status}, which the document does not list: {body}"
        );
        let schema = &r["content"]["application/json"]["schema"];
        assert!(!schema.is_null(), "{m} {path} {status}: no JSON schema");
        let mut errs = Vec::new();
        self.check(body, schema, "$", &mut errs);
        assert!(
            errs.is_empty(),
            "{m} {path} {status} does not match the document:\n{}\nbody: {body}",
            errs.join("\n")
        );
        self.seen.insert((m, path.to_string(), status.to_string()));
    }
}

/// A client calling the API with one token, validating each answer.
struct Caller<'a> {
    app: &'a App,
    token: Option<String>,
}

impl Caller<'_> {
    /// Calls `path` (concrete) documented as `template`; returns status and body, validated.
    async fn call(
        &self,
        c: &mut Contract,
        method: Method,
        template: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.app.bare().request(method.clone(), self.app.url(path));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let v: Value = res.json().await.expect("every API answer is JSON");
        c.validate(&method, template, status, &v);
        (status, v)
    }
}

async fn caller<'a>(app: &'a App, role: Role, unit: &str, email: &str) -> (Caller<'a>, i64) {
    let id = app.user(role, unit, email, None).await;
    let token = app
        .store
        .create_token(None, id, "contract")
        .await
        .unwrap()
        .0;
    (
        Caller {
            app,
            token: Some(token),
        },
        id,
    )
}

pub async fn api_answers_match_the_document(b: Backend) {
    let Some(app) = b.app(test_config()).await else {
        return;
    };
    let mut c = Contract {
        doc: fetch_document(&app).await,
        seen: BTreeSet::new(),
    };
    let (officer, _) = caller(&app, Role::Officer, WARD, "cb@example.org").await;
    let city_officer = app
        .user(Role::Officer, "01", "cbtp@example.org", None)
        .await;
    let (city, _) = caller(&app, Role::Leader, "01", "tp@example.org").await;
    let (viewer, _) = caller(&app, Role::Viewer, WARD, "xem@example.org").await;
    let anonymous = Caller {
        app: &app,
        token: None,
    };
    let (get, post) = (Method::GET, Method::POST);

    // Who am I; units.
    officer
        .call(&mut c, get.clone(), "/api/v1/me", "/api/v1/me", None)
        .await;
    anonymous
        .call(&mut c, get.clone(), "/api/v1/me", "/api/v1/me", None)
        .await;
    let t = "/api/v1/units/{id}";
    assert_eq!(
        city.call(&mut c, get.clone(), t, "/api/v1/units/01", None)
            .await
            .0,
        200
    );
    let (s, _) = officer
        .call(&mut c, get.clone(), t, "/api/v1/units/01", None)
        .await;
    assert_eq!(s, 404);
    let t = "/api/v1/units/{id}/children";
    city.call(&mut c, get.clone(), t, "/api/v1/units/01/children", None)
        .await;

    // Items: one, a duplicate, bad ones, a batch, reading back before and after analysis.
    let t = "/api/v1/items";
    let item = json!({
        "text": "Người dân tổ 5 phản ánh đường Đội Cấn ngập sâu sau mưa, gọi 0912 345 678.",
        "source": "zalo/to-dan-pho-5", "external_id": "m-1", "channel": "api",
        "occurred_at": "2026-11-28", "topic_hint": "giao thông", "heard": "online",
        "locality": "Phường Ba Đình", "quotes": "\"ngập quá\"", "confidentiality": "normal",
    });
    let (s, filed) = officer
        .call(&mut c, post.clone(), t, t, Some(item.clone()))
        .await;
    assert_eq!(s, 201);
    assert_eq!(
        officer.call(&mut c, post.clone(), t, t, Some(item)).await.0,
        200
    );
    let bad = json!({"text": "x", "channel": "fax"});
    assert_eq!(
        officer.call(&mut c, post.clone(), t, t, Some(bad)).await.0,
        422
    );
    let elsewhere = json!({"text": "Ý kiến gửi nhầm phường", "unit": OTHER_WARD});
    assert_eq!(
        officer
            .call(&mut c, post.clone(), t, t, Some(elsewhere))
            .await
            .0,
        404
    );
    let v = json!({"text": "Người xem không được gửi ý kiến"});
    assert_eq!(
        viewer.call(&mut c, post.clone(), t, t, Some(v)).await.0,
        403
    );
    assert_eq!(
        anonymous
            .call(&mut c, post.clone(), t, t, Some(json!({})))
            .await
            .0,
        401
    );
    let res = app
        .bare()
        .post(app.url(t))
        .bearer_auth(officer.token.as_ref().unwrap())
        .header("content-type", "text/plain")
        .body("text")
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    c.validate(&post, t, status, &res.json().await.unwrap());
    assert_eq!(status, 400);

    let t = "/api/v1/items/batch";
    let batch = json!([
        {"text": "Đèn đường ngõ 5 phố Kim Mã hỏng nhiều ngày, buổi tối đi lại rất nguy hiểm."},
        {"text": "Ý kiến gửi nhầm phường", "unit": OTHER_WARD},
        {"txt": "sai tên trường"},
    ]);
    let (s, v) = officer.call(&mut c, post.clone(), t, t, Some(batch)).await;
    assert_eq!(
        (s, v["accepted"].as_i64(), v["errors"].as_i64()),
        (200, Some(1), Some(2))
    );
    let big: Vec<Value> = (0..501)
        .map(|i| json!({"text": format!("ý kiến {i}")}))
        .collect();
    assert_eq!(
        officer
            .call(&mut c, post.clone(), t, t, Some(json!(big)))
            .await
            .0,
        413
    );
    assert_eq!(
        officer
            .call(&mut c, post.clone(), t, t, Some(json!([])))
            .await
            .0,
        422
    );

    let t = "/api/v1/items/{id}";
    let id = filed["id"].as_i64().unwrap();
    let path = format!("/api/v1/items/{id}");
    let (s, v) = officer.call(&mut c, get.clone(), t, &path, None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("pending")));
    // Near-duplicates in two wards (for suggestions), then the pipeline runs.
    let rumour = "Người dân truyền tai nhau tin đồn sẽ cắt nước sinh hoạt toàn khu vực trong \
                  cả tuần tới, đề nghị chính quyền xác minh và thông báo sớm.";
    let n = Confidentiality::Normal;
    let r1 = super::items::file_as_system(&app, WARD, rumour, n).await;
    let r2 = app
        .store
        .submit_item(
            None,
            ykien_store::NewItem {
                unit: OTHER_WARD.into(),
                source: "another-source".into(),
                channel: ykien_store::Channel::Import,
                external_id: None,
                author_user_id: None,
                author_contact: None,
                occurred_at: None,
                text: rumour.into(),
                title: None,
                report: ykien_store::OpinionReport::default(),
                confidentiality: n,
                dedup_text: String::new(),
            },
        )
        .await
        .unwrap()
        .id;
    let free = super::items::file_as_system(&app, WARD, "Rác thải ùn ứ ở chợ Ngọc Hà.", n).await;
    ykien_listen::drain(&app.store, &ykien_listen::WorkerConfig::default(), |_| {})
        .await
        .unwrap();
    let (s, v) = officer.call(&mut c, get.clone(), t, &path, None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("analyzed")));
    assert!(v["analysis"].is_object(), "{v}");
    let (s, v) = viewer.call(&mut c, get.clone(), t, &path, None).await;
    assert_eq!((s, v["masked"].as_bool()), (200, Some(true)));
    let s = officer
        .call(&mut c, get.clone(), t, "/api/v1/items/999999", None)
        .await
        .0;
    assert_eq!(s, 404);

    // Cases: suggestions, open, list, read, every workflow route, failures.
    let t = "/api/v1/cases/suggestions";
    let (_, v) = city.call(&mut c, get.clone(), t, t, None).await;
    assert!(
        !v.as_array().unwrap().is_empty(),
        "a suggestion to validate: {v}"
    );
    let t = "/api/v1/cases";
    let body =
        json!({"title": "Tin đồn cắt nước", "unit": "01", "items": [r1, r2], "severity": "urgent"});
    let (s, case) = city.call(&mut c, post.clone(), t, t, Some(body)).await;
    assert_eq!(s, 201);
    let again = json!({"title": "Trùng", "unit": "01", "items": [r1]});
    assert_eq!(
        city.call(&mut c, post.clone(), t, t, Some(again)).await.0,
        409
    );
    let none = json!({"title": "Không có quyền"});
    assert_eq!(
        viewer.call(&mut c, post.clone(), t, t, Some(none)).await.0,
        403
    );
    let body = json!({"title": "Rác ở chợ", "items": [id]});
    let (s, ward_case) = officer.call(&mut c, post.clone(), t, t, Some(body)).await;
    assert_eq!(s, 201);
    city.call(&mut c, get.clone(), t, t, None).await;
    city.call(
        &mut c,
        get.clone(),
        t,
        "/api/v1/cases?status=new&overdue=false&limit=5",
        None,
    )
    .await;
    let s = city
        .call(&mut c, get.clone(), t, "/api/v1/cases?status=lost", None)
        .await
        .0;
    assert_eq!(s, 422);
    let main = case["id"].as_i64().unwrap();
    let ward = ward_case["id"].as_i64().unwrap();
    let case_path = |suffix: &str, id: i64| format!("/api/v1/cases/{id}{suffix}");
    let t = "/api/v1/cases/{id}";
    assert_eq!(
        city.call(&mut c, get.clone(), t, &case_path("", main), None)
            .await
            .0,
        200
    );
    assert_eq!(
        officer
            .call(&mut c, get.clone(), t, &case_path("", main), None)
            .await
            .0,
        404
    );
    let steps: [(&str, Value, u16, &Caller); 8] = [
        ("/transition", json!({"action": "verify"}), 200, &city),
        (
            "/transition",
            json!({"action": "answer", "to": "x"}),
            422,
            &city,
        ),
        (
            "/comments",
            json!({"body": "Đã liên hệ công ty nước sạch."}),
            201,
            &city,
        ),
        ("/assign", json!({"assignee": city_officer}), 200, &city),
        ("/items", json!({"items": [free]}), 200, &city),
        ("/items", json!({"items": [free]}), 409, &city),
        (
            "/split",
            json!({"items": [free], "title": "Tách ra"}),
            201,
            &city,
        ),
        ("/merge", json!({"from": ward}), 200, &city),
    ];
    for (suffix, body, want, who) in steps {
        let t = format!("/api/v1/cases/{{id}}{suffix}");
        let (s, v) = who
            .call(
                &mut c,
                post.clone(),
                &t,
                &case_path(suffix, main),
                Some(body),
            )
            .await;
        assert_eq!(s, want, "{suffix}: {v}");
    }
    let t = "/api/v1/cases/{id}/transition";
    let step = json!({"action": "verify"});
    let s = viewer
        .call(
            &mut c,
            post.clone(),
            t,
            &case_path("/transition", main),
            Some(step),
        )
        .await
        .0;
    assert!(s == 403 || s == 404, "{s}");

    // Every operation of the document was validated at least once, with a success.
    let ops: BTreeSet<(String, String)> = c
        .seen
        .iter()
        .filter(|(_, _, s)| s.starts_with('2'))
        .map(|(m, p, _)| (m.clone(), p.clone()))
        .collect();
    let mine = [
        "/api/v1/me",
        "/api/v1/units/{id}",
        "/api/v1/units/{id}/children",
        "/api/v1/items",
        "/api/v1/items/batch",
        "/api/v1/items/{id}",
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/transition",
        "/api/v1/cases/{id}/comments",
        "/api/v1/cases/{id}/assign",
        "/api/v1/cases/{id}/items",
        "/api/v1/cases/{id}/merge",
        "/api/v1/cases/{id}/split",
        "/api/v1/cases/suggestions",
    ];
    for p in mine {
        assert!(
            ops.iter().any(|(_, q)| q == p),
            "{p} was not exercised: {ops:?}"
        );
    }
    app.cleanup().await;
}
