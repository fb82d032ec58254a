//! Configuration: command-line flags, then environment variables, then a TOML file, then
//! built-in defaults — the first one that sets a value wins.
//!
//! clap folds flags and environment variables into one `Option` per setting (a flag beats
//! its variable); the file is `--config FILE` (or `YKIEN_CONFIG`), else
//! `<data-dir>/ykien.toml` if it exists.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use serde::Deserialize;
use ykien_store::DbConfig;
use ykien_web::{CookieSecure, WebConfig};

/// Settings every subcommand accepts.
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalOpts {
    /// TOML configuration file [default: <data-dir>/ykien.toml when present]
    #[arg(long, global = true, env = "YKIEN_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory holding the SQLite database and demo files [default: ./ykien-data; ./ykien-demo for `demo`]
    #[arg(long, global = true, env = "YKIEN_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// postgres://user:password@host/db to use PostgreSQL instead of SQLite in the data directory
    #[arg(
        long,
        global = true,
        env = "YKIEN_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Log line format [default: text]
    #[arg(long, global = true, env = "YKIEN_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Log filter, e.g. "info" or "ykien=debug,tower_http=info" [default: info for serve and demo, warn otherwise]
    #[arg(long, global = true, env = "YKIEN_LOG", value_name = "FILTER")]
    pub log: Option<String>,
}

/// Settings only the web server uses.
#[derive(Debug, Clone, Args, Default)]
pub struct ServeOpts {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "YKIEN_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// Mark cookies Secure: auto (when X-Forwarded-Proto is https), always, never [default: auto]
    #[arg(long, env = "YKIEN_COOKIE_SECURE", value_name = "WHEN")]
    pub cookie_secure: Option<String>,
    /// Trust X-Forwarded-For for the client address (only behind your own proxy) [default: false]
    #[arg(long, env = "YKIEN_TRUST_PROXY", value_name = "BOOL")]
    pub trust_proxy: Option<bool>,
    /// Largest accepted request body in bytes [default: 65536]
    #[arg(long, env = "YKIEN_MAX_BODY_BYTES", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Session lifetime in hours [default: 12]
    #[arg(long, env = "YKIEN_SESSION_HOURS", value_name = "HOURS")]
    pub session_hours: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The configuration file. Unknown keys are an error, so a typo never passes silently.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub log_format: Option<LogFormat>,
    pub log: Option<String>,
    pub cookie_secure: Option<String>,
    pub trust_proxy: Option<bool>,
    pub max_body_bytes: Option<usize>,
    pub session_hours: Option<u64>,
    pub login_failures_per_ip: Option<u32>,
    pub login_failures_per_account: Option<u32>,
    pub login_window_minutes: Option<u64>,
    /// Largest photo attached to an item, in bytes (default 10 MiB).
    pub max_photo_bytes: Option<usize>,
    /// Most photos per item (default 5).
    pub max_photos_per_item: Option<u32>,
    /// Largest bulk-import file uploaded in the web UI, in bytes (default 50 MiB).
    pub max_import_bytes: Option<usize>,
    /// Alerts: evaluation, burst detection, delivery (`[alerts]`, `[alerts.smtp]`).
    pub alerts: Option<ykien_alerts::AlertsSettings>,
    /// The collaborators' monthly reporting cycle: due day, reminders (`[cycles]`).
    pub cycles: Option<ykien_report::cycles::CycleSettings>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub log_format: LogFormat,
    /// None: the command's default (info for servers, warn for one-shot commands).
    pub log: Option<String>,
    /// The file read, if any.
    pub config_file: Option<PathBuf>,
    file: FileConfig,
}

pub const DEFAULT_DATA_DIR: &str = "./ykien-data";
pub const DEMO_DATA_DIR: &str = "./ykien-demo";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration file {}", path.display()))?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))
}

