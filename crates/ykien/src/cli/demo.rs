//! `ykien demo`: a working installation in one command. Creates the data directory, loads the
//! units, creates demo accounts for the city and two wards, adds the demo items (see
//! [`items`]: synthetic collaborators' reports, excerpts of a public resolution, and real
//! news when the shared data folder is present), analyzes them, and serves.
//!
//! Idempotent: passwords are generated on the first run and kept in
//! `<data-dir>/demo-accounts.txt` (mode 0600); later runs print the same accounts and create
//! nothing that already exists.

pub mod items;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use ykien_core::Role;
use ykien_store::{LabelField, LabelValue, NewUser, Store};

use super::config::{DEMO_DATA_DIR, GlobalOpts, ServeOpts, Settings};
use super::user::generate_password;
use super::{logging, open_store};

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub opts: ServeOpts,
    /// Prepare everything, then exit instead of serving
    #[arg(long)]
    pub no_serve: bool,
    /// Load no demo items (accounts and units only)
    #[arg(long)]
    pub no_items: bool,
    /// Where the shared data folder is (for real news from VNTC) [default: $YKIEN_DATA, then
    /// ../shared/data]; the demo works without it
    #[arg(long, value_name = "DIR")]
    pub news_data: Option<PathBuf>,
    /// Do not read real news even when the shared data folder is present
    #[arg(long)]
    pub no_news: bool,
}

/// One demo account.
struct DemoAccount {
    role: Role,
    unit: &'static str,
    email: &'static str,
    name: &'static str,
}

const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        role: Role::Admin,
        unit: "01",
        email: "quantri@hanoi.demo.ykien.vn",
        name: "Quản trị Thành phố",
    },
    DemoAccount {
        role: Role::Leader,
        unit: "01",
        email: "lanhdao@hanoi.demo.ykien.vn",
        name: "Lãnh đạo Thành phố",
    },
    DemoAccount {
        role: Role::Officer,
        unit: "00004",
        email: "canbo@badinh.demo.ykien.vn",
        name: "Cán bộ phường Ba Đình",
    },
    DemoAccount {
        role: Role::Collaborator,
        unit: "00004",
        email: "ctv@badinh.demo.ykien.vn",
        name: "Cộng tác viên phường Ba Đình",
    },
    DemoAccount {
        role: Role::Officer,
        unit: "00602",
        email: "canbo@dongngac.demo.ykien.vn",
        name: "Cán bộ phường Đông Ngạc",
    },
];

/// Residential areas (tổ dân phố) under the two demo wards.
const AREAS: &[(&str, &str)] = &[
    ("00004", "Tổ dân phố số 1"),
    ("00004", "Tổ dân phố số 2"),
    ("00004", "Tổ dân phố số 3"),
    ("00602", "Tổ dân phố Đông Ngạc 1"),
    ("00602", "Tổ dân phố Đông Ngạc 2"),
];

const ACCOUNTS_FILE: &str = "demo-accounts.txt";

/// Reads `login → password` from a previous run.
fn read_passwords(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    if let Ok(text) = std::fs::read_to_string(path) {
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() >= 4 && cols[0] != "role" {
                out.insert(cols[2].to_string(), cols[3].to_string());
            }
        }
    }
    Ok(out)
}

fn write_passwords(path: &Path, rows: &[(&DemoAccount, String)]) -> anyhow::Result<()> {
    let mut text = String::from(
        "# ykien demo accounts (generated on the first `ykien demo`; keep this file private)\nrole\tunit\tlogin\tpassword\tname\n",
    );
    for (a, pw) in rows {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            a.role, a.unit, a.email, pw, a.name
        ));
    }
    let tmp = path.with_extension("txt.tmp");
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

pub async fn run(g: &GlobalOpts, a: DemoArgs) -> anyhow::Result<()> {
    let s = Settings::resolve(g, DEMO_DATA_DIR)?;
    logging::init(&s, "info");
    std::fs::create_dir_all(&s.data_dir)
        .with_context(|| format!("cannot create {}", s.data_dir.display()))?;
    let web = s.web(&a.opts)?;
    let listen = s.listen(&a.opts);
    let store = open_store(&s).await?;
    outln!("ykien demo in {}", s.data_dir.display());

    let report = store
        .load_units()
        .await
        .context("cannot load the administrative units")?;
    outln!(
        "units: {} ({} added or changed)",
        report.units,
        report.units_changed
    );

    let accounts = ensure_accounts(&store, &s.data_dir.join(ACCOUNTS_FILE)).await?;
    let areas = ensure_areas(&store).await?;
    outln!("residential areas: {} ({} added)", AREAS.len(), areas);

    if !a.no_items {
        load_items(&store, &a).await?;
    }

    outln!(
        "\ndemo accounts (also in {}):",
        s.data_dir.join(ACCOUNTS_FILE).display()
    );
    for (acc, pw, created) in &accounts {
        outln!(
            "  {:<13} {:<6} {:<32} {}{}",
            acc.role.as_str(),
            acc.unit,
            acc.email,
            pw,
            if *created { "  (new)" } else { "" }
        );
    }
    if a.no_serve {
        store.close().await;
        return Ok(());
    }
    outln!("\nopen http://{listen}/ and sign in with one of the accounts above");
    super::serve::serve_on(store, web, &listen).await
}

