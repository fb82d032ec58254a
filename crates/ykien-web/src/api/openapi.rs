//! The OpenAPI document of the JSON API (`GET /api/v1/openapi.json`) and its interactive
//! page (`GET /api/v1/docs`, Swagger UI).
//!
//! The document is generated from the `#[utoipa::path]` attribute on each API handler, so it
//! is written next to the code it describes. [`ApiDoc`] lists the handlers; a unit test
//! below compares that list with [`crate::routes::table`] in both directions, so an API route
//! added without documentation (or documentation of a route that does not exist) fails the
//! build's tests with a message saying what to add.
//!
//! Swagger UI's files are compiled into the binary by `utoipa-swagger-ui` (its `vendored`
//! feature: nothing is downloaded at build or run time). They are served by our own handlers,
//! one route per file, because the route table allows no nested routers. The page itself is
//! ours: Swagger UI's own `index.html` links its files relatively, which would not resolve
//! under `/api/v1/docs` without a trailing slash.

use std::sync::{Arc, OnceLock};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{self, cases, feeds, items, labels, schemas};
use crate::ui::Ui;

/// Where the document is served.
pub const SPEC_PATH: &str = "/api/v1/openapi.json";
/// Where the interactive page is served; its files live below it.
pub const DOCS_PATH: &str = "/api/v1/docs";
/// Swagger UI's files the page loads, each served at `DOCS_PATH/<name>`.
pub const DOCS_FILES: [&str; 4] = [
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "swagger-initializer.js",
];

/// Routes under `/api/v1/` that are about the API rather than part of it, and therefore not
/// in the document.
pub fn is_doc_route(path: &str) -> bool {
    path == SPEC_PATH || path == DOCS_PATH || path.starts_with("/api/v1/docs/")
}

/// The whole API. To document a new route: put `#[utoipa::path(...)]` on its handler (see
/// the handlers in `api/items.rs` for the pattern: method, path, tag, body, every status it
/// can answer) and add the handler to `paths(...)` here.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ykien API",
        description = "Tiếp nhận và xử lý ý kiến, phản ánh qua API JSON / The ykien JSON API: \
file items (opinions, reports, feedback), read them, and run cases (vụ việc) through their \
workflow.\n\n\
**Authentication.** Send `Authorization: Bearer <token>` with a token made by \
`ykien token create`. A signed-in browser may call the API with its session cookie instead; \
its writes must then also send the session's CSRF token in the `X-CSRF-Token` header.\n\n\
**Scope.** Every answer is limited to the caller's unit and the units below it. A record \
outside that scope is answered exactly like one that does not exist (404), so that its \
existence is not revealed.\n\n\
**Errors** are JSON: `{\"error\": {\"status\", \"code\", \"message\"}}`, the message in the \
request's language (Vietnamese by default, `?lang=en` for English)."
    ),
    paths(
        api::me,
        api::unit,
        api::children,
        items::create,
        items::batch,
        items::show,
        labels::create,
        labels::list,
        cases::list,
        cases::create,
        cases::show,
        cases::transition,
        cases::comment,
        cases::assign,
        cases::add_items,
        cases::merge,
        cases::split,
        cases::suggestions,
        feeds::list,
        feeds::create,
        feeds::fetches,
        // --- intake ---
        crate::api::attachments::create,
        crate::api::attachments::list,
        crate::api::attachments::show,
        crate::pages::imports::api_create,
        crate::pages::imports::api_show,
        crate::pages::report::session_csrf,
        // --- alerts ---
        crate::api::alerts::list,
        crate::api::alerts::show,
        crate::api::alerts::acknowledge,
        crate::api::alerts::close,
    ),
    components(schemas(schemas::ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "account", description = "Who is calling / Người gọi API"),
        (name = "units", description = "Administrative units / Đơn vị hành chính"),
        (name = "items", description = "Items heard: opinions, reports, feedback / Ý kiến, phản ánh"),
        (name = "cases", description = "Cases and their workflow / Vụ việc và quy trình xử lý"),
        (name = "feeds", description = "Feed sources and watched pages / Nguồn tin và trang theo dõi"),
        (name = "imports", description = "Bulk imports of files / Nhập dữ liệu hàng loạt"),
        (name = "alerts", description = "Alerts: rules, keyword watches, bursts, site integrity / Cảnh báo"),
    )
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme that `security(("bearer" = []))` refers to.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token made by `ykien token create --user LOGIN --name NAME`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document as JSON, built once.
pub fn spec_json() -> &'static str {
    static SPEC: OnceLock<String> = OnceLock::new();
    SPEC.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .expect("the OpenAPI document serializes")
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn spec() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        spec_json(),
    )
        .into_response()
}

/// The page's policy: the application's own, plus inline styles, which Swagger UI's
/// rendering sets on elements. Scripts still come only from this server.
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     frame-ancestors 'none'; form-action 'self'";

