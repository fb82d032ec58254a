//! `ykien user`: accounts, administered from the server's own command line (the system
//! actor: unscoped, audited without a user).

use std::io::BufRead;

use clap::{ArgGroup, Subcommand};
use ykien_core::Role;
use ykien_store::NewUser;

use super::config::GlobalOpts;
use super::{UsageError, logging, open_store, settings};

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Add an account (prints a generated password unless --password-stdin is given)
    #[command(group(ArgGroup::new("login").required(true).multiple(true).args(["email", "phone"])))]
    Add {
        /// The unit the user belongs to, e.g. 01 (Hà Nội) or 00004 (Phường Ba Đình)
        #[arg(long, value_name = "CODE")]
        unit: String,
        /// admin, leader, officer, editor, collaborator or viewer
        #[arg(long)]
        role: String,
        /// Full name
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// Member organization id (see the store's member organizations)
        #[arg(long, value_name = "ID")]
        member_org: Option<String>,
        /// Read the password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts
    List {
        /// Print a JSON array
        #[arg(long)]
        json: bool,
    },
}

/// A random password that is easy to read aloud and type on a phone.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let mut s = String::new();
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            s.push('-');
        }
        s.push(ALPHABET[rng.random_range(0..ALPHABET.len())] as char);
    }
    s
}

pub async fn run(g: &GlobalOpts, cmd: UserCmd) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    match cmd {
        UserCmd::Add {
            unit,
            role,
            name,
            email,
            phone,
            member_org,
            password_stdin,
        } => {
            // Check what needs no database first, so bad input never touches it.
            let role: Role = role
                .parse()
                .map_err(|e: ykien_core::CoreError| UsageError(e.to_string()))?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                let p = line.trim_end_matches(['\r', '\n']).to_string();
                if p.is_empty() {
                    anyhow::bail!(UsageError("no password on standard input".into()));
                }
                (p, false)
            } else {
                (generate_password(), true)
            };
            let store = open_store(&s).await?;
            let user = store
                .create_user(
                    None,
                    NewUser {
                        name,
                        email,
                        phone,
                        password: Some(password.clone()),
                        role,
                        unit,
                        member_org,
                    },
                )
                .await?;
            outln!(
                "created user #{} {} ({}, {} {})",
                user.id,
                user.name,
                user.role,
                user.unit,
                user.unit_name
            );
            if generated {
                outln!("password: {password}");
            }
            store.close().await;
        }
        UserCmd::List { json } => {
            let store = open_store(&s).await?;
            let users = store.list_users(None).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&users)?);
            } else {
                for u in &users {
                    let login = u.email.as_deref().or(u.phone.as_deref()).unwrap_or("-");
                    outln!(
                        "#{:<4} {:<28} {:<12} {:<8} {}{}",
                        u.id,
                        login,
                        u.role.as_str(),
                        u.unit.as_str(),
                        u.name,
                        if u.disabled { "  (disabled)" } else { "" }
                    );
                }
                eprintln!("{} users", users.len());
            }
            store.close().await;
        }
    }
    Ok(())
}
