//! The route table: the router is built from this table and from nothing else, so that tests
//! can enumerate every route and prove, for every role, that a record outside the actor's
//! scope answers 404. A route added here is tested automatically; a route with a new kind of
//! record needs a new [`Access`] variant, and the exhaustive `match` in the test suite then
//! refuses to compile until the test knows how to reach an out-of-scope record of that kind.
//! (A test also checks that no source file other than this one calls `.route(`.)

use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post};

use crate::state::AppState;
use crate::{api, assets, pages, system};

/// Who may call a route, and what identifies the record it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not; shows no record.
    Public,
    /// A signed-in actor; shows only things derived from the actor itself.
    Actor,
    /// `{id}` in the path is a unit id; outside the actor's subtree the answer is 404.
    Unit,
    /// `{id}` in the path is an item id; outside the actor's subtree, or restricted and not the
    /// actor's to know, the answer is 404.
    Item,
    /// A signed-in actor filing into its own unit: roles that may not report get 403.
    Reporter,
    /// A JSON body names the unit an item is filed into (the actor's own by default); a unit
    /// outside the actor's subtree answers 404, and roles that may not report get 403.
    UnitInBody,
    /// A JSON array of items, each naming its unit; each item outside the actor's subtree
    /// gets a per-item "not found", worded exactly like a unit that does not exist.
    UnitsInBatch,
    /// `{id}` in the path is a case id; outside the actor's subtree (unless the case holds an
    /// item the actor filed) the answer is 404; roles that do not handle cases get 403.
    Case,
    /// A JSON body names the unit a case is opened in (the actor's own by default); a unit
    /// outside the actor's subtree answers 404, and roles that do not handle cases get 403.
    CaseUnitInBody,
    /// `{id}` in the path is an item id, and `{n}` (if any) the number of one of its photos:
    /// scoped like the item (outside the actor's subtree, or restricted and not the actor's
    /// to know: 404); attaching needs the item's author or an editor or above (else 403).
    Attachment,
    /// An importer's page, form or API call (editors and above: others get 403); a unit named
    /// in the form outside the actor's subtree answers 404.
    Importer,
    /// `{id}` in the path is an import id; outside the actor's subtree the answer is 404;
    /// roles that may not import get 403.
    Import,
    /// `{id}` in the path is an item id to be corrected (labelled); outside the actor's
    /// subtree, or restricted and not the actor's to know, the answer is 404; roles that do
    /// not handle items get 403.
    ItemToHandle,
    /// `{id}` in the path is a feed source id; outside the actor's subtree the answer is 404.
    Source,
    /// A JSON body names the unit a feed source is registered under (the actor's own by
    /// default); a unit outside the actor's subtree answers 404, and roles that do not handle
    /// (officers and above do) get 403.
    SourceUnitInBody,
    /// `{id}` in the path is an alert id; outside the actor's subtree the answer is 404;
    /// roles that do not handle alerts (officers and above do) get 403.
    Alert,
    // --- admin: access kinds of the administration pages ---
    /// A handler's page or form (officers, leaders and admins; other roles get 403); a unit
    /// named in the form outside the actor's subtree answers 404.
    Handler,
    /// An admin's page or form (accounts and units; other roles get 403); a unit named in the
    /// form outside the actor's subtree answers 404.
    Admin,
    /// `{id}` in the path is an alert rule or keyword watch id; outside the actor's subtree
    /// the answer is 404; roles that do not handle get 403.
    Rule,
    /// `{id}` in the path is an alert delivery channel (recipient) id; outside the actor's
    /// subtree the answer is 404; roles that do not handle get 403.
    Channel,
    /// `{id}` in the path is a feed source id to change; outside the actor's subtree the
    /// answer is 404; roles that do not handle get 403.
    SourceToHandle,
    /// `{id}` in the path is a user id; outside the actor's subtree the answer is 404; roles
    /// that do not manage users (admins do) get 403.
    User,
    // --- reports (issue 7): access kinds of the report pages ---
    /// `{id}` in the path is a report id; outside the actor's subtree the answer is 404;
    /// roles that do not handle (officers and above do) get 403.
    Report,
    // --- end reports ---
    // --- reporting cycles (issue 7): access kinds of the cycle pages ---
    // --- end reporting cycles ---
}

