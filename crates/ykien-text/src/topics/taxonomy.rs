//! The organization's topic list, kept as data an administrator can edit.
//!
//! The file is a small subset of TOML, read by hand so that this crate stays free of a
//! parser dependency and so that every mistake names its line: `[[topic]]` tables with
//! `key = "string"` and `key = ["string", …]` (arrays may span lines), `#` comments.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use crate::fold::fold;

/// The default taxonomy for public-opinion work, shipped with the crate.
pub const DEFAULT_TAXONOMY: &str = include_str!("../../data/taxonomy.toml");

/// Reserved id for "no topic of the taxonomy" (khác).
pub const OTHER_ID: &str = "other";
pub const OTHER_NAME_VI: &str = "Khác";
pub const OTHER_NAME_EN: &str = "Other";

/// Why a taxonomy could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicsError {
    /// The file is not in the expected format; `line` is 1-based.
    Parse { line: usize, message: String },
    /// A topic is incomplete or contradicts another; `line` is where the topic starts.
    Invalid {
        line: usize,
        topic: String,
        message: String,
    },
    /// Labels given for training are not in the taxonomy, or training failed.
    Training(String),
}

impl fmt::Display for TopicsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TopicsError::Parse { line, message } => write!(f, "taxonomy, line {line}: {message}"),
            TopicsError::Invalid {
                line,
                topic,
                message,
            } => {
                write!(f, "taxonomy, line {line}, topic \"{topic}\": {message}")
            }
            TopicsError::Training(why) => write!(f, "topic model: {why}"),
        }
    }
}

impl std::error::Error for TopicsError {}

/// One topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    /// Stable identifier stored with items ("land", "environment"); lower-case ASCII.
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    pub description: String,
    /// Terms that suggest the topic.
    pub seeds: Vec<String>,
    /// Terms that almost always mean the topic; they count double.
    pub strong_seeds: Vec<String>,
    /// Line of the `[[topic]]` header in the source file.
    pub line: usize,
}

/// An ordered list of topics.
#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    pub topics: Vec<Topic>,
}

impl Default for Taxonomy {
    fn default() -> Self {
        Taxonomy::embedded().clone()
    }
}

impl Taxonomy {
    /// The shipped taxonomy, parsed once.
    pub fn embedded() -> &'static Taxonomy {
        static T: OnceLock<Taxonomy> = OnceLock::new();
        T.get_or_init(|| Taxonomy::parse(DEFAULT_TAXONOMY).expect("the shipped taxonomy parses"))
    }

    pub fn len(&self) -> usize {
        self.topics.len()
    }

    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }

    pub fn index(&self, id: &str) -> Option<usize> {
        self.topics.iter().position(|t| t.id == id)
    }

    pub fn get(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// Vietnamese name of a topic id, "Khác" for [`OTHER_ID`].
    pub fn name_vi<'a>(&'a self, id: &str) -> Option<&'a str> {
        if id == OTHER_ID {
            return Some(OTHER_NAME_VI);
        }
        self.get(id).map(|t| t.name_vi.as_str())
    }

    /// Only the given topics, in the taxonomy's order (for experiments on a sub-space).
    pub fn restrict(&self, ids: &[&str]) -> Taxonomy {
        Taxonomy {
            topics: self
                .topics
                .iter()
                .filter(|t| ids.contains(&t.id.as_str()))
                .cloned()
                .collect(),
        }
    }

    /// Reads the TOML subset described in the module documentation.
    pub fn parse(src: &str) -> Result<Taxonomy, TopicsError> {
        let mut topics: Vec<Topic> = Vec::new();
        let lines: Vec<&str> = src.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let lineno = i + 1;
            let line = strip_comment(lines[i]).trim();
            i += 1;
            if line.is_empty() {
                continue;
            }
            if line == "[[topic]]" {
                topics.push(Topic {
                    id: String::new(),
                    name_vi: String::new(),
                    name_en: String::new(),
                    description: String::new(),
                    seeds: Vec::new(),
                    strong_seeds: Vec::new(),
                    line: lineno,
                });
                continue;
            }
            if line.starts_with('[') {
                return Err(perr(
                    lineno,
                    format!("unknown table {line}; only [[topic]] is allowed"),
                ));
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(perr(
                    lineno,
                    format!("expected `key = value` or [[topic]], found `{line}`"),
                ));
            };
            let key = key.trim();
            let mut value = value.trim().to_string();
            let Some(topic) = topics.last_mut() else {
                return Err(perr(lineno, format!("`{key}` before the first [[topic]]")));
            };
            match key {
                "id" | "name_vi" | "name_en" | "description" => {
                    let s = parse_string_value(&value, lineno)?;
                    let slot = match key {
                        "id" => &mut topic.id,
                        "name_vi" => &mut topic.name_vi,
                        "name_en" => &mut topic.name_en,
                        _ => &mut topic.description,
                    };
                    if !slot.is_empty() {
                        return Err(perr(lineno, format!("`{key}` given twice in one topic")));
                    }
                    *slot = s;
                }
                "seeds" | "strong_seeds" => {
                    // Gather lines until the array closes.
                    while !array_closed(&value) {
                        let Some(next) = lines.get(i) else {
                            return Err(perr(
                                lineno,
                                format!("array `{key}` is never closed with `]`"),
                            ));
                        };
                        value.push('\n');
                        value.push_str(strip_comment(next));
                        i += 1;
                    }
                    let items = parse_array(&value, lineno)?;
                    let slot = if key == "seeds" {
                        &mut topic.seeds
                    } else {
                        &mut topic.strong_seeds
                    };
                    slot.extend(items);
                }
                _ => {
                    return Err(perr(
                        lineno,
                        format!(
                            "unknown key `{key}` (expected id, name_vi, name_en, description, seeds, strong_seeds)"
                        ),
                    ));
                }
            }
        }
        let t = Taxonomy { topics };
        t.validate()?;
        Ok(t)
    }

    fn validate(&self) -> Result<(), TopicsError> {
        if self.topics.is_empty() {
            return Err(perr(1, "no [[topic]] found".into()));
        }
        let mut ids = BTreeSet::new();
        for t in &self.topics {
            let bad = |message: String| TopicsError::Invalid {
                line: t.line,
                topic: t.id.clone(),
                message,
            };
            if t.id.is_empty() {
                return Err(bad("missing `id`".into()));
            }
            if !t
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
            {
                return Err(bad("`id` may hold only a-z, 0-9, `_` and `-`".into()));
            }
            if t.id == OTHER_ID {
                return Err(bad(format!(
                    "`{OTHER_ID}` is reserved for texts outside every topic"
                )));
            }
            if !ids.insert(t.id.as_str()) {
                return Err(bad("duplicate `id`".into()));
            }
            if t.name_vi.trim().is_empty() {
                return Err(bad("missing `name_vi`".into()));
            }
            if t.name_en.trim().is_empty() {
                return Err(bad("missing `name_en`".into()));
            }
            if t.seeds.is_empty() && t.strong_seeds.is_empty() {
                return Err(bad(
                    "no `seeds`: a topic needs at least one seed term".into()
                ));
            }
            let mut seen = BTreeSet::new();
            for s in t.seeds.iter().chain(&t.strong_seeds) {
                if s.trim().is_empty() {
                    return Err(bad("empty seed term".into()));
                }
                let key = crate::normalize::normalize(s.trim()).text.to_lowercase();
                if !seen.insert(key) {
                    return Err(bad(format!("seed \"{s}\" listed twice")));
                }
                if fold(s).chars().all(|c| !c.is_alphanumeric())
                    && !s.chars().any(crate::normalize::is_emoji)
                {
                    return Err(bad(format!("seed \"{s}\" has no letters")));
                }
            }
        }
        Ok(())
    }
}

