//! `ykien cases list|overdue|show`: cases (vụ việc) from the server's own command line, as
//! the system sees them (every unit; like `ykien search`), for a duty officer's morning check
//! or a script: `ykien cases overdue --unit 00004 --json`.

use std::collections::HashSet;

use clap::Subcommand;
use ykien_store::{Case, CaseFilter, CaseStatus, Store, StoreError};

use super::config::GlobalOpts;
use super::{UsageError, logging, open_store, settings};

#[derive(Debug, Subcommand)]
pub enum CasesCmd {
    /// List cases, soonest due first
    List {
        /// Only this unit and the units below it, e.g. 01 or 00004
        #[arg(long, value_name = "CODE")]
        unit: Option<String>,
        /// Only cases in this state: new, verifying, forwarded, answered, closed
        #[arg(long)]
        status: Option<String>,
        /// How many cases at most
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print a JSON array
        #[arg(long)]
        json: bool,
    },
    /// Cases past their due date and not yet answered
    Overdue {
        /// Only this unit and the units below it
        #[arg(long, value_name = "CODE")]
        unit: Option<String>,
        /// How many cases at most
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print a JSON array
        #[arg(long)]
        json: bool,
    },
    /// One case with its items and comments
    Show {
        /// The case's number
        id: i64,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

/// The ids of `unit` and every unit below it; a unit that does not exist is the user's
/// mistake.
async fn subtree(store: &Store, unit: &str) -> anyhow::Result<HashSet<String>> {
    let unit = unit.trim();
    let children = match store.list_units(Some(unit), false).await {
        Err(StoreError::NotFound) => {
            return Err(UsageError(format!("unknown unit {unit:?}")).into());
        }
        r => r?,
    };
    let mut ids = HashSet::from([unit.to_string()]);
    let mut todo: Vec<String> = Vec::new();
    for c in children {
        if ids.insert(c.id.as_str().to_string()) {
            todo.push(c.id.as_str().to_string());
        }
    }
    while let Some(u) = todo.pop() {
        for c in store.list_units(Some(&u), false).await? {
            if ids.insert(c.id.as_str().to_string()) {
                todo.push(c.id.as_str().to_string());
            }
        }
    }
    Ok(ids)
}

async fn list(
    store: &Store,
    unit: Option<&str>,
    status: Option<&str>,
    overdue: bool,
    limit: u32,
) -> anyhow::Result<Vec<Case>> {
    let status = status
        .map(CaseStatus::parse)
        .transpose()
        .map_err(|e| UsageError(e.to_string()))?;
    let within = match unit {
        Some(u) => Some(subtree(store, u).await?),
        None => None,
    };
    // Narrowing to a unit happens here, so ask the store for all it would list.
    let filter = CaseFilter {
        status,
        overdue,
        limit: if within.is_some() { 10_000 } else { limit },
    };
    let mut cases = store.list_cases(None, &filter).await?;
    if let Some(ids) = within {
        cases.retain(|c| ids.contains(c.unit.as_str()));
    }
    cases.truncate(limit as usize);
    Ok(cases)
}

/// Due dates as the people of Hanoi read them (UTC+7).
fn hanoi(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7"))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn print_table(cases: &[Case]) {
    for c in cases {
        outln!(
            "#{:<5} {:<9} {:<6} due {}{}  {}  {}",
            c.id,
            c.status.as_str(),
            c.severity.as_str(),
            hanoi(c.due_at),
            if c.overdue { " OVERDUE" } else { "" },
            c.unit_name,
            c.title
        );
    }
    eprintln!("{} cases", cases.len());
}

pub async fn run(g: &GlobalOpts, cmd: CasesCmd) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let store = open_store(&s).await?;
    let r = run_with(&store, cmd).await;
    store.close().await;
    r
}

async fn run_with(store: &Store, cmd: CasesCmd) -> anyhow::Result<()> {
    match cmd {
        CasesCmd::List {
            unit,
            status,
            limit,
            json,
        } => {
            let cases = list(store, unit.as_deref(), status.as_deref(), false, limit).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&cases)?);
            } else {
                print_table(&cases);
            }
        }
        CasesCmd::Overdue { unit, limit, json } => {
            let cases = list(store, unit.as_deref(), None, true, limit).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&cases)?);
            } else {
                print_table(&cases);
            }
        }
        CasesCmd::Show { id, json } => {
            let c = match store.get_case(None, id).await {
                Err(StoreError::NotFound) => {
                    return Err(UsageError(format!("no case #{id}")).into());
                }
                r => r?,
            };
            if json {
                outln!("{}", serde_json::to_string_pretty(&c)?);
            } else {
                let k = &c.case;
                outln!("#{} {}", k.id, k.title);
                outln!("unit:     {} ({})", k.unit_name, k.unit.as_str());
                outln!(
                    "status:   {}{}",
                    k.status.as_str(),
                    match (&k.forwarded_to, &k.forward_ref) {
                        (Some(to), Some(r)) => format!(" to {to} (ref. {r})"),
                        (Some(to), None) => format!(" to {to}"),
                        _ => String::new(),
                    }
                );
                outln!(
                    "severity: {}, due {}{}",
                    k.severity.as_str(),
                    hanoi(k.due_at),
                    if k.overdue { " (OVERDUE)" } else { "" }
                );
                if let Some(a) = &k.assignee_name {
                    outln!("assignee: {a}");
                }
                let items: Vec<String> = c.items.iter().map(|i| format!("#{i}")).collect();
                outln!("items:    {}", items.join(" "));
                for cm in &c.comments {
                    outln!(
                        "  {} {}: {}",
                        hanoi(cm.created_at),
                        cm.author_name.as_deref().unwrap_or("-"),
                        cm.body
                    );
                }
            }
        }
    }
    Ok(())
}
