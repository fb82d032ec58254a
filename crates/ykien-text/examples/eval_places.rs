//! Precision and recall of the place gazetteer on a hand-labelled sample, with and without
//! diacritics.
//!
//! The sample (`eval/places-gold.jsonl`) mixes sentences of resolution 1656/NQ-UBTVQH15
//! (public-domain legal text, stored whole) and sentences of VNTC news articles, stored
//! only as article id + byte offsets because the article text may not ship. Run with the
//! VNTC train file on stdin:
//!
//! ```sh
//! zcat $YKIEN_DATA/topics/vntc/train_full.jsonl.gz | \
//!   cargo run -p ykien-text --example eval_places -- crates/ykien-text/eval/places-gold.jsonl
//! ```
//!
//! A gold mention counts as found when a predicted span overlaps it (the mention level) and
//! the predicted unit is the gold one (the unit level). A unit that kept its name across the
//! 2025 reform counts as the same unit in both generations (legacy "Phường Cửa Nam" and the
//! current ward of that name that took it over), since a sentence rarely says which one.
//! `--dump SAMPLE.json` prints predictions for a candidate sample instead (for annotation).

#[path = "common/unaccent.rs"]
mod unaccent;

use std::collections::{HashMap, HashSet};
use std::io::Read;

use serde_json::Value;
use unaccent::strip_diacritics;
use ykien_text::fold::fold;
use ykien_text::places::{Gazetteer, PlaceMatch};
use ykien_units::{Generation, Level, Unit, units};

struct Sentence {
    label: String,
    /// "vntc-dev" (looked at while building the gazetteer), "vntc-test" (labelled blind
    /// afterwards, never tuned on) or "legal".
    group: String,
    text: String,
    gold: Vec<(String, String)>,
}

fn unit_by_id(id: &str) -> Option<&'static Unit> {
    units().units.iter().find(|u| u.key().id() == id)
}

/// Same unit, or the same place under the same name across the reform.
fn equivalent(pred: &Unit, gold_id: &str) -> bool {
    if pred.key().id() == gold_id {
        return true;
    }
    let Some(gold) = unit_by_id(gold_id) else {
        return false;
    };
    if pred.level != gold.level || fold(pred.short) != fold(gold.short) {
        return false;
    }
    if pred.level == Level::Province {
        return true;
    }
    let all = units();
    let continues = |old: &Unit, new: &Unit| {
        old.generation == Generation::Legacy
            && new.generation == Generation::Current
            && all
                .successors(&old.key())
                .iter()
                .any(|s| s.key() == new.key())
    };
    continues(pred, gold) || continues(gold, pred)
}

/// Gold spans located in order in the sentence.
fn locate(text: &str, gold: &[(String, String)]) -> Vec<(std::ops::Range<usize>, String)> {
    let mut from = 0;
    let mut out = Vec::new();
    for (surface, id) in gold {
        match text[from..].find(surface.as_str()) {
            Some(i) => {
                let s = from + i;
                out.push((s..s + surface.len(), id.clone()));
                from = s + surface.len();
            }
            None => panic!("gold {surface:?} not found in {text:?}"),
        }
    }
    out
}

#[derive(Default)]
struct Counts {
    gold: usize,
    predicted: usize,
    mention_tp: usize,
    unit_tp: usize,
}

impl Counts {
    fn add(&mut self, text: &str, gold: &[(String, String)], found: &[PlaceMatch], log: bool) {
        let gold = locate(text, gold);
        self.gold += gold.len();
        self.predicted += found.len();
        let mut used = HashSet::new();
        for (span, id) in &gold {
            let hit = found.iter().enumerate().find(|(i, m)| {
                !used.contains(i) && m.span.start < span.end && span.start < m.span.end
            });
            match hit {
                Some((i, m)) => {
                    used.insert(i);
                    self.mention_tp += 1;
                    let unit = units().get(&m.unit.key()).expect("known unit");
                    if equivalent(unit, id) {
                        self.unit_tp += 1;
                    } else if log {
                        println!(
                            "  WRONG {:?}: {} ({}) for gold {}",
                            m.text, m.unit.name, m.unit.id, id
                        );
                    }
                }
                None if log => println!("  MISS {:?} {}", &text[span.clone()], id),
                None => {}
            }
        }
        if log {
            for (i, m) in found.iter().enumerate() {
                if !used.contains(&i) {
                    println!(
                        "  EXTRA {:?} -> {} ({}) conf {:.2}",
                        m.text, m.unit.name, m.unit.id, m.confidence
                    );
                }
            }
        }
    }

    fn report(&self, name: &str) {
        let p = |tp: usize| tp as f64 / self.predicted.max(1) as f64;
        let r = |tp: usize| tp as f64 / self.gold.max(1) as f64;
        let f = |tp: usize| 2.0 * p(tp) * r(tp) / (p(tp) + r(tp)).max(1e-9);
        println!(
            "{name:<28} gold {:>4} pred {:>4} | mention P {:.3} R {:.3} F1 {:.3} | unit P {:.3} R {:.3} F1 {:.3}",
            self.gold,
            self.predicted,
            p(self.mention_tp),
            r(self.mention_tp),
            f(self.mention_tp),
            p(self.unit_tp),
            r(self.unit_tp),
            f(self.unit_tp)
        );
    }
}

