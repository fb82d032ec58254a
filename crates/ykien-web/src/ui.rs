//! What every page shares: the language, its catalogue, the signed-in user's bar, and the
//! link that switches language.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::cookies;
use crate::i18n::{Catalog, LANG_COOKIE, Lang};

/// The language of this request: `?lang=` first, then the language cookie, then Vietnamese.
#[derive(Debug, Clone)]
pub struct Ui {
    pub lang: Lang,
    /// Request path, used to build the language switch link back to the same page.
    pub path: String,
    /// The request's query without `lang`, kept by the language switch (a dashboard's period,
    /// a list's filters).
    pub query: String,
}

fn query_lang(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
}

impl Ui {
    pub fn from_parts(parts: &Parts) -> Ui {
        let lang = query_lang(parts.uri.query())
            .or_else(|| cookies::get(&parts.headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)))
            .unwrap_or_default();
        let query = parts
            .uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty() && kv.split('=').next() != Some("lang"))
            .collect::<Vec<_>>()
            .join("&");
        Ui {
            lang,
            path: parts.uri.path().to_string(),
            query,
        }
    }

    pub fn t(&self) -> &'static Catalog {
        self.lang.catalog()
    }

    pub fn chrome(&self, user: Option<UserBar>) -> Chrome {
        let t = self.t();
        Chrome {
            lang: self.lang.code(),
            t,
            user,
            switch_href: if self.query.is_empty() {
                format!("{}?lang={}", self.path, t.get("nav.switch_lang_code"))
            } else {
                format!(
                    "{}?{}&lang={}",
                    self.path,
                    self.query,
                    t.get("nav.switch_lang_code")
                )
            },
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ui {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Ui::from_parts(parts))
    }
}

/// Data the base template needs.
#[derive(Debug)]
pub struct Chrome {
    pub lang: &'static str,
    pub t: &'static Catalog,
    pub user: Option<UserBar>,
    pub switch_href: String,
}

/// The signed-in user as the page header shows them; `csrf` feeds the logout form.
#[derive(Debug, Clone)]
pub struct UserBar {
    pub name: String,
    pub csrf: String,
    /// Whether the navigation offers bulk import (editors and above).
    pub can_import: bool,
    /// Whether the navigation offers items, cases, alerts and administration (officers,
    /// leaders and admins: the roles that handle what people say).
    pub can_handle: bool,
    /// Whether the navigation offers accounts and units (admins only).
    pub is_admin: bool,
}

/// Remembers an explicit `?lang=` choice in a cookie so the next pages keep it.
pub async fn remember_lang(req: Request, next: Next) -> Response {
    let chosen = query_lang(req.uri().query());
    let mut res = next.run(req).await;
    if let Some(lang) = chosen {
        let c = cookies::set(
            LANG_COOKIE,
            lang.code(),
            cookies::Attrs {
                path: "/",
                max_age: Some(365 * 24 * 3600),
                http_only: false,
                secure: false,
            },
        );
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_beats_cookie_and_default_is_vietnamese() {
        let parts = |uri: &str, cookie: Option<&str>| {
            let mut b = axum::http::Request::builder().uri(uri);
            if let Some(c) = cookie {
                b = b.header(header::COOKIE, c);
            }
            b.body(()).unwrap().into_parts().0
        };
        assert_eq!(Ui::from_parts(&parts("/", None)).lang, Lang::Vi);
        assert_eq!(Ui::from_parts(&parts("/?lang=en", None)).lang, Lang::En);
        assert_eq!(
            Ui::from_parts(&parts("/", Some("ykien_lang=en"))).lang,
            Lang::En
        );
        assert_eq!(
            Ui::from_parts(&parts("/?lang=vi", Some("ykien_lang=en"))).lang,
            Lang::Vi
        );
        assert_eq!(Ui::from_parts(&parts("/?lang=fr", None)).lang, Lang::Vi);
        let ui = Ui::from_parts(&parts("/units/01", None));
        assert_eq!(ui.chrome(None).switch_href, "/units/01?lang=en");
        let ui = Ui::from_parts(&parts("/dashboard/01?period=30&lang=vi", None));
        assert_eq!(
            ui.chrome(None).switch_href,
            "/dashboard/01?period=30&lang=en"
        );
    }
}
