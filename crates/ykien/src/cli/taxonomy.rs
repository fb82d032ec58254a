//! `ykien taxonomy`: the organization's topic list. Export the one in use, edit it, import it
//! as a new version, activate a version (which builds and activates a topic model on it, so
//! every worker follows within half a minute). The same as the web page /admin/taxonomy,
//! as the system (the local command line needs no account).

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use ykien_listen::learn::{self, TaxonomySaved};
use ykien_text::topics::{DEFAULT_TAXONOMY, Taxonomy};

use super::config::GlobalOpts;
use super::{UsageError, logging, open_store, settings};

#[derive(Debug, Subcommand)]
pub enum TaxonomyCmd {
    /// Show the topics of the taxonomy in use (or of one stored version)
    Show {
        /// A stored version (its number) instead of the active one
        #[arg(long, short)]
        number: Option<i64>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Print the taxonomy text in use (or of one version), to edit and import again
    Export {
        /// A stored version (its number) instead of the active one; 0 for the one shipped
        /// with ykien
        #[arg(long, short)]
        number: Option<i64>,
        /// Write to this file instead of standard output
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Store a taxonomy file as a new version, after checking it (errors name the line)
    Import {
        /// The taxonomy file ([[topic]] tables: id, name_vi, name_en, description, seeds,
        /// strong_seeds)
        file: PathBuf,
        /// What changed, kept with the version
        #[arg(long, default_value = "")]
        note: String,
        /// Also make it the active taxonomy (builds and activates its topic model)
        #[arg(long)]
        activate: bool,
    },
    /// Make a stored version the active taxonomy, and build and activate its topic model
    Activate {
        /// The version number (see `ykien taxonomy list`)
        number: i64,
    },
    /// List the stored versions, newest first
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(g: &GlobalOpts, cmd: TaxonomyCmd) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let store = open_store(&s).await?;
    let r = run_on(&store, cmd).await;
    store.close().await;
    r
}

/// The store's error under the pipeline's, so that the exit code tells the user's mistakes
/// (an unknown version: 2) from the environment's.
fn store_error(e: ykien_listen::ListenError) -> ykien_store::StoreError {
    match e {
        ykien_listen::ListenError::Store(e) => e,
    }
}

/// The text of a version: `None` the active one (the shipped one when none is active),
/// `Some(0)` the shipped one.
async fn source_of(store: &ykien_store::Store, version: Option<i64>) -> anyhow::Result<String> {
    Ok(match version {
        Some(0) => DEFAULT_TAXONOMY.to_string(),
        Some(v) => {
            store
                .taxonomy_version(v)
                .await?
                .ok_or_else(|| UsageError(format!("no taxonomy version {v}")))?
                .source
        }
        None => match store.active_taxonomy().await? {
            Some(v) => v.source,
            None => DEFAULT_TAXONOMY.to_string(),
        },
    })
}

async fn run_on(store: &ykien_store::Store, cmd: TaxonomyCmd) -> anyhow::Result<()> {
    match cmd {
        TaxonomyCmd::Show { number, json } => {
            let src = source_of(store, number).await?;
            let tx = Taxonomy::parse(&src).map_err(|e| UsageError(e.to_string()))?;
            if json {
                let topics: Vec<serde_json::Value> = tx
                    .topics
                    .iter()
                    .map(|t| {
                        serde_json::json!({
                            "id": t.id, "name_vi": t.name_vi, "name_en": t.name_en,
                            "description": t.description, "seeds": t.seeds,
                            "strong_seeds": t.strong_seeds,
                        })
                    })
                    .collect();
                outln!("{}", serde_json::to_string_pretty(&topics)?);
            } else {
                for t in &tx.topics {
                    outln!(
                        "{:<20} {}  /  {}  ({} seeds, {} strong)",
                        t.id,
                        t.name_vi,
                        t.name_en,
                        t.seeds.len(),
                        t.strong_seeds.len()
                    );
                }
            }
        }
        TaxonomyCmd::Export { number, output } => {
            let src = source_of(store, number).await?;
            match output {
                Some(p) => std::fs::write(&p, src.as_bytes())
                    .with_context(|| format!("cannot write {}", p.display()))?,
                None => {
                    use std::io::Write as _;
                    let mut out = std::io::stdout().lock();
                    match out.write_all(src.as_bytes()).and_then(|()| out.flush()) {
                        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                            return Err(e.into());
                        }
                        _ => {}
                    }
                }
            }
        }
        TaxonomyCmd::Import {
            file,
            note,
            activate,
        } => {
            let src = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            if let Err(e) = learn::check_taxonomy(&src) {
                return Err(UsageError(format!("{}: {e}", file.display())).into());
            }
            let TaxonomySaved { version, model } =
                learn::save_taxonomy(store, None, &src, &note, activate)
                    .await
                    .map_err(store_error)?;
            outln!(
                "taxonomy version {} stored{}",
                version.version,
                if version.active { " and active" } else { "" }
            );
            if let Some(m) = model {
                outln!(
                    "topic model version {}: {}",
                    m.version.map_or("-".into(), |v| v.to_string()),
                    m.reason
                );
            }
        }
        TaxonomyCmd::Activate { number } => {
            let m = learn::activate_taxonomy(store, None, number)
                .await
                .map_err(store_error)?;
            outln!("taxonomy version {number} active");
            outln!(
                "topic model version {}: {}",
                m.version.map_or("-".into(), |v| v.to_string()),
                m.reason
            );
        }
        TaxonomyCmd::List { json } => {
            let list = store.taxonomy_versions().await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                outln!("no stored version: the taxonomy shipped with ykien is in use");
            } else {
                for v in &list {
                    let topics = Taxonomy::parse(&v.source).map_or(0, |t| t.len());
                    outln!(
                        "{:>4} {} {}  {} topics  {}  {}",
                        v.version,
                        if v.active { "*" } else { " " },
                        v.created_at.format("%Y-%m-%d %H:%M"),
                        topics,
                        v.created_by_name.as_deref().unwrap_or("(system)"),
                        v.note
                    );
                }
            }
        }
    }
    Ok(())
}