/// How a route answers, which decides what "not signed in" and "bad token" look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// HTML page (GET); anonymous visitors are sent to `/login`.
    Page,
    /// HTML form post; needs the session's CSRF token.
    Form,
    /// JSON API; anonymous callers get 401.
    Api,
    /// Operations and static files.
    Ops,
}

#[derive(Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub kind: Kind,
    make: fn() -> MethodRouter<AppState>,
}

impl std::fmt::Debug for RouteSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} ({:?}, {:?})",
            self.method, self.path, self.access, self.kind
        )
    }
}

const fn r(
    method: &'static str,
    path: &'static str,
    access: Access,
    kind: Kind,
    make: fn() -> MethodRouter<AppState>,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
        kind,
        make,
    }
}

/// Every route ykien serves.
pub fn table() -> Vec<RouteSpec> {
    use Access::*;
    use Kind::*;
    vec![
        r("GET", "/healthz", Public, Ops, || get(system::healthz)),
        r("GET", "/metrics", Public, Ops, || get(system::metrics)),
        r("GET", "/static/{*path}", Public, Ops, || get(assets::serve)),
        r("GET", "/favicon.ico", Public, Ops, || get(assets::favicon)),
        r("GET", "/login", Public, Page, || get(pages::login::show)),
        r("POST", "/login", Public, Form, || {
            post(pages::login::submit)
        }),
        r("POST", "/logout", Actor, Form, || {
            post(pages::login::logout)
        }),
        r("GET", "/", Actor, Page, || get(pages::dashboard::home)),
        r("GET", "/units/{id}", Unit, Page, || get(pages::units::unit)),
        r("GET", "/api/v1/me", Actor, Api, || get(api::me)),
        r("GET", "/api/v1/units/{id}", Unit, Api, || get(api::unit)),
        r("GET", "/api/v1/units/{id}/children", Unit, Api, || {
            get(api::children)
        }),
        r("GET", "/feedback", Public, Page, || {
            get(pages::feedback::show)
        }),
        r("POST", "/feedback", Public, Form, || {
            post(pages::feedback::submit)
        }),
        r("GET", "/feedback/status", Public, Page, || {
            get(pages::feedback::status)
        }),
        r("GET", "/report", Reporter, Page, || {
            get(pages::report::show)
        }),
        r("POST", "/report", Reporter, Form, || {
            // URL-encoded or multipart with a photo; pages::report bounds both itself.
            post(pages::report::submit).layer(DefaultBodyLimit::disable())
        }),
        r("GET", "/reports/mine", Actor, Page, || {
            get(pages::report::mine)
        }),
        r("POST", "/api/v1/items", UnitInBody, Api, || {
            post(api::items::create).layer(DefaultBodyLimit::max(api::items::MAX_ITEM_BODY))
        }),
        r("POST", "/api/v1/items/batch", UnitsInBatch, Api, || {
            post(api::items::batch).layer(DefaultBodyLimit::max(api::items::MAX_BATCH_BODY))
        }),
        r("GET", "/api/v1/items/{id}", Item, Api, || {
            get(api::items::show)
        }),
        r("GET", "/api/v1/cases", Actor, Api, || get(api::cases::list)),
        r("POST", "/api/v1/cases", CaseUnitInBody, Api, || {
            post(api::cases::create)
        }),
        r("GET", "/api/v1/cases/{id}", Case, Api, || {
            get(api::cases::show)
        }),
        r("POST", "/api/v1/cases/{id}/transition", Case, Api, || {
            post(api::cases::transition)
        }),
        r("POST", "/api/v1/cases/{id}/comments", Case, Api, || {
            post(api::cases::comment)
        }),
        r("POST", "/api/v1/cases/{id}/assign", Case, Api, || {
            post(api::cases::assign)
        }),
        r("POST", "/api/v1/cases/{id}/items", Case, Api, || {
            post(api::cases::add_items)
        }),
        r("POST", "/api/v1/cases/{id}/merge", Case, Api, || {
            post(api::cases::merge)
        }),
        r("POST", "/api/v1/cases/{id}/split", Case, Api, || {
            post(api::cases::split)
        }),
        r("GET", "/api/v1/cases/suggestions", Actor, Api, || {
            get(api::cases::suggestions)
        }),
        r(
            "POST",
            "/api/v1/items/{id}/labels",
            ItemToHandle,
            Api,
            || post(api::labels::create),
        ),
        r("GET", "/api/v1/items/{id}/labels", Item, Api, || {
            get(api::labels::list)
        }),
        // --- api-perf: the OpenAPI document and its interactive page (Swagger UI files,
        // one route each; see api::openapi) ---
        r("GET", "/api/v1/openapi.json", Public, Ops, || {
            get(api::openapi::spec)
        }),
        r("GET", "/api/v1/docs", Public, Ops, || {
            get(api::openapi::page)
        }),
        r("GET", "/api/v1/docs/swagger-ui.css", Public, Ops, || {
            get(|| api::openapi::asset("swagger-ui.css"))
        }),
        r(
            "GET",
            "/api/v1/docs/swagger-ui-bundle.js",
            Public,
            Ops,
            || get(|| api::openapi::asset("swagger-ui-bundle.js")),
        ),
        r(
            "GET",
            "/api/v1/docs/swagger-ui-standalone-preset.js",
            Public,
            Ops,
            || get(|| api::openapi::asset("swagger-ui-standalone-preset.js")),
        ),
        r(
            "GET",
            "/api/v1/docs/swagger-initializer.js",
            Public,
            Ops,
            || get(|| api::openapi::asset("swagger-initializer.js")),
        ),
        // --- feeds: sources and their fetch history ---
        r("GET", "/api/v1/feeds", Actor, Api, || get(api::feeds::list)),
        r("POST", "/api/v1/feeds", SourceUnitInBody, Api, || {
            post(api::feeds::create)
        }),
        r("GET", "/api/v1/feeds/{id}/fetches", Source, Api, || {
            get(api::feeds::fetches)
        }),
        // --- intake: photos, the installable report form, web imports ---
        r("GET", "/manifest.webmanifest", Public, Ops, || {
            get(pages::pwa::manifest)
        }),
        r("GET", "/sw.js", Public, Ops, || {
            get(pages::pwa::service_worker)
        }),
        r("GET", "/api/v1/session/csrf", Actor, Api, || {
            get(pages::report::session_csrf)
        }),
        r(
            "POST",
            "/api/v1/items/{id}/attachments",
            Attachment,
            Api,
            || {
                // Bounded by the configured photo limits in crate::uploads.
                post(api::attachments::create).layer(DefaultBodyLimit::disable())
            },
        ),
        r("GET", "/api/v1/items/{id}/attachments", Item, Api, || {
            get(api::attachments::list)
        }),
        r(
            "GET",
            "/api/v1/items/{id}/attachments/{n}",
            Attachment,
            Api,
            || get(api::attachments::show),
        ),
        r("GET", "/imports", Importer, Page, || {
            get(pages::imports::index)
        }),
        r("POST", "/imports", Importer, Form, || {
            post(pages::imports::submit).layer(DefaultBodyLimit::disable())
        }),
        r("GET", "/imports/{id}", Import, Page, || {
            get(pages::imports::show)
        }),
        r("POST", "/api/v1/imports", Importer, Api, || {
            post(pages::imports::api_create).layer(DefaultBodyLimit::disable())
        }),
        r("GET", "/api/v1/imports/{id}", Import, Api, || {
            get(pages::imports::api_show)
        }),
        // --- alerts: in-app list, one alert with its items, acknowledge, close ---
        r("GET", "/alerts", Actor, Page, || get(pages::alerts::index)),
        r("GET", "/api/v1/alerts", Actor, Api, || {
            get(api::alerts::list)
        }),
        r("GET", "/api/v1/alerts/{id}", Alert, Api, || {
            get(api::alerts::show)
        }),
        r(
            "POST",
            "/api/v1/alerts/{id}/acknowledge",
            Alert,
            Api,
            || post(api::alerts::acknowledge),
        ),
        r("POST", "/api/v1/alerts/{id}/close", Alert, Api, || {
            post(api::alerts::close)
        }),
        // --- dashboard: per unit, drill-down, map ---
        r("GET", "/dashboard", Actor, Page, || {
            get(pages::dashboard::home)
        }),
        r("GET", "/dashboard/{id}", Unit, Page, || {
            get(pages::dashboard::show)
        }),
        r("GET", "/dashboard/{id}/map", Unit, Page, || {
            get(pages::dashboard::map)
        }),
        // --- items pages: list, search, facets, detail, labels ---
        r("GET", "/items", Actor, Page, || get(pages::items::index)),
        r("GET", "/items/{id}", Item, Page, || get(pages::items::show)),
        r("POST", "/items/{id}/labels", ItemToHandle, Form, || {
            post(pages::items::label)
        }),
        // --- cases pages: board, detail, timeline, forwarding, replies ---
        r("GET", "/cases", Actor, Page, || get(pages::cases::board)),
        r("GET", "/cases/new", Handler, Page, || {
            get(pages::cases::new_form)
        }),
        r("POST", "/cases", Handler, Form, || {
            post(pages::cases::create)
        }),
        r("GET", "/cases/{id}", Case, Page, || get(pages::cases::show)),
        r("POST", "/cases/{id}/transition", Case, Form, || {
            post(pages::cases::transition)
        }),
        r("POST", "/cases/{id}/assign", Case, Form, || {
            post(pages::cases::assign)
        }),
        r("POST", "/cases/{id}/comments", Case, Form, || {
            post(pages::cases::comment)
        }),
        // --- admin: alert rules, sources, taxonomy, users and units ---
        // (taxonomy: read by everyone signed in; the store refuses changes from all but the
        // city's admins and leaders, 403)
        r("GET", "/admin/taxonomy", Actor, Page, || {
            get(pages::admin::taxonomy::show)
        }),
        r("POST", "/admin/taxonomy", Actor, Form, || {
            // The whole taxonomy text, URL-encoded: more than the default body limit.
            post(pages::admin::taxonomy::save).layer(DefaultBodyLimit::max(
                pages::admin::taxonomy::MAX_FORM_BYTES,
            ))
        }),
        r("POST", "/admin/taxonomy/activate", Actor, Form, || {
            post(pages::admin::taxonomy::activate)
        }),
        r("GET", "/admin", Actor, Page, || get(pages::admin::index)),
        r("GET", "/alerts/{id}", Alert, Page, || {
            get(pages::alerts::show)
        }),
        r("POST", "/alerts/{id}/acknowledge", Alert, Form, || {
            post(pages::alerts::acknowledge)
        }),
        r("POST", "/alerts/{id}/close", Alert, Form, || {
            post(pages::alerts::close)
        }),
        r("GET", "/admin/rules", Handler, Page, || {
            get(pages::admin::rules::index)
        }),
        r("POST", "/admin/rules", Handler, Form, || {
            post(pages::admin::rules::create)
        }),
        r("POST", "/admin/rules/{id}/enabled", Rule, Form, || {
            post(pages::admin::rules::set_enabled)
        }),
        r("POST", "/admin/rules/{id}/delete", Rule, Form, || {
            post(pages::admin::rules::delete)
        }),
        r("POST", "/admin/channels", Handler, Form, || {
            post(pages::admin::rules::create_channel)
        }),
        r("POST", "/admin/channels/{id}/delete", Channel, Form, || {
            post(pages::admin::rules::delete_channel)
        }),
        r("GET", "/admin/sources", Actor, Page, || {
            get(pages::admin::sources::index)
        }),
        r("POST", "/admin/sources", Handler, Form, || {
            post(pages::admin::sources::create)
        }),
        r("GET", "/admin/sources/{id}", Source, Page, || {
            get(pages::admin::sources::show)
        }),
        r(
            "POST",
            "/admin/sources/{id}/delete",
            SourceToHandle,
            Form,
            || post(pages::admin::sources::delete),
        ),
        r("GET", "/admin/users", Admin, Page, || {
            get(pages::admin::users::index)
        }),
        r("POST", "/admin/users", Admin, Form, || {
            post(pages::admin::users::create)
        }),
        r("POST", "/admin/users/{id}/disabled", User, Form, || {
            post(pages::admin::users::set_disabled)
        }),
        r("POST", "/admin/users/{id}/password", User, Form, || {
            post(pages::admin::users::reset_password)
        }),
        r("GET", "/admin/units", Admin, Page, || {
            get(pages::admin::units::index)
        }),
        r("POST", "/admin/units", Admin, Form, || {
            post(pages::admin::units::create_area)
        }),
        // --- reports: drafts, editing, export, issuing, flash reports on a case (issue 7) ---
        // (the preview's stylesheet is a file: the CSP allows no inline style)
        r("GET", "/reports/document.css", Public, Ops, || {
            get(pages::reports::document_css)
        }),
        r("GET", "/reports", Handler, Page, || {
            get(pages::reports::index)
        }),
        r("POST", "/reports", Handler, Form, || {
            post(pages::reports::create)
        }),
        r("GET", "/reports/{id}", Report, Page, || {
            get(pages::reports::show)
        }),
        r("POST", "/reports/{id}", Report, Form, || {
            // The whole text of a report's editor: more than the default body limit.
            post(pages::reports::save).layer(DefaultBodyLimit::max(pages::reports::MAX_FORM_BYTES))
        }),
        r("GET", "/reports/{id}/export", Report, Page, || {
            get(pages::reports::export)
        }),
        r("POST", "/reports/{id}/issue", Report, Form, || {
            post(pages::reports::issue)
        }),
        r("POST", "/reports/{id}/delete", Report, Form, || {
            post(pages::reports::delete)
        }),
        r("POST", "/cases/{id}/flash-report", Case, Form, || {
            post(pages::reports::flash_report)
        }),
        // --- end reports ---
        // --- reporting cycles: roster, completion, "nothing notable", reminders (issue 7) ---
        // (`unit` and `period` in the query or the form; a unit outside the subtree is 404)
        r("GET", "/reports/cycle", Handler, Page, || {
            get(pages::cycles::show)
        }),
        r("POST", "/reports/cycle/remind", Handler, Form, || {
            post(pages::cycles::remind)
        }),
        // Any signed-in role may post; only collaborators' declarations are recorded, the
        // others are told so on the page they come back to.
        r(
            "POST",
            "/reports/cycle/nothing-notable",
            Actor,
            Form,
            || post(pages::cycles::nothing_notable),
        ),
        // --- end reporting cycles ---
    ]
}

