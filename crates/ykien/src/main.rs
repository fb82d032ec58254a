//! `ykien`: one binary for the server, the demo and the administration commands.
//!
//! Exit codes: 0 success; 2 bad input (unknown unit or role, duplicate e-mail, bad flag:
//! nothing was written); 1 anything else (database unreachable, disk full…).

/// `println!` that ends the program quietly when stdout is closed (`ykien … | head`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

mod cli;

use clap::{Parser, Subcommand};

use cli::config::GlobalOpts;

#[derive(Debug, Parser)]
#[command(
    name = "ykien",
    version,
    about = "ý kiến: listen to what people think, act on it in time, reach people, build consensus",
    long_about = "ý kiến: listen to what people think, act on it in time, reach people, build consensus.\n\n\
Configuration precedence: command-line flags, then environment variables (YKIEN_DATA_DIR, \
YKIEN_DATABASE_URL, YKIEN_LISTEN, …), then the TOML file (--config FILE, or <data-dir>/ykien.toml), \
then built-in defaults.",
    propagate_version = true
)]
struct Cli {
    #[command(flatten)]
    global: GlobalOpts,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (with one analysis worker)
    Serve(cli::serve::ServeArgs),
    /// Run an analysis worker alone (scale-out on PostgreSQL: as many as needed)
    Worker(cli::worker::WorkerArgs),
    /// Create a demo installation (units, accounts, data) in ./ykien-demo and serve it
    Demo(cli::demo::DemoArgs),
    /// Administrative units: list them, resolve free-text place names
    Units {
        #[command(subcommand)]
        cmd: cli::units::UnitsCmd,
    },
    /// Accounts: add and list users
    User {
        #[command(subcommand)]
        cmd: cli::user::UserCmd,
    },
    /// API bearer tokens: create, list, revoke
    Token {
        #[command(subcommand)]
        cmd: cli::token::TokenCmd,
    },
    /// The append-only audit log
    Audit {
        #[command(subcommand)]
        cmd: cli::audit::AuditCmd,
    },
    /// Working calendar for deadlines: holidays, and the days the Government moves each year
    Calendar {
        #[command(subcommand)]
        cmd: cli::calendar::CalendarCmd,
    },
    /// Copy the SQLite database consistently, even while the server runs
    Backup(cli::backup::BackupArgs),
    /// Split Vietnamese text into words (one sentence a line; syllables joined by _)
    Segment(cli::text::InputArgs),
    /// Normalize Vietnamese text: NFC, one tone-mark placement, legacy encodings repaired
    Normalize(cli::text::InputArgs),
    /// Fold text into search keys: lower case, no diacritics, đ→d
    Fold(cli::text::InputArgs),
    /// Analyze documents: language, words, places, personal data, key phrases, fingerprint
    Analyze(cli::text::AnalyzeArgs),
    /// Import items from a JSONL, CSV or XLSX file and analyze them (idempotent)
    Ingest(cli::ingest::IngestArgs),
    /// Search the items: "thuy phuong" finds "Thụy Phương"
    Search(cli::search::SearchArgs),
    /// Text classifiers (topic, sentiment, spam): train, evaluate, explain a prediction
    Model {
        #[command(subcommand)]
        cmd: cli::model::ModelCommand,
    },
    /// Feeds and watched pages: add, list, remove, fetch now, fetch history
    Feeds {
        #[command(subcommand)]
        cmd: cli::feeds::FeedsCmd,
    },
    /// Cases (vụ việc): list, overdue, show
    Cases {
        #[command(subcommand)]
        cmd: cli::cases::CasesCmd,
    },
    /// Alerts: list, show; rules, keyword watches and recipients; evaluate now
    Alerts {
        #[command(subcommand)]
        cmd: cli::alerts::AlertsCmd,
    },
    /// Topic taxonomy: show, export, import a new version, activate one, list versions
    Taxonomy {
        #[command(subcommand)]
        cmd: cli::taxonomy::TaxonomyCmd,
    },
    // issue 7 (drafting helper)
    /// Public-opinion report of a unit for a period (or a flash report on a case) as DOCX, PDF or HTML
    Report(cli::report::ReportArgs),
}

fn main() -> std::process::ExitCode {
    // reqwest is built without a TLS provider of its own: install ring's before any client.
    ykien_feeds::install_crypto_provider();
    let args = Cli::parse();
    let code = match run(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {}", cli::one_line(&e));
            cli::exit_code(&e)
        }
    };
    std::process::ExitCode::from(code)
}

fn run(args: Cli) -> anyhow::Result<()> {
    let g = args.global;
    match args.command {
        Command::Units { cmd } => cli::units::run(cmd),
        Command::Serve(a) => cli::runtime()?.block_on(cli::serve::run(&g, a)),
        Command::Worker(a) => cli::runtime()?.block_on(cli::worker::run(&g, a)),
        Command::Demo(a) => cli::runtime()?.block_on(cli::demo::run(&g, a)),
        Command::User { cmd } => cli::runtime()?.block_on(cli::user::run(&g, cmd)),
        Command::Token { cmd } => cli::runtime()?.block_on(cli::token::run(&g, cmd)),
        Command::Audit { cmd } => cli::runtime()?.block_on(cli::audit::run(&g, cmd)),
        Command::Calendar { cmd } => cli::runtime()?.block_on(cli::calendar::run(&g, cmd)),
        Command::Backup(a) => cli::runtime()?.block_on(cli::backup::run(&g, a)),
        Command::Segment(a) => cli::text::segment(a),
        Command::Normalize(a) => cli::text::normalize(a),
        Command::Fold(a) => cli::text::fold(a),
        Command::Analyze(a) => cli::text::analyze(a),
        Command::Ingest(a) => cli::runtime()?.block_on(cli::ingest::run(&g, a)),
        Command::Search(a) => cli::runtime()?.block_on(cli::search::run(&g, a)),
        Command::Model { cmd } => cli::model::run(&g, cmd),
        Command::Feeds { cmd } => cli::runtime()?.block_on(cli::feeds::run(&g, cmd)),
        Command::Cases { cmd } => cli::runtime()?.block_on(cli::cases::run(&g, cmd)),
        Command::Alerts { cmd } => cli::runtime()?.block_on(cli::alerts::run(&g, cmd)),
        Command::Taxonomy { cmd } => cli::runtime()?.block_on(cli::taxonomy::run(&g, cmd)),
        Command::Report(a) => cli::runtime()?.block_on(cli::report::run(&g, a)),
    }
}
