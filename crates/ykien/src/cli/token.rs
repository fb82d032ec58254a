//! `ykien token`: API bearer tokens. Only a hash is stored; the token is shown once.

use clap::Subcommand;

use super::config::GlobalOpts;
use super::{logging, open_store, settings};

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Create a token for a user and print it (once)
    Create {
        /// The user's e-mail, phone number or numeric id
        #[arg(long)]
        user: String,
        /// What the token is for
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List a user's tokens (without their secrets)
    List {
        /// The user's e-mail, phone number or numeric id
        #[arg(long)]
        user: String,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by its id
    Revoke {
        /// Token id, as shown by `token list`
        id: i64,
    },
}

pub async fn run(g: &GlobalOpts, cmd: TokenCmd) -> anyhow::Result<()> {
    let s = settings(g)?;
    logging::init(&s, "warn");
    let store = open_store(&s).await?;
    match cmd {
        TokenCmd::Create { user, label } => {
            let u = store.find_user(None, &user).await?;
            let (secret, info) = store.create_token(None, u.id, &label).await?;
            eprintln!(
                "token #{} for {} (#{}); it is shown only now:",
                info.id, u.name, u.id
            );
            outln!("{secret}");
        }
        TokenCmd::List { user, json } => {
            let u = store.find_user(None, &user).await?;
            let tokens = store.list_tokens(None, u.id).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&tokens)?);
            } else {
                for t in &tokens {
                    outln!(
                        "#{:<4} {}…  {:<20} created {}{}",
                        t.id,
                        t.prefix,
                        t.label,
                        t.created_at.format("%Y-%m-%d %H:%M"),
                        t.revoked_at
                            .map(|r| format!("  revoked {}", r.format("%Y-%m-%d %H:%M")))
                            .unwrap_or_default()
                    );
                }
            }
        }
        TokenCmd::Revoke { id } => {
            store.revoke_token(None, id).await?;
            outln!("token #{id} revoked");
        }
    }
    store.close().await;
    Ok(())
}