/// The routes as one axum router (state not yet attached).
pub fn build() -> axum::Router<AppState> {
    let mut router = axum::Router::new();
    for spec in table() {
        router = router.route(spec.path, (spec.make)());
    }
    router
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_per_method_and_well_formed() {
        let t = table();
        for (i, a) in t.iter().enumerate() {
            assert!(a.path.starts_with('/'), "{a:?}");
            assert!(matches!(a.method, "GET" | "POST"), "{a:?}");
            assert_eq!(
                matches!(
                    a.access,
                    Access::Unit
                        | Access::Item
                        | Access::Case
                        | Access::Source
                        | Access::ItemToHandle
                        | Access::Attachment
                        | Access::Import
                        | Access::Alert
                        | Access::Rule
                        | Access::Channel
                        | Access::SourceToHandle
                        | Access::User
                        | Access::Report
                ),
                a.path.contains("{id}"),
                "unit, item, case and source routes and only they take {{id}}: {a:?}"
            );
            assert!(
                !matches!(
                    a.access,
                    Access::UnitInBody
                        | Access::UnitsInBatch
                        | Access::CaseUnitInBody
                        | Access::SourceUnitInBody
                ) || (a.kind == Kind::Api && a.method == "POST"),
                "units in a body come as JSON posts: {a:?}"
            );
            assert!(a.kind != Kind::Form || a.method == "POST", "{a:?}");
            for b in &t[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "duplicate route {a:?}"
                );
            }
        }
    }

    #[test]
    fn no_route_is_added_outside_the_table() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.file_name().is_some_and(|n| n != "routes.rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for needle in [".route(", ".nest(", ".merge(", ".route_service("] {
                        assert!(
                            !text.contains(needle),
                            "{} calls {needle}: add routes to routes::table() instead",
                            p.display()
                        );
                    }
                }
            }
        }
    }
}