fn read_stdin_articles(wanted: &HashSet<String>) -> HashMap<String, String> {
    let mut all = String::new();
    std::io::stdin()
        .read_to_string(&mut all)
        .expect("read stdin");
    let mut out = HashMap::new();
    for line in all.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let id = v["id"].as_str().unwrap_or_default();
        if wanted.contains(id) {
            out.insert(
                id.to_string(),
                v["text"].as_str().unwrap_or_default().to_string(),
            );
        }
    }
    out
}

fn dump(path: &str) {
    let sample: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read sample")).expect("json");
    let g = Gazetteer::default();
    for (i, s) in sample.iter().enumerate() {
        let text = s["text"].as_str().unwrap_or_default();
        println!("#{i} {} {} {}\n{text}", s["id"], s["start"], s["end"]);
        for m in g.find_all(text) {
            println!(
                "  {:?} {} {} c={:.2}",
                m.text, m.unit.id, m.unit.name, m.confidence
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--explain") {
        for text in &args[1..] {
            for m in Gazetteer::default().explain(text) {
                println!("{:?} weak={}", &text[m.span.clone()], m.weak);
                for (u, prior, ctx, p) in m.candidates.iter().take(6) {
                    println!(
                        "    {:.3} prior {prior:.2} ctx {ctx:.2} {} {}",
                        p, u.id, u.name
                    );
                }
            }
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--resolve") {
        for q in &args[1..] {
            println!("== {q}");
            for c in Gazetteer::default().resolve(q).iter().take(4) {
                println!(
                    "   {:.3} {} {} [{}] succ: {}",
                    c.score,
                    c.unit.id,
                    c.unit.name,
                    c.parents
                        .iter()
                        .map(|p| p.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                    c.successors
                        .iter()
                        .map(|p| p.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--dump") {
        dump(&args[1]);
        return;
    }
    let verbose = args.iter().any(|a| a == "-v");
    let gold_path = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .cloned()
        .unwrap_or_else(|| "crates/ykien-text/eval/places-gold.jsonl".into());
    let lines: Vec<Value> = std::fs::read_to_string(&gold_path)
        .expect("read gold file")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("gold line"))
        .collect();
    let wanted: HashSet<String> = lines
        .iter()
        .filter(|v| v["source"] == "vntc")
        .filter_map(|v| v["id"].as_str().map(String::from))
        .collect();
    let articles = if wanted.is_empty() {
        HashMap::new()
    } else {
        read_stdin_articles(&wanted)
    };
    let mut sentences = Vec::new();
    for v in &lines {
        let source = v["source"].as_str().unwrap_or_default().to_string();
        let text = if source == "vntc" {
            let id = v["id"].as_str().unwrap_or_default();
            let Some(article) = articles.get(id) else {
                eprintln!("article {id} missing: pipe the VNTC train file on stdin");
                continue;
            };
            let (s, e) = (
                v["start"].as_u64().unwrap() as usize,
                v["end"].as_u64().unwrap() as usize,
            );
            article[s..e].to_string()
        } else {
            v["text"].as_str().unwrap_or_default().to_string()
        };
        let gold = v["gold"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|g| {
                        (
                            g[0].as_str().unwrap_or_default().to_string(),
                            g[1].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let label = v["id"]
            .as_str()
            .or(v["doc"].as_str())
            .unwrap_or_default()
            .to_string();
        let group = match (source.as_str(), v["set"].as_str()) {
            ("vntc", Some("test")) => "vntc-test".to_string(),
            ("vntc", _) => "vntc-dev".to_string(),
            (other, _) => other.to_string(),
        };
        sentences.push(Sentence {
            label,
            group,
            text,
            gold,
        });
    }
    let started = std::time::Instant::now();
    Gazetteer::warm_up();
    let warm = started.elapsed();
    let g = Gazetteer::default();
    let started = std::time::Instant::now();
    let bytes: usize = sentences.iter().map(|s| s.text.len()).sum();
    for s in &sentences {
        std::hint::black_box(g.find_places(&s.text));
    }
    let scan = started.elapsed();
    let mut table: Vec<(String, Counts)> = Vec::new();
    for source in ["vntc-dev", "vntc-test", "legal", "all"] {
        for plain in [false, true] {
            let mut c = Counts::default();
            for s in sentences
                .iter()
                .filter(|s| source == "all" || s.group == source)
            {
                let (text, gold) = if plain {
                    let gold: Vec<_> = s
                        .gold
                        .iter()
                        .map(|(t, id)| (strip_diacritics(t), id.clone()))
                        .collect();
                    (strip_diacritics(&s.text), gold)
                } else {
                    (s.text.clone(), s.gold.clone())
                };
                let log = verbose && source == "all";
                if log {
                    println!(
                        "[{}{}] {}",
                        s.label,
                        if plain { " plain" } else { "" },
                        text
                    );
                }
                c.add(&text, &gold, &g.find_places(&text), log);
            }
            let name = format!(
                "{source} ({})",
                if plain { "no diacritics" } else { "diacritics" }
            );
            table.push((name, c));
        }
    }
    println!(
        "sentences: {} ({} KB); automaton built in {:.0} ms; matching {:.2} MB/s",
        sentences.len(),
        bytes / 1024,
        warm.as_secs_f64() * 1e3,
        bytes as f64 / scan.as_secs_f64() / 1e6
    );
    for (name, c) in &table {
        c.report(name);
    }
}