impl Settings {
    /// Resolves the settings; `default_data_dir` differs for `demo`.
    pub fn resolve(g: &GlobalOpts, default_data_dir: &str) -> anyhow::Result<Settings> {
        let (file, config_file) = match &g.config {
            Some(p) => (read_file(p)?, Some(p.clone())),
            None => {
                let dir = g
                    .data_dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(default_data_dir));
                let p = dir.join("ykien.toml");
                if p.is_file() {
                    (read_file(&p)?, Some(p))
                } else {
                    (FileConfig::default(), None)
                }
            }
        };
        let data_dir = g
            .data_dir
            .clone()
            .or_else(|| file.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from(default_data_dir));
        let database_url = g
            .database_url
            .clone()
            .or_else(|| file.database_url.clone())
            .filter(|u| !u.trim().is_empty());
        Ok(Settings {
            data_dir,
            database_url,
            log_format: g.log_format.or(file.log_format).unwrap_or_default(),
            log: g.log.clone().or_else(|| file.log.clone()),
            config_file,
            file,
        })
    }

    pub fn db(&self) -> anyhow::Result<DbConfig> {
        match &self.database_url {
            None => Ok(DbConfig::in_data_dir(&self.data_dir)),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(DbConfig::Postgres { url: u.clone() })
            }
            Some(u) if u.starts_with("sqlite:") => {
                let path = u
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:");
                Ok(DbConfig::Sqlite {
                    path: PathBuf::from(path),
                })
            }
            Some(u) => {
                let scheme = u.split("://").next().unwrap_or("");
                bail!(crate::cli::UsageError(format!(
                    "unsupported database URL scheme {scheme:?}: use postgres://… or sqlite:PATH"
                )))
            }
        }
    }

    /// The `[alerts]` section (defaults when absent). The SMTP password may come from
    /// `YKIEN_SMTP_PASSWORD` instead of the file, so that the file need hold no secret.
    pub fn alerts(&self) -> ykien_alerts::AlertsSettings {
        let mut a = self.file.alerts.clone().unwrap_or_default();
        if let (Some(smtp), Ok(pw)) = (a.smtp.as_mut(), std::env::var("YKIEN_SMTP_PASSWORD")) {
            smtp.password = Some(pw).filter(|p| !p.is_empty());
        }
        a
    }

    /// The `[cycles]` section (defaults when absent) with the `YKIEN_CYCLE*` environment
    /// variables on top; the reminder e-mails link to `[alerts] public_url` unless the
    /// section names its own.
    pub fn cycles(&self) -> anyhow::Result<ykien_report::cycles::CycleSettings> {
        let file = self.file.cycles.clone().unwrap_or_default();
        if let Err(e) = file.validate() {
            bail!(crate::cli::UsageError(e));
        }
        let mut c = file.with_env(|k| std::env::var(k).ok());
        if c.public_url.is_none() {
            c.public_url = self.alerts().public_url;
        }
        Ok(c)
    }

    pub fn listen(&self, s: &ServeOpts) -> String {
        s.listen
            .clone()
            .or_else(|| self.file.listen.clone())
            .unwrap_or_else(|| DEFAULT_LISTEN.into())
    }

    pub fn web(&self, s: &ServeOpts) -> anyhow::Result<WebConfig> {
        let d = WebConfig::default();
        let cookie_secure = match s
            .cookie_secure
            .as_ref()
            .or(self.file.cookie_secure.as_ref())
        {
            Some(v) => v.parse::<CookieSecure>().map_err(crate::cli::UsageError)?,
            None => d.cookie_secure,
        };
        let mut limits = d.login_limits;
        if let Some(n) = self.file.login_failures_per_ip {
            limits.per_ip = n;
        }
        if let Some(n) = self.file.login_failures_per_account {
            limits.per_account = n;
        }
        if let Some(m) = self.file.login_window_minutes {
            limits.window = std::time::Duration::from_secs(m * 60);
        }
        Ok(WebConfig {
            cookie_secure,
            trust_proxy: s
                .trust_proxy
                .or(self.file.trust_proxy)
                .unwrap_or(d.trust_proxy),
            session_ttl: s
                .session_hours
                .or(self.file.session_hours)
                .map(|h| std::time::Duration::from_secs(h * 3600))
                .unwrap_or(d.session_ttl),
            max_body_bytes: s
                .max_body_bytes
                .or(self.file.max_body_bytes)
                .unwrap_or(d.max_body_bytes),
            login_limits: limits,
            data_dir: Some(self.data_dir.clone()),
            uploads: ykien_web::uploads::UploadLimits {
                max_photo_bytes: self
                    .file
                    .max_photo_bytes
                    .unwrap_or(d.uploads.max_photo_bytes),
                max_photos_per_item: self
                    .file
                    .max_photos_per_item
                    .unwrap_or(d.uploads.max_photos_per_item),
                max_import_bytes: self
                    .file
                    .max_import_bytes
                    .unwrap_or(d.uploads.max_import_bytes),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("ykien.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn flag_beats_file_beats_default() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "listen = \"0.0.0.0:9000\"\nlog = \"debug\"\nmax_body_bytes = 1000\n",
        );
        let g = GlobalOpts {
            data_dir: Some(dir.path().into()),
            ..Default::default()
        };
        let s = Settings::resolve(&g, DEFAULT_DATA_DIR).unwrap();
        assert_eq!(
            s.config_file.as_deref(),
            Some(dir.path().join("ykien.toml").as_path())
        );
        assert_eq!(s.listen(&ServeOpts::default()), "0.0.0.0:9000");
        assert_eq!(s.log.as_deref(), Some("debug"));
        let flag = ServeOpts {
            listen: Some("127.0.0.1:1".into()),
            ..Default::default()
        };
        assert_eq!(s.listen(&flag), "127.0.0.1:1");
        assert_eq!(s.web(&ServeOpts::default()).unwrap().max_body_bytes, 1000);
        let g2 = GlobalOpts {
            data_dir: Some(dir.path().join("nothing-here")),
            ..Default::default()
        };
        let s2 = Settings::resolve(&g2, DEFAULT_DATA_DIR).unwrap();
        assert_eq!(s2.listen(&ServeOpts::default()), DEFAULT_LISTEN);
        assert_eq!(s2.log, None);
    }

    #[test]
    fn explicit_config_file_and_its_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "data_dir = \"/srv/ykien\"\ndatabase_url = \"postgres://u:pw@db/ykien\"\n",
        );
        let g = GlobalOpts {
            config: Some(p),
            ..Default::default()
        };
        let s = Settings::resolve(&g, DEFAULT_DATA_DIR).unwrap();
        assert_eq!(s.data_dir, PathBuf::from("/srv/ykien"));
        assert!(matches!(s.db().unwrap(), DbConfig::Postgres { .. }));
        let g = GlobalOpts {
            database_url: Some("sqlite:/tmp/x.db".into()),
            ..g
        };
        let s = Settings::resolve(&g, DEFAULT_DATA_DIR).unwrap();
        assert_eq!(
            s.db().unwrap(),
            DbConfig::Sqlite {
                path: "/tmp/x.db".into()
            }
        );
    }

    #[test]
    fn upload_limits_and_the_data_dir_reach_the_web_layer() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "max_photo_bytes = 1000\nmax_photos_per_item = 2\nmax_import_bytes = 5000\n",
        );
        let g = GlobalOpts {
            data_dir: Some(dir.path().into()),
            ..Default::default()
        };
        let web = Settings::resolve(&g, DEFAULT_DATA_DIR)
            .unwrap()
            .web(&ServeOpts::default())
            .unwrap();
        assert_eq!(web.data_dir.as_deref(), Some(dir.path()));
        assert_eq!(
            (
                web.uploads.max_photo_bytes,
                web.uploads.max_photos_per_item,
                web.uploads.max_import_bytes
            ),
            (1000, 2, 5000)
        );
        let g = GlobalOpts {
            data_dir: Some(dir.path().join("nothing-here")),
            ..Default::default()
        };
        let defaults = Settings::resolve(&g, DEFAULT_DATA_DIR)
            .unwrap()
            .web(&ServeOpts::default())
            .unwrap();
        assert_eq!(
            defaults.uploads,
            ykien_web::uploads::UploadLimits::default()
        );
    }

    #[test]
    fn the_cycles_section_is_read_checked_and_links_to_the_public_url() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "[alerts]\npublic_url = \"https://ykien.example.vn\"\n[cycles]\ndue_day = 20\nremind_after = false\n",
        );
        let g = GlobalOpts {
            data_dir: Some(dir.path().into()),
            ..Default::default()
        };
        let s = Settings::resolve(&g, DEFAULT_DATA_DIR).unwrap();
        let c = s.cycles().unwrap();
        assert_eq!((c.due_day, c.remind_after), (20, false));
        assert_eq!(c.remind_before, ykien_report::cycles::DEFAULT_REMIND_BEFORE);
        assert_eq!(c.public_url.as_deref(), Some("https://ykien.example.vn"));
        // The environment goes on top of the file; its unreadable values are ignored.
        let env = c.clone().with_env(|k| match k {
            "YKIEN_CYCLE_DUE_DAY" => Some("18".into()),
            "YKIEN_CYCLE_REMIND_BEFORE" => Some("many".into()),
            "YKIEN_CYCLES" => Some("off".into()),
            _ => None,
        });
        assert_eq!(
            (env.due_day, env.remind_before, env.enabled),
            (18, c.remind_before, false)
        );

        write(dir.path(), "[cycles]\ndue_day = 40\n");
        let s = Settings::resolve(&g, DEFAULT_DATA_DIR).unwrap();
        let err = s.cycles().unwrap_err().to_string();
        assert!(err.contains("due_day = 40"), "{err}");
        write(dir.path(), "[cycles]\ndue_dya = 20\n");
        assert!(Settings::resolve(&g, DEFAULT_DATA_DIR).is_err());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "lisen = \"x\"\n");
        let g = GlobalOpts {
            config: Some(p),
            ..Default::default()
        };
        let e = Settings::resolve(&g, DEFAULT_DATA_DIR)
            .unwrap_err()
            .to_string();
        assert!(e.contains("lisen"), "{e}");
        let g = GlobalOpts {
            database_url: Some("mysql://x".into()),
            ..Default::default()
        };
        assert!(
            Settings::resolve(&g, DEFAULT_DATA_DIR)
                .unwrap()
                .db()
                .is_err()
        );
    }
}
