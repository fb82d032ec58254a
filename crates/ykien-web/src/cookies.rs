//! Reading and writing the few cookies ykien uses. Hand-rolled: a cookie jar crate would bring
//! signing and encryption we do not need (sessions live in the database, not in cookies).

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie: an opaque random id whose row lives in the database.
pub const SESSION: &str = "ykien_session";

/// Value of the first cookie called `name`.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_string())
}

/// Attributes of a cookie we set.
#[derive(Debug, Clone, Copy)]
pub struct Attrs<'a> {
    pub path: &'a str,
    pub max_age: Option<i64>,
    pub http_only: bool,
    pub secure: bool,
}

/// A `Set-Cookie` value; SameSite=Lax always: top-level navigation from other sites keeps the
/// session (links in e-mails work) while cross-site POSTs never carry it.
pub fn set(name: &str, value: &str, a: Attrs<'_>) -> String {
    let mut s = format!("{name}={value}; Path={}; SameSite=Lax", a.path);
    if let Some(age) = a.max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if a.http_only {
        s.push_str("; HttpOnly");
    }
    if a.secure {
        s.push_str("; Secure");
    }
    s
}

/// A `Set-Cookie` value that deletes the cookie.
pub fn clear(name: &str, path: &str, secure: bool) -> String {
    set(
        name,
        "",
        Attrs {
            path,
            max_age: Some(0),
            http_only: true,
            secure,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.append(
            COOKIE,
            HeaderValue::from_static("a=1; ykien_session=abc; b=2"),
        );
        h.append(COOKIE, HeaderValue::from_static("c=3"));
        assert_eq!(get(&h, SESSION).as_deref(), Some("abc"));
        assert_eq!(get(&h, "c").as_deref(), Some("3"));
        assert_eq!(get(&h, "ykien"), None);
    }

    #[test]
    fn set_cookie_has_the_security_attributes() {
        let s = set(
            SESSION,
            "x",
            Attrs {
                path: "/",
                max_age: Some(60),
                http_only: true,
                secure: true,
            },
        );
        assert_eq!(
            s,
            "ykien_session=x; Path=/; SameSite=Lax; Max-Age=60; HttpOnly; Secure"
        );
        assert!(clear(SESSION, "/", false).contains("Max-Age=0"));
    }
}
