//! `ykien units`: the administrative units embedded in the binary, and free-text lookup.
//! Reads the embedded tables directly: no database needed.

use anyhow::bail;
use clap::Subcommand;
use serde::Serialize;
use ykien_text::places::{Candidate, Gazetteer, UnitRef};
use ykien_units::{Generation, Level, Unit, UnitKey, units};

use crate::cli::UsageError;

#[derive(Debug, Subcommand)]
pub enum UnitsCmd {
    /// List units: the provinces, or the units directly under --parent
    List {
        /// Parent unit: a code ("01", "00004") or an id ("old:d:021")
        #[arg(long, value_name = "CODE")]
        parent: Option<String>,
        /// The units before the reform of 1 July 2025 (63 provinces, districts, communes)
        #[arg(long)]
        legacy: bool,
        /// Print a JSON array
        #[arg(long)]
        json: bool,
    },
    /// Find the units a free-text place name means ("P. Thụy Phương, Q. Bắc Từ Liêm")
    Resolve {
        /// The place as written, with or without diacritics and type words
        text: String,
        /// Print a JSON array
        #[arg(long)]
        json: bool,
        /// How many candidates to show at most
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
}

#[derive(Debug, Serialize)]
struct UnitOut {
    id: String,
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    level: &'static str,
    parent: Option<String>,
    legacy: bool,
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Province => "province",
        Level::District => "district",
        Level::Commune => "commune",
    }
}

fn out(u: &Unit) -> UnitOut {
    UnitOut {
        id: u.key().id(),
        code: u.code,
        name: u.name,
        kind: u.kind,
        level: level_name(u.level),
        parent: u.parent.map(|p| p.id()),
        legacy: u.generation == Generation::Legacy,
    }
}

/// The key a typed parent means.
fn parent_key(text: &str, legacy: bool) -> anyhow::Result<UnitKey> {
    let t = text.trim();
    let all = units();
    let found = if let Some(rest) = t.strip_prefix("old:") {
        let (l, code) = rest.split_once(':').unwrap_or(("", ""));
        let level = match l {
            "p" => Some(Level::Province),
            "d" => Some(Level::District),
            "c" => Some(Level::Commune),
            _ => None,
        };
        level.and_then(|level| {
            all.units
                .iter()
                .find(|u| u.generation == Generation::Legacy && u.level == level && u.code == code)
        })
    } else if legacy {
        let level = match t.len() {
            2 => Level::Province,
            3 => Level::District,
            _ => Level::Commune,
        };
        all.units
            .iter()
            .find(|u| u.generation == Generation::Legacy && u.level == level && u.code == t)
    } else {
        all.current(t)
    };
    match found {
        Some(u) => Ok(u.key()),
        None => bail!(UsageError(format!(
            "unknown unit {t:?} (see `ykien units list`)"
        ))),
    }
}

pub fn run(cmd: UnitsCmd) -> anyhow::Result<()> {
    match cmd {
        UnitsCmd::List {
            parent,
            legacy,
            json,
        } => {
            let all = units();
            let generation = if legacy {
                Generation::Legacy
            } else {
                Generation::Current
            };
            let list: Vec<&Unit> = match parent {
                Some(p) => {
                    let key = parent_key(&p, legacy)?;
                    all.children(&key).collect()
                }
                None => all
                    .of(generation)
                    .filter(|u| u.level == Level::Province)
                    .collect(),
            };
            if json {
                let rows: Vec<UnitOut> = list.iter().map(|u| out(u)).collect();
                outln!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for u in &list {
                    outln!("{:<12} {:<12} {}", u.key().id(), u.kind, u.name);
                }
                eprintln!("{} units", list.len());
            }
            Ok(())
        }
        UnitsCmd::Resolve { text, json, limit } => {
            let found: Vec<Candidate> = Gazetteer::default()
                .resolve(&text)
                .into_iter()
                .take(limit)
                .collect();
            if json {
                let rows: Vec<serde_json::Value> = found.iter().map(candidate_json).collect();
                outln!("{}", serde_json::to_string_pretty(&rows)?);
            } else if found.is_empty() {
                eprintln!("no unit matches {text:?}");
            } else {
                for (i, c) in found.iter().enumerate() {
                    let within: Vec<&str> = c.parents.iter().map(|p| p.name).collect();
                    let mut line = format!("{:>2}. {:<12} {}", i + 1, c.unit.id, c.unit.name);
                    if !within.is_empty() {
                        line.push_str(&format!(", {}", within.join(", ")));
                    }
                    line.push_str(&format!("  (score {:.2})", c.score));
                    if c.unit.legacy {
                        let succ: Vec<String> = c
                            .successors
                            .iter()
                            .map(|s| format!("{} {}", s.code, s.name))
                            .collect();
                        line.push_str(&format!("\n      former unit; now: {}", succ.join("; ")));
                    }
                    outln!("{line}");
                }
            }
            Ok(())
        }
    }
}

fn brief(u: &UnitRef) -> serde_json::Value {
    serde_json::json!({ "id": u.id, "code": u.code, "name": u.name, "kind": u.kind })
}

fn candidate_json(c: &Candidate) -> serde_json::Value {
    let mut v = serde_json::json!({
        "id": c.unit.id,
        "code": c.unit.code,
        "name": c.unit.name,
        "kind": c.unit.kind,
        "level": level_name(c.unit.level),
        "legacy": c.unit.legacy,
        "score": (f64::from(c.score) * 1000.0).round() / 1000.0,
        "matched": c.matched,
        "parents": c.parents.iter().map(brief).collect::<Vec<_>>(),
    });
    if c.unit.legacy {
        v["successors"] = c.successors.iter().map(brief).collect::<Vec<_>>().into();
    }
    v
}
