//! Does the default taxonomy improve with officers' labels? A reproducible experiment.
//!
//! `cargo run --release -p ykien-text --example topics_experiment -- [--data DIR]
//! [--seeds 3] [--pool 3000] [--max-chars 0] [--with-other]`
//!
//! No corpus is labelled on the organization's taxonomy, so VNTC (news, 2006–07, train
//! split only) stands in: its sections are mapped onto the taxonomy where they correspond,
//! as an approximation — Chính trị Xã hội → Party and government building (weak: the
//! section also holds social news), Kinh doanh → prices, jobs and livelihoods (business
//! news is broader), Pháp luật → security and order, Sức khỏe → health, Thế giới →
//! foreign affairs and sovereignty, Văn hóa → culture, religion and ethnic affairs. Đời
//! sống, Khoa học, Thể thao and Vi tính have no counterpart and are left out (with
//! `--with-other` they are kept, labelled "other"). The label space is the mapped topics
//! (plus "other" with `--with-other`); macro-F1 is over the gold labels, and predicting a
//! topic outside them counts as a miss.
//!
//! Dev = documents whose id hashes (FNV-1a) to 0 mod 5; the rest is the pool from which
//! labels are drawn: per seed, a random pool of `--pool` documents; labels 50, 100, 200,
//! 400 chosen by active learning (uncertainty + MinHash diversity, in batches 50, 50,
//! 100, 200) or at random, from the same pool.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};

use ykien_text::classify::{Evaluation, Example};
use ykien_text::topics::{OTHER_ID, Taxonomy, TopicModel, TopicModelConfig};

const MAPPING: &[(&str, &str)] = &[
    ("Chinh tri Xa hoi", "party_government"),
    ("Kinh doanh", "livelihood"),
    ("Phap luat", "security"),
    ("Suc khoe", "health"),
    ("The gioi", "foreign_sovereignty"),
    ("Van hoa", "culture_religion"),
];

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

struct Doc {
    text: String,
    label: String,
}

fn load(path: &str, max_chars: usize, with_other: bool) -> (Vec<Doc>, Vec<Doc>) {
    let mut child = Command::new("gzip")
        .args(["-dc", path])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("gzip -dc {path}: {e}"));
    let mut raw = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut raw)
        .expect("read");
    child.wait().expect("gzip");
    let (mut dev, mut pool) = (Vec::new(), Vec::new());
    for line in raw.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        let id = v["id"].as_str().expect("id");
        let section = v["label"].as_str().expect("label");
        let label = match MAPPING.iter().find(|m| m.0 == section) {
            Some(m) => m.1,
            None if with_other => OTHER_ID,
            None => continue,
        };
        let mut text = v["text"].as_str().expect("text").to_string();
        if max_chars > 0 && text.chars().count() > max_chars {
            text = text.chars().take(max_chars).collect();
        }
        let d = Doc {
            text,
            label: label.to_string(),
        };
        if fnv(id).is_multiple_of(5) {
            dev.push(d)
        } else {
            pool.push(d)
        }
    }
    (dev, pool)
}

fn evaluate(model: &TopicModel, dev: &[Doc], gold_labels: &[String]) -> Evaluation {
    let mut e = Evaluation::new(gold_labels.to_vec());
    for d in dev {
        e.add(&d.label, &model.best(&d.text));
    }
    e
}

fn macro_f1(model: &TopicModel, dev: &[Doc], gold_labels: &[String]) -> f64 {
    let e = evaluate(model, dev, gold_labels);
    let per = e.per_label();
    let f: Vec<f64> = per
        .iter()
        .filter(|s| gold_labels.contains(&s.label))
        .map(|s| s.f1)
        .collect();
    f.iter().sum::<f64>() / gold_labels.len() as f64
}

