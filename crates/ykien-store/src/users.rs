//! Accounts: creation (validated, audited), scoped listing, password sign-in.

use serde_json::json;
use ykien_core::{Actor, Permission, Role, UnitId, can};

use crate::audit::audit;
use crate::db::{BeginWrite, db};
use crate::model::{MemberOrg, NewUser, User, now, ts};
use crate::secret::{hash_password, verify_password};
use crate::{Store, StoreError};

macro_rules! user_select {
    () => {
        "SELECT u.id, u.name, u.email, u.phone, u.role, u.unit_id, un.name AS unit_name, \
         un.path AS unit_path, u.member_org_id, u.created_at, u.disabled, \
         (u.password_hash IS NOT NULL) AS has_password \
         FROM users u JOIN units un ON un.id = u.unit_id"
    };
}
pub(crate) use user_select;

#[derive(sqlx::FromRow)]
pub(crate) struct UserDb {
    pub(crate) id: i64,
    pub(crate) name: String,
    email: Option<String>,
    phone: Option<String>,
    pub(crate) role: String,
    pub(crate) unit_id: String,
    unit_name: String,
    pub(crate) unit_path: String,
    member_org_id: Option<String>,
    created_at: i64,
    pub(crate) disabled: bool,
    has_password: bool,
}

impl UserDb {
    fn role(&self) -> Result<Role, StoreError> {
        self.role.parse().map_err(|_| {
            StoreError::Database(format!("user {} has unknown role {:?}", self.id, self.role))
        })
    }

    pub(crate) fn into_user(self) -> Result<User, StoreError> {
        Ok(User {
            role: self.role()?,
            id: self.id,
            name: self.name,
            email: self.email,
            phone: self.phone,
            unit: UnitId(self.unit_id),
            unit_name: self.unit_name,
            member_org: self.member_org_id,
            created_at: ts(self.created_at),
            disabled: self.disabled,
            has_password: self.has_password,
        })
    }

    pub(crate) fn into_actor(self) -> Result<Actor, StoreError> {
        Ok(Actor {
            role: self.role()?,
            user_id: self.id,
            name: self.name,
            unit: UnitId(self.unit_id),
            unit_path: self.unit_path,
        })
    }
}

/// Lower-case, trimmed, and shaped like an address: something@domain.tld.
pub fn normalize_email(s: &str) -> Result<String, StoreError> {
    let e = s.trim().to_lowercase();
    let ok = e.len() <= 254
        && !e.chars().any(char::is_whitespace)
        && matches!(e.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.')
            && !d.starts_with('.') && !d.ends_with('.') && !d.contains('@'));
    if ok {
        Ok(e)
    } else {
        Err(StoreError::invalid(format!(
            "{:?} is not an e-mail address",
            s.trim()
        )))
    }
}

/// Forms and imports send an empty string for a contact left out: only a non-blank one is
/// checked, so that "no phone" is never reported as a malformed phone.
fn optional_contact(
    value: Option<&str>,
    normalize: fn(&str) -> Result<String, StoreError>,
) -> Result<Option<String>, StoreError> {
    value
        .filter(|s| !s.trim().is_empty())
        .map(normalize)
        .transpose()
}

/// Digits only, "+84…" written as the domestic "0…", 8 to 15 digits.
pub fn normalize_phone(s: &str) -> Result<String, StoreError> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let t = match t.strip_prefix("+84") {
        Some(rest) => format!("0{rest}"),
        None => t,
    };
    if (8..=15).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit()) {
        Ok(t)
    } else {
        Err(StoreError::invalid(format!(
            "{:?} is not a phone number",
            s.trim()
        )))
    }
}

fn check_password(pw: &str) -> Result<(), StoreError> {
    let n = pw.chars().count();
    if n < 8 {
        Err(StoreError::invalid(
            "a password needs at least 8 characters",
        ))
    } else if pw.len() > 1024 {
        Err(StoreError::invalid(
            "a password may have at most 1024 bytes",
        ))
    } else {
        Ok(())
    }
}

