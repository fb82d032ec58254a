//! Message catalogues. Both are compiled into the binary (`include_str!`) so that a deployed
//! binary never depends on files next to it; they are parsed once, on first use.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Each area of the workspace keeps its strings in its own pair of files (`<area>.vi.toml`,
/// `<area>.en.toml`) so that work on one area never edits another's; a key defined twice is
/// an error.
const VI: &[&str] = &[
    include_str!("../i18n/vi.toml"),
    include_str!("../i18n/dashboard.vi.toml"),
    include_str!("../i18n/items.vi.toml"),
    include_str!("../i18n/cases.vi.toml"),
    include_str!("../i18n/admin.vi.toml"),
    include_str!("../i18n/taxonomy.vi.toml"),
    include_str!("../i18n/reports.vi.toml"),
    include_str!("../i18n/cycles.vi.toml"),
];
const EN: &[&str] = &[
    include_str!("../i18n/en.toml"),
    include_str!("../i18n/dashboard.en.toml"),
    include_str!("../i18n/items.en.toml"),
    include_str!("../i18n/cases.en.toml"),
    include_str!("../i18n/admin.en.toml"),
    include_str!("../i18n/taxonomy.en.toml"),
    include_str!("../i18n/reports.en.toml"),
    include_str!("../i18n/cycles.en.toml"),
];

/// Cookie that remembers an explicit language choice.
pub const LANG_COOKIE: &str = "ykien_lang";

/// UI language. Vietnamese is the default: the product is for Vietnamese officers first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn catalog(self) -> &'static Catalog {
        static VI_CAT: OnceLock<Catalog> = OnceLock::new();
        static EN_CAT: OnceLock<Catalog> = OnceLock::new();
        match self {
            Lang::Vi => {
                VI_CAT.get_or_init(|| Catalog::parse_all(VI).expect("i18n/*vi.toml are valid"))
            }
            Lang::En => {
                EN_CAT.get_or_init(|| Catalog::parse_all(EN).expect("i18n/*en.toml are valid"))
            }
        }
    }
}

/// One language's strings, keyed by dotted path ("login.title").
#[derive(Debug)]
pub struct Catalog {
    lang: &'static str,
    strings: BTreeMap<String, String>,
}

impl Catalog {
    /// Parses a catalogue; nested tables become dotted keys.
    pub fn parse(src: &str) -> Result<Catalog, String> {
        Catalog::parse_all(&[src])
    }

    /// Parses the files of one language into one catalogue; a key in two files is an error.
    pub fn parse_all(srcs: &[&str]) -> Result<Catalog, String> {
        let mut strings = BTreeMap::new();
        for (i, src) in srcs.iter().enumerate() {
            let table: toml::Table = src
                .parse()
                .map_err(|e: toml::de::Error| format!("file {}: {e}", i + 1))?;
            let mut part = BTreeMap::new();
            flatten("", &table, &mut part)?;
            for (k, v) in part {
                if strings.insert(k.clone(), v).is_some() {
                    return Err(format!("{k} is defined twice"));
                }
            }
        }
        let lang = match strings.get("nav.switch_lang_code").map(String::as_str) {
            Some("en") => "vi",
            _ => "en",
        };
        Ok(Catalog { lang, strings })
    }

    /// The string for `key`. A missing key shows itself rather than failing a page: the
    /// catalogue tests catch it before release.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map(String::as_str).unwrap_or(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(String::as_str)
    }

    pub fn lang(&self) -> &'static str {
        self.lang
    }
}

fn flatten(
    prefix: &str,
    t: &toml::Table,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(sub) => flatten(&key, sub, out)?,
            other => {
                return Err(format!(
                    "{key}: expected a string, found {}",
                    other.type_str()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let vi: Vec<_> = Lang::Vi.catalog().keys().collect();
        let en: Vec<_> = Lang::En.catalog().keys().collect();
        let only_vi: Vec<_> = vi.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !vi.contains(k)).collect();
        assert!(
            only_vi.is_empty() && only_en.is_empty(),
            "only in vi: {only_vi:?}; only in en: {only_en:?}"
        );
        assert!(vi.len() > 20);
    }

    #[test]
    fn a_key_in_two_files_is_refused() {
        let err = Catalog::parse_all(&["[a]\nb = \"x\"", "[a]\nb = \"y\""]).unwrap_err();
        assert!(err.contains("a.b"), "{err}");
    }

    #[test]
    fn catalogues_know_their_language() {
        assert_eq!(Lang::Vi.catalog().lang(), "vi");
        assert_eq!(Lang::En.catalog().lang(), "en");
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        // Scans templates and sources for `get("…")` / `t("…")` so a typo fails here, not in a page.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut files = Vec::new();
        for sub in [
            "templates",
            "templates/dashboard",
            "templates/items",
            "templates/cases",
            "templates/admin",
            "src",
            "src/pages",
            "src/pages/dashboard",
            "src/pages/items",
            "src/pages/cases",
            "src/pages/admin",
        ] {
            if let Ok(rd) = std::fs::read_dir(format!("{dir}{sub}")) {
                for e in rd.flatten() {
                    if e.path().is_file() {
                        files.push(e.path());
                    }
                }
            }
        }
        let cat = Lang::Vi.catalog();
        let mut used = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for pat in ["get(\"", "tr(\""] {
                for (i, _) in text.match_indices(pat) {
                    let rest = &text[i + pat.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if key.contains('.')
                        && !key.contains(' ')
                        && key
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                    {
                        used += 1;
                        assert!(
                            cat.strings.contains_key(key),
                            "{}: unknown catalogue key {key}",
                            f.display()
                        );
                    }
                }
            }
        }
        assert!(
            used > 10,
            "expected to find catalogue keys in templates, found {used}"
        );
    }

    #[test]
    fn templates_have_no_inline_words() {
        // Whatever a template shows must come from a catalogue: after removing tags, template
        // code and expressions, only punctuation may remain.
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"));
        let mut paths = Vec::new();
        let mut dirs = vec![dir.to_path_buf()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(d).unwrap().flatten() {
                if e.path().is_dir() {
                    dirs.push(e.path());
                } else {
                    paths.push(e.path());
                }
            }
        }
        let mut checked = 0;
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut visible = String::new();
            let mut rest = text.as_str();
            while !rest.is_empty() {
                let next = ["<", "{{", "{%", "{#"]
                    .iter()
                    .filter_map(|m| rest.find(m).map(|i| (i, *m)))
                    .min();
                match next {
                    None => {
                        visible.push_str(rest);
                        break;
                    }
                    Some((i, m)) => {
                        visible.push_str(&rest[..i]);
                        let close = match m {
                            "<" => ">",
                            "{{" => "}}",
                            "{%" => "%}",
                            _ => "#}",
                        };
                        let after = &rest[i + m.len()..];
                        rest = after
                            .find(close)
                            .map(|j| &after[j + close.len()..])
                            .unwrap_or("");
                    }
                }
            }
            let words: String = visible.chars().filter(|c| c.is_alphabetic()).collect();
            assert!(
                words.is_empty(),
                "{}: inline text {words:?}",
                path.display()
            );
            checked += 1;
        }
        assert!(checked >= 4);
    }
}