fn perr(line: usize, message: String) -> TopicsError {
    TopicsError::Parse { line, message }
}

/// The line without a `#` comment (outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut in_str = false;
    let mut esc = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if esc => esc = false,
            '\\' if in_str => esc = true,
            '"' => in_str = !in_str,
            '#' if !in_str => return &line[..i],
            _ => {}
        }
    }
    line
}

/// True when the brackets outside strings balance.
fn array_closed(s: &str) -> bool {
    let mut depth = 0i32;
    let mut in_str = false;
    let mut esc = false;
    for c in s.chars() {
        match c {
            _ if esc => esc = false,
            '\\' if in_str => esc = true,
            '"' => in_str = !in_str,
            '[' if !in_str => depth += 1,
            ']' if !in_str => depth -= 1,
            _ => {}
        }
    }
    depth <= 0 && !in_str
}

/// Reads one quoted string at the start of `s`; returns it and the rest.
fn read_string(s: &str, line: usize) -> Result<(String, &str), TopicsError> {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, '"')) => {}
        _ => {
            return Err(perr(
                line,
                format!("expected a \"quoted string\", found `{}`", s.trim()),
            ));
        }
    }
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &s[i + 1..])),
            '\\' => match chars.next().map(|x| x.1) {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                other => {
                    return Err(perr(
                        line,
                        format!("unsupported escape `\\{}`", other.unwrap_or(' ')),
                    ));
                }
            },
            '\n' => {
                return Err(perr(
                    line,
                    "string is not closed before the end of the line".into(),
                ));
            }
            c => out.push(c),
        }
    }
    Err(perr(line, "string is not closed with `\"`".into()))
}

fn parse_string_value(v: &str, line: usize) -> Result<String, TopicsError> {
    let (s, rest) = read_string(v, line)?;
    if !rest.trim().is_empty() {
        return Err(perr(
            line,
            format!("unexpected `{}` after the string", rest.trim()),
        ));
    }
    Ok(s)
}

/// Reads `[ "a", "b", ]`; `first_line` is where the array began, and line numbers in
/// errors count the newlines met since.
fn parse_array(v: &str, first_line: usize) -> Result<Vec<String>, TopicsError> {
    let mut out = Vec::new();
    let Some(mut rest) = v.trim_start().strip_prefix('[') else {
        return Err(perr(first_line, "expected an array `[\"…\", …]`".into()));
    };
    let line_of = |rest: &str| first_line + v[..v.len() - rest.len()].matches('\n').count();
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix(']') {
            if !r.trim().is_empty() {
                return Err(perr(
                    line_of(r),
                    format!("unexpected `{}` after the array", r.trim()),
                ));
            }
            return Ok(out);
        }
        let line = line_of(rest);
        let (s, r) = read_string(rest, line)?;
        out.push(s);
        rest = r.trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        } else if !rest.starts_with(']') {
            return Err(perr(
                line_of(rest),
                "expected `,` or `]` after an array item".into(),
            ));
        }
    }
}