impl Store {
    async fn user_raw(&self, id: i64) -> Result<Option<UserDb>, StoreError> {
        Ok(db!(self, |pool| {
            sqlx::query_as(concat!(user_select!(), " WHERE u.id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Loads a user the actor may manage (or the system): out of scope → NotFound, in scope
    /// without the right role → Forbidden.
    pub(crate) async fn user_for_change(
        &self,
        actor: Option<&Actor>,
        user_id: i64,
        what: &str,
    ) -> Result<UserDb, StoreError> {
        let u = self.user_raw(user_id).await?.ok_or(StoreError::NotFound)?;
        if let Some(a) = actor {
            if !a.scope().contains(&u.unit_path) {
                return Err(StoreError::NotFound);
            }
            if !can(a, Permission::ManageUsers, &u.unit_path) {
                return Err(StoreError::forbidden(what.to_string()));
            }
        }
        Ok(u)
    }

    /// Creates an account in a current unit. Validates everything before writing; on any
    /// error nothing is written, not even an audit row.
    pub async fn create_user(
        &self,
        actor: Option<&Actor>,
        new: NewUser,
    ) -> Result<User, StoreError> {
        let name = new.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::invalid(
                "a user needs a name of 1 to 200 characters",
            ));
        }
        let email = optional_contact(new.email.as_deref(), normalize_email)?;
        let phone = optional_contact(new.phone.as_deref(), normalize_phone)?;
        if email.is_none() && phone.is_none() {
            return Err(StoreError::invalid(
                "a user needs an e-mail address or a phone number",
            ));
        }
        if let Some(pw) = &new.password {
            check_password(pw)?;
        }
        let unit_id = new.unit.trim();
        let unit = self
            .unit_to_file_under(
                actor,
                unit_id,
                Permission::ManageUsers,
                "users belong to current units",
                "creating users",
            )
            .await?;
        let member_org = new
            .member_org
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if let Some(m) = member_org
            && !self.member_orgs().await?.iter().any(|o| o.id == m)
        {
            return Err(StoreError::invalid(format!(
                "unknown member organization {m:?}"
            )));
        }
        if let Some(e) = &email
            && self.login_raw(e, true).await?.is_some()
        {
            return Err(StoreError::conflict(format!(
                "the e-mail address {e} is already in use"
            )));
        }
        if let Some(p) = &phone
            && self.login_raw(p, false).await?.is_some()
        {
            return Err(StoreError::conflict(format!(
                "the phone number {p} is already in use"
            )));
        }
        let hash = match &new.password {
            Some(pw) => Some(hash_password(pw).await?),
            None => None,
        };
        let role = new.role.as_str();
        let actor_id = actor.map(|a| a.user_id);
        let id: i64 = db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (name, email, phone, password_hash, role, unit_id, \
                 member_org_id, created_at, disabled) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE) RETURNING id",
            )
            .bind(&name)
            .bind(&email)
            .bind(&phone)
            .bind(&hash)
            .bind(role)
            .bind(&unit.id)
            .bind(member_org)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor_id,
                "user.create",
                "user",
                id.to_string(),
                Some(unit.path.clone()),
                json!({
                    "name": name, "email": email, "phone": phone, "role": role,
                    "unit": unit.id, "member_org": member_org, "password_set": hash.is_some(),
                })
            )?;
            tx.commit().await?;
            id
        });
        self.user_raw(id)
            .await?
            .ok_or(StoreError::NotFound)?
            .into_user()
    }

    /// Accounts in the actor's subtree (admins and leaders), or all of them for the system.
    pub async fn list_users(&self, actor: Option<&Actor>) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserDb> = match actor {
            None => db!(self, |pool| {
                sqlx::query_as(concat!(user_select!(), " ORDER BY u.id"))
                    .fetch_all(pool)
                    .await?
            }),
            Some(a) => {
                if !can(a, Permission::ReadUsers, &a.unit_path) {
                    return Err(StoreError::forbidden("listing users"));
                }
                let (lo, hi) = a.scope().range();
                db!(self, |pool| {
                    sqlx::query_as(concat!(
                        user_select!(),
                        " WHERE un.path >= $1 AND un.path < $2 ORDER BY u.id"
                    ))
                    .bind(&lo)
                    .bind(&hi)
                    .fetch_all(pool)
                    .await?
                })
            }
        };
        rows.into_iter().map(UserDb::into_user).collect()
    }

    /// One account: oneself always; others in scope for admins and leaders.
    pub async fn user(&self, actor: Option<&Actor>, user_id: i64) -> Result<User, StoreError> {
        let u = self.user_raw(user_id).await?.ok_or(StoreError::NotFound)?;
        if let Some(a) = actor
            && a.user_id != u.id
        {
            if !a.scope().contains(&u.unit_path) {
                return Err(StoreError::NotFound);
            }
            if !can(a, Permission::ReadUsers, &u.unit_path) {
                return Err(StoreError::forbidden("viewing other users"));
            }
        }
        u.into_user()
    }

    /// Resolves a `--user` argument: a numeric id, an e-mail address or a phone number.
    pub async fn find_user(
        &self,
        actor: Option<&Actor>,
        login_or_id: &str,
    ) -> Result<User, StoreError> {
        let s = login_or_id.trim();
        let id = if let Some(e) = s.contains('@').then(|| normalize_email(s).ok()).flatten() {
            self.login_raw(&e, true).await?.map(|u| u.id)
        } else {
            match normalize_phone(s) {
                Ok(p) if s.starts_with('0') || s.starts_with('+') => {
                    self.login_raw(&p, false).await?.map(|u| u.id)
                }
                _ => s.parse::<i64>().ok(),
            }
        };
        match id {
            Some(id) => self.user(actor, id).await,
            None => Err(StoreError::NotFound),
        }
    }

    async fn login_raw(&self, login: &str, is_email: bool) -> Result<Option<UserDb>, StoreError> {
        Ok(db!(self, |pool| {
            if is_email {
                sqlx::query_as(concat!(user_select!(), " WHERE u.email = $1"))
                    .bind(login)
                    .fetch_optional(pool)
                    .await?
            } else {
                sqlx::query_as(concat!(user_select!(), " WHERE u.phone = $1"))
                    .bind(login)
                    .fetch_optional(pool)
                    .await?
            }
        }))
    }

    /// Password sign-in by e-mail or phone. Unknown logins, wrong passwords, disabled accounts
    /// and accounts without a password all answer `None`, after the same Argon2 work.
    pub async fn authenticate(
        &self,
        login: &str,
        password: &str,
    ) -> Result<Option<Actor>, StoreError> {
        let row = if login.contains('@') {
            match normalize_email(login) {
                Ok(e) => self.login_raw(&e, true).await?,
                Err(_) => None,
            }
        } else {
            match normalize_phone(login) {
                Ok(p) => self.login_raw(&p, false).await?,
                Err(_) => None,
            }
        };
        let hash: Option<String> = match &row {
            Some(u) if !u.disabled => db!(self, |pool| {
                sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                    .bind(u.id)
                    .fetch_one(pool)
                    .await?
            }),
            _ => None,
        };
        let ok = verify_password(password, hash).await;
        match row {
            Some(u) if ok => Ok(Some(u.into_actor()?)),
            _ => Ok(None),
        }
    }

    /// The actor behind a session or token: None if the user is gone or disabled.
    pub async fn actor(&self, user_id: i64) -> Result<Option<Actor>, StoreError> {
        match self.user_raw(user_id).await? {
            Some(u) if !u.disabled => Ok(Some(u.into_actor()?)),
            _ => Ok(None),
        }
    }

    /// Sets or replaces a password; oneself, an admin in scope, or the system. Audited.
    pub async fn set_password(
        &self,
        actor: Option<&Actor>,
        user_id: i64,
        password: &str,
    ) -> Result<(), StoreError> {
        check_password(password)?;
        let u = match actor {
            Some(a) if a.user_id == user_id => {
                self.user_raw(user_id).await?.ok_or(StoreError::NotFound)?
            }
            _ => {
                self.user_for_change(actor, user_id, "changing passwords")
                    .await?
            }
        };
        let hash = hash_password(password).await?;
        let actor_id = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(&hash)
                .bind(u.id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                "user.password",
                "user",
                u.id.to_string(),
                Some(u.unit_path.clone()),
                json!({})
            )?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Disables (or re-enables) an account; disabling also ends its sessions. Audited.
    pub async fn set_disabled(
        &self,
        actor: Option<&Actor>,
        user_id: i64,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let u = self
            .user_for_change(actor, user_id, "disabling users")
            .await?;
        let actor_id = actor.map(|a| a.user_id);
        db!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                .bind(disabled)
                .bind(u.id)
                .execute(&mut *tx)
                .await?;
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(u.id)
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(
                tx,
                actor_id,
                if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                "user",
                u.id.to_string(),
                Some(u.unit_path.clone()),
                json!({ "disabled": disabled })
            )?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The Front and its member organizations, in their customary order.
    pub async fn member_orgs(&self) -> Result<Vec<MemberOrg>, StoreError> {
        let rows: Vec<(String, String, String)> = db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, name_vi, name_en FROM member_organizations ORDER BY position",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name_vi, name_en)| MemberOrg {
                id,
                name_vi,
                name_en,
            })
            .collect())
    }
}