fn train(tx: &Taxonomy, pool: &[Doc], chosen: &[usize], cfg: &TopicModelConfig) -> TopicModel {
    let ex: Vec<Example<'_>> = chosen
        .iter()
        .map(|&i| Example {
            text: &pool[i].text,
            label: &pool[i].label,
        })
        .collect();
    TopicModel::train(tx.clone(), &ex, cfg.clone()).expect("train")
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len().max(1) as f64;
    (m, var.sqrt())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let data = opt("--data")
        .or_else(|| std::env::var("YKIEN_DATA").ok())
        .unwrap_or_else(|| "../shared/data".into());
    let seeds: u64 = opt("--seeds").map_or(3, |s| s.parse().expect("seeds"));
    let pool_size: usize = opt("--pool").map_or(3000, |s| s.parse().expect("pool"));
    let max_chars: usize = opt("--max-chars").map_or(0, |s| s.parse().expect("max-chars"));
    let with_other = args.iter().any(|a| a == "--with-other");
    // Model options, for exploring; the defaults are TopicModelConfig::default().
    let mut cfg = TopicModelConfig::default();
    if let Some(v) = opt("--epochs") {
        cfg.train.epochs = v.parse().expect("epochs");
    }
    if let Some(v) = opt("--lr") {
        cfg.train.learning_rate = v.parse().expect("lr");
    }
    if let Some(v) = opt("--half") {
        cfg.half_weight_labels = v.parse().expect("half");
    }
    if args.iter().any(|a| a == "--hinge") {
        cfg.train.loss = ykien_text::classify::Loss::Hinge;
    }
    if args.iter().any(|a| a == "--no-seed-documents") {
        cfg.seed_documents = false;
    }
    if args.iter().any(|a| a == "--no-balance") {
        cfg.balance = false;
    }
    if args.iter().any(|a| a == "--no-seed-features") {
        cfg.seed_features = false;
    }
    let t0 = std::time::Instant::now();
    let (dev, pool_all) = load(
        &format!("{data}/topics/vntc/train_full.jsonl.gz"),
        max_chars,
        with_other,
    );
    let mut ids: Vec<&str> = MAPPING.iter().map(|m| m.1).collect();
    let tx = Taxonomy::default().restrict(&ids);
    if with_other {
        ids.push(OTHER_ID);
    }
    let gold: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &dev {
        *counts.entry(&d.label).or_default() += 1;
    }
    eprintln!(
        "loaded {} dev / {} pool documents in {:.1}s; dev labels {counts:?}",
        dev.len(),
        pool_all.len(),
        t0.elapsed().as_secs_f64()
    );

    let seed_only = TopicModel::seed_only(tx.clone());
    let e_seed = evaluate(&seed_only, &dev, &gold);
    eprintln!("seed terms only, per topic (macro-F1 below is over the gold topics):\n{e_seed}");
    if args.iter().any(|a| a == "--diagnose") {
        // Which seed terms drive the wrong seed-only answers, per predicted topic.
        let mut blame: BTreeMap<(String, String), usize> = BTreeMap::new();
        for d in &dev {
            let top = seed_only.predict(&d.text, 1, 0.0);
            if top[0].id != d.label {
                for t in &top[0].terms {
                    *blame.entry((top[0].id.clone(), t.clone())).or_default() += 1;
                }
            }
        }
        let mut v: Vec<_> = blame.into_iter().collect();
        v.sort_by_key(|x| std::cmp::Reverse(x.1));
        for ((topic, term), n) in v.iter().take(60) {
            eprintln!("{n:>5}  {topic:<22} {term}");
        }
    }
    let f_seed = macro_f1(&seed_only, &dev, &gold);
    eprintln!(
        "seed terms only: macro-F1 {f_seed:.4} ({:.1}s)",
        t0.elapsed().as_secs_f64()
    );

    let sizes = [50usize, 100, 200, 400];
    let mut al: Vec<Vec<f64>> = vec![Vec::new(); sizes.len()];
    let mut rnd: Vec<Vec<f64>> = vec![Vec::new(); sizes.len()];
    for seed in 1..=seeds {
        let mut rng = Rng(seed);
        let mut order: Vec<usize> = (0..pool_all.len()).collect();
        rng.shuffle(&mut order);
        order.truncate(pool_size.min(pool_all.len()));
        let pool: Vec<&Doc> = order.iter().map(|&i| &pool_all[i]).collect();
        let pool_docs: Vec<Doc> = pool
            .iter()
            .map(|d| Doc {
                text: d.text.clone(),
                label: d.label.clone(),
            })
            .collect();
        // Random: prefixes of one more shuffle of the pool.
        let mut random_order: Vec<usize> = (0..pool_docs.len()).collect();
        rng.shuffle(&mut random_order);
        for (k, &n) in sizes.iter().enumerate() {
            let m = train(&tx, &pool_docs, &random_order[..n], &cfg);
            if args.iter().any(|a| a == "--diagnose") {
                eprintln!(
                    "random {n}, weight {:.2}:\n{}",
                    m.classifier_weight(),
                    evaluate(&m, &dev, &gold)
                );
            }
            rnd[k].push(macro_f1(&m, &dev, &gold));
        }
        // Active learning in batches.
        let mut chosen: Vec<usize> = Vec::new();
        let mut model = seed_only.clone();
        for (k, &n) in sizes.iter().enumerate() {
            let rest: Vec<usize> = (0..pool_docs.len())
                .filter(|i| !chosen.contains(i))
                .collect();
            let texts: Vec<&str> = rest.iter().map(|&i| pool_docs[i].text.as_str()).collect();
            let pick = model.suggest_for_labelling(&texts, n - chosen.len());
            chosen.extend(pick.into_iter().map(|j| rest[j]));
            model = train(&tx, &pool_docs, &chosen, &cfg);
            if args.iter().any(|a| a == "--diagnose") {
                let mut c: BTreeMap<&str, usize> = BTreeMap::new();
                chosen
                    .iter()
                    .for_each(|&i| *c.entry(&pool_docs[i].label).or_default() += 1);
                eprintln!(
                    "active {n}: labels {c:?}\n{}",
                    evaluate(&model, &dev, &gold)
                );
            }
            al[k].push(macro_f1(&model, &dev, &gold));
        }
        eprintln!(
            "seed {seed}: random {:?} active {:?} ({:.1}s)",
            rnd.iter()
                .map(|v| (v[v.len() - 1] * 1e4).round() / 1e4)
                .collect::<Vec<_>>(),
            al.iter()
                .map(|v| (v[v.len() - 1] * 1e4).round() / 1e4)
                .collect::<Vec<_>>(),
            t0.elapsed().as_secs_f64()
        );
    }
    println!(
        "VNTC mapped onto the default taxonomy ({} topics{}), dev {} docs, pool {} per seed, {} seeds",
        MAPPING.len(),
        if with_other { " + other" } else { "" },
        dev.len(),
        pool_size,
        seeds
    );
    println!("| labels | seed terms only | random (mean ± sd) | active learning (mean ± sd) |");
    println!("|---:|---:|---:|---:|");
    println!("| 0 | {f_seed:.4} | – | – |");
    for (k, &n) in sizes.iter().enumerate() {
        let (rm, rs) = mean_sd(&rnd[k]);
        let (am, asd) = mean_sd(&al[k]);
        println!("| {n} | – | {rm:.4} ± {rs:.4} | {am:.4} ± {asd:.4} |");
    }
}