/// `GET /api/v1/docs`: Swagger UI over the document.
pub async fn page(ui: Ui) -> Response {
    let t = ui.t();
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n\
         <link rel=\"stylesheet\" href=\"{DOCS_PATH}/swagger-ui.css\">\n</head>\n<body>\n\
         <noscript>{noscript} <a href=\"{SPEC_PATH}\">{SPEC_PATH}</a></noscript>\n\
         <div id=\"swagger-ui\"></div>\n\
         <script src=\"{DOCS_PATH}/swagger-ui-bundle.js\"></script>\n\
         <script src=\"{DOCS_PATH}/swagger-ui-standalone-preset.js\"></script>\n\
         <script src=\"{DOCS_PATH}/swagger-initializer.js\"></script>\n</body>\n</html>\n",
        lang = ui.lang.code(),
        title = t.get("api_docs.title"),
        noscript = t.get("api_docs.noscript"),
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, DOCS_CSP),
        ],
        html,
    )
        .into_response()
}

fn swagger_config() -> Arc<utoipa_swagger_ui::Config<'static>> {
    static CONFIG: OnceLock<Arc<utoipa_swagger_ui::Config<'static>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            // No validator badge: it would load an image from swagger.io, which the page's
            // policy refuses anyway (nothing is loaded from outside).
            Arc::new(
                utoipa_swagger_ui::Config::new([SPEC_PATH])
                    .validator_url("none")
                    .display_request_duration(true),
            )
        })
        .clone()
}

/// One of Swagger UI's files (see [`DOCS_FILES`]).
pub async fn asset(name: &'static str) -> Response {
    match utoipa_swagger_ui::serve(name, swagger_config()) {
        Ok(Some(file)) => {
            let mut res = (
                [
                    (header::CACHE_CONTROL, "public, max-age=3600"),
                    (header::CONTENT_SECURITY_POLICY, DOCS_CSP),
                ],
                file.bytes.into_owned(),
            )
                .into_response();
            if let Ok(ct) = HeaderValue::from_str(&file.content_type) {
                res.headers_mut().insert(header::CONTENT_TYPE, ct);
            }
            if file.gzpipped {
                res.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            res
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            crate::error::WebError::Internal(format!("swagger ui file {name}: {e}")).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::table;

    fn document() -> serde_json::Value {
        serde_json::from_str(spec_json()).expect("the document is JSON")
    }

    /// Fails when an API route is added to the route table without documentation.
    #[test]
    fn every_api_route_in_the_table_is_documented() {
        let doc = document();
        let mut missing = Vec::new();
        for spec in table() {
            if !spec.path.starts_with("/api/") || is_doc_route(spec.path) {
                continue;
            }
            let method = spec.method.to_ascii_lowercase();
            if doc["paths"][spec.path][&method].is_null() {
                missing.push(format!("{} {}", spec.method, spec.path));
            }
        }
        assert!(
            missing.is_empty(),
            "API routes without OpenAPI documentation: {missing:?}. Put #[utoipa::path(...)] \
             on each handler (see api/items.rs) and list the handler in paths(...) of \
             ApiDoc in crates/ykien-web/src/api/openapi.rs"
        );
    }

    /// Fails when the document describes a route the server does not have.
    #[test]
    fn every_documented_route_exists() {
        let doc = document();
        let served: Vec<(String, String)> = table()
            .iter()
            .map(|s| (s.method.to_ascii_lowercase(), s.path.to_string()))
            .collect();
        let paths = doc["paths"].as_object().expect("paths");
        assert!(!paths.is_empty());
        for (path, item) in paths {
            for method in item.as_object().expect("path item").keys() {
                if matches!(method.as_str(), "parameters" | "summary" | "description") {
                    continue;
                }
                assert!(
                    served.contains(&(method.clone(), path.clone())),
                    "{method} {path} is documented but not in routes::table()"
                );
            }
        }
    }

    #[test]
    fn the_document_declares_bearer_auth_and_error_bodies() {
        let doc = document();
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        assert_eq!(doc["security"][0]["bearer"], serde_json::json!([]));
        assert!(doc["components"]["schemas"]["Error"].is_object());
        // Constraints a client (or a fuzzer such as schemathesis) can rely on.
        let item = &doc["components"]["schemas"]["ItemInput"];
        assert_eq!(item["properties"]["text"]["minLength"], 1, "{item}");
        assert_eq!(item["additionalProperties"], false, "{item}");
        // Every operation documents its failures, and every failure has the error body.
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let responses = op["responses"].as_object().expect("responses");
                assert!(
                    responses.contains_key("401"),
                    "{method} {path}: 401 not documented"
                );
                for (status, r) in responses {
                    if status.starts_with('4') || status.starts_with('5') {
                        assert_eq!(
                            r["content"]["application/json"]["schema"]["$ref"],
                            "#/components/schemas/Error",
                            "{method} {path} {status}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_swagger_file_the_page_loads_is_embedded() {
        for name in DOCS_FILES {
            let f = utoipa_swagger_ui::serve(name, swagger_config())
                .unwrap()
                .unwrap_or_else(|| panic!("{name} is not embedded"));
            assert!(f.bytes.len() > 100, "{name}");
        }
        let init = utoipa_swagger_ui::serve("swagger-initializer.js", swagger_config())
            .unwrap()
            .unwrap();
        let init = String::from_utf8(init.bytes.into_owned()).unwrap();
        assert!(init.contains(SPEC_PATH), "{init}");
    }
}