/// Loads the demo items and analyzes them, saying what came from where and how long it took.
async fn load_items(store: &Store, a: &DemoArgs) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let users = store.list_users(None).await?;
    let collaborator = ACCOUNTS
        .iter()
        .find(|acc| acc.role == Role::Collaborator)
        .and_then(|acc| {
            users
                .iter()
                .find(|u| u.email.as_deref() == Some(acc.email))
                .map(|u| (u.id, acc.unit.to_string()))
        });
    let data = if a.no_news {
        None
    } else {
        a.news_data.clone().or_else(items::data_dir)
    };
    let vntc = items::vntc_file(data.as_deref());
    let loaded = items::load(store, collaborator, vntc.as_deref(), chrono::Utc::now()).await?;
    let t1 = Instant::now();
    let cfg = ykien_listen::learn::worker_config_with_active_models(store).await;
    let done = ykien_listen::drain(store, &cfg, |_| {}).await?;
    outln!(
        "demo items: {} synthetic reports and comments (source {}, written for the demo), \
         {} excerpts of Resolution 1656/NQ-UBTVQH15 (source {}), {} real news articles (source \
         {}{}); {} new",
        loaded.synthetic,
        items::SYNTHETIC_SOURCE,
        loaded.legal,
        items::LEGAL_SOURCE,
        loaded.vntc,
        items::VNTC_SOURCE,
        match (&vntc, a.no_news) {
            (Some(_), _) => ", VNTC 2006–07, times reassigned over the last 60 days",
            (None, true) => ": skipped, --no-news",
            (None, false) => ": the shared data folder was not found, none loaded",
        },
        loaded.created
    );
    outln!(
        "loaded in {:.1} s, analyzed {} in {:.1} s ({} failed)",
        (t1 - t0).as_secs_f64(),
        done.analyzed,
        t1.elapsed().as_secs_f64(),
        done.failed
    );
    learn_from_corrections(store, &loaded.intended).await
}

/// Shows learning from officers: the city leader corrects the topics of synthetic reports
/// where the analysis disagrees with the topic their writer meant (once: items that already
/// have a label are left alone), and the topic model is retrained from those labels.
async fn learn_from_corrections(store: &Store, intended: &[(i64, String)]) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let Some(leader) = ACCOUNTS.iter().find(|a| a.role == Role::Leader) else {
        return Ok(());
    };
    let users = store.list_users(None).await?;
    let Some(id) = users
        .iter()
        .find(|u| u.email.as_deref() == Some(leader.email))
        .map(|u| u.id)
    else {
        return Ok(());
    };
    let Some(actor) = store.actor(id).await? else {
        return Ok(());
    };
    let mut corrected = 0;
    for (item, topic) in intended {
        let it = store.item(None, *item).await?;
        if it.topic.as_deref() == Some(topic.as_str())
            || !store.item_labels(None, *item).await?.is_empty()
        {
            continue;
        }
        store
            .add_label(
                Some(&actor),
                *item,
                LabelField::Topic,
                LabelValue::Code(topic.clone()),
            )
            .await
            .with_context(|| format!("demo correction of item {item}"))?;
        corrected += 1;
    }
    if corrected == 0 {
        return Ok(());
    }
    let reports = ykien_listen::learn::retrain(
        store,
        &ykien_listen::learn::RetrainOptions {
            only: vec![ykien_listen::learn::ModelKind::Topic],
            ..Default::default()
        },
    )
    .await?;
    for r in reports {
        outln!(
            "learning: {} corrected {corrected} topics; topic model macro-F1 on held-out \
             labels {} → {}: {} ({:.1} s)",
            leader.name,
            r.before_macro_f1.map_or("-".into(), |v| format!("{v:.3}")),
            r.after_macro_f1.map_or("-".into(), |v| format!("{v:.3}")),
            r.reason,
            t0.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Creates the demo accounts that do not exist yet; returns (account, password, created now).
async fn ensure_accounts(
    store: &Store,
    file: &Path,
) -> anyhow::Result<Vec<(&'static DemoAccount, String, bool)>> {
    let known = read_passwords(file)?;
    let existing: Vec<String> = store
        .list_users(None)
        .await?
        .into_iter()
        .filter_map(|u| u.email)
        .collect();
    let mut rows = Vec::new();
    let mut out = Vec::new();
    let mut changed = false;
    for acc in ACCOUNTS {
        let pw = match known.get(acc.email) {
            Some(p) => p.clone(),
            None => {
                changed = true;
                generate_password()
            }
        };
        rows.push((acc, pw.clone()));
        out.push((acc, pw, false));
    }
    // Write the passwords before creating the accounts, so a crash in between never leaves an
    // account whose password nobody knows.
    if changed || !file.exists() {
        write_passwords(file, &rows)?;
    }
    for (acc, pw, created) in out.iter_mut() {
        if existing.iter().any(|e| e.eq_ignore_ascii_case(acc.email)) {
            continue;
        }
        store
            .create_user(
                None,
                NewUser {
                    name: acc.name.to_string(),
                    email: Some(acc.email.to_string()),
                    phone: None,
                    password: Some(pw.clone()),
                    role: acc.role,
                    unit: acc.unit.to_string(),
                    member_org: None,
                },
            )
            .await
            .with_context(|| format!("cannot create demo account {}", acc.email))?;
        *created = true;
    }
    Ok(out)
}

async fn ensure_areas(store: &Store) -> anyhow::Result<usize> {
    let mut added = 0;
    for (commune, name) in AREAS {
        let children = store.list_units(Some(commune), false).await?;
        if children.iter().any(|c| c.name == *name) {
            continue;
        }
        store
            .create_area(None, commune, name, Some("Tổ dân phố"))
            .await?;
        added += 1;
    }
    Ok(added)
}
