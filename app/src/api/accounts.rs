//! Sign-up, sign-in, sign-out and "who am I".

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::lifecycle::Role;
use crate::error::AppError;

/// One organisation the signed-in user belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationMembership {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
}

/// The signed-in user, as the header and the pages need them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// Set for operator staff, who belong to no organisation.
    pub staff_role: Option<Role>,
    pub organisations: Vec<OrganisationMembership>,
    pub current_organisation: Option<Uuid>,
}

impl CurrentUser {
    pub fn is_staff(&self) -> bool {
        self.staff_role.is_some()
    }

    pub fn current_membership(&self) -> Option<&OrganisationMembership> {
        let current = self.current_organisation?;
        self.organisations.iter().find(|o| o.id == current)
    }

    pub fn is_current_admin(&self) -> bool {
        self.current_membership()
            .is_some_and(|m| m.role == Role::SubscriberAdmin)
    }
}

/// Maximum password length accepted, in bytes. Argon2 would hash longer ones,
/// but nobody types them and they make hashing a denial-of-service lever.
pub const MAX_PASSWORD_BYTES: usize = 1024;
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_NAME_CHARS: usize = 200;

/// Checks a new password and returns a message that explains how to fix it.
pub fn check_new_password(password: &str, email: &str) -> Result<(), String> {
    const COMMON: [&str; 8] = [
        "password1234",
        "123456789012",
        "qwertyuiop12",
        "passwordpassword",
        "letmein12345",
        "welcome12345",
        "iloveyou1234",
        "administrator",
    ];
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!(
            "Enter a password of at most {MAX_PASSWORD_BYTES} characters"
        ));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "Enter a password of at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) || lower == email.trim().to_lowercase() {
        return Err("Choose a password that is harder to guess: avoid common passwords and your email address".into());
    }
    if password
        .chars()
        .all(|c| c == password.chars().next().unwrap_or(c))
    {
        return Err("Choose a password that is harder to guess: it repeats one character".into());
    }
    Ok(())
}

/// Checks a required short text such as a name.
pub fn check_name(value: &str, what: &str) -> Result<(), String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(format!("Enter {what}"));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "Enter {what} of at most {MAX_NAME_CHARS} characters"
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(format!("Remove the control characters from {what}"));
    }
    Ok(())
}

pub fn check_email(value: &str) -> Result<(), String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err("Enter your email address".into());
    }
    crate::domain::validation::email(trimmed)
}

#[server(endpoint = "current_user")]
pub async fn fetch_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::server::{auth, state::pool};
    let pool = pool()?;
    let Some(user) = auth::optional_user(&pool).await? else {
        return Ok(None);
    };
    let organisations = if user.is_staff() {
        Vec::new()
    } else {
        list_memberships(&pool, user.id).await?
    };
    let current_organisation = if user.is_staff() || organisations.is_empty() {
        None
    } else {
        let session = auth::session().await?;
        match auth::session_organisation(&session).await? {
            Some(id) if organisations.iter().any(|o| o.id == id) => Some(id),
            // No organisation in the session, or one the user has left:
            // `require_member` picks and stores another.
            _ => Some(auth::require_member(&pool).await?.organisation_id),
        }
    };
    Ok(Some(CurrentUser {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        staff_role: user.staff_role,
        organisations,
        current_organisation,
    }))
}

#[cfg(feature = "ssr")]
async fn list_memberships(
    pool: &sqlx::PgPool,
    user_id: Uuid,
) -> Result<Vec<OrganisationMembership>, AppError> {
    let rows: Vec<(Uuid, String, String)> = sqlx::query_as(
        "SELECT o.id, o.name, m.role FROM memberships m
         JOIN organisations o ON o.id = m.organisation_id
         WHERE m.user_id = $1 ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, role)| OrganisationMembership {
            id,
            name,
            role: crate::server::auth::parse_member_role(&role),
        })
        .collect())
}

/// Registers a subscriber organisation and its first user, who becomes
/// the organisation's admin, and signs them in.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    organisation_name: String,
    display_name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    use crate::error::FieldError;
    use crate::server::{audit, auth, passwords, state::pool};

    let mut errors = Vec::new();
    if let Err(message) = check_name(&organisation_name, "your organisation's name") {
        errors.push(FieldError::new("organisation_name", message));
    }
    if let Err(message) = check_name(&display_name, "your full name") {
        errors.push(FieldError::new("display_name", message));
    }
    if let Err(message) = check_email(&email) {
        errors.push(FieldError::new("email", message));
    }
    if let Err(message) = check_new_password(&password, &email) {
        errors.push(FieldError::new("password", message));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let pool = pool()?;
    let email = email.trim().to_string();
    let password_hash = passwords::hash(password).await?;
    let user_id = Uuid::new_v4();
    let organisation_id = Uuid::new_v4();

    let mut tx = pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(&email)
    .bind(display_name.trim())
    .bind(&password_hash)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(AppError::field(
            "email",
            "An account with this email address already exists. Sign in instead, or use another address",
        ));
    }
    sqlx::query("INSERT INTO organisations (id, name) VALUES ($1, $2)")
        .bind(organisation_id)
        .bind(organisation_name.trim())
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO memberships (organisation_id, user_id, role) VALUES ($1, $2, 'subscriber_admin')")
        .bind(organisation_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        audit::AuditEvent {
            actor_user_id: Some(user_id),
            organisation_id: Some(organisation_id),
            action: "organisation.registered",
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;

    tracing::info!(user_id = %user_id, organisation_id = %organisation_id, "organisation registered");
    auth::start_session(user_id, Some(organisation_id)).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Failed sign-ins allowed per account, and per client address, within
/// [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Signs in, then sends the browser to `next` when it is a path on this
/// site, or to the home page.
#[server(endpoint = "log_in")]
pub async fn log_in(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{audit, auth, passwords, state::pool};

    let email = email.trim().to_string();
    if email.is_empty() || password.is_empty() {
        let mut errors = Vec::new();
        if email.is_empty() {
            errors.push(crate::error::FieldError::new(
                "email",
                "Enter your email address",
            ));
        }
        if password.is_empty() {
            errors.push(crate::error::FieldError::new(
                "password",
                "Enter your password",
            ));
        }
        return Err(AppError::Validation(errors));
    }
    if email.len() > 254 || password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::field(
            "password",
            "The email address or password is incorrect",
        ));
    }

    let pool = pool()?;
    let client_ip = client_ip().await;
    let (account_failures, address_failures): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE lower(email) = lower($1)),
                count(*) FILTER (WHERE client_ip = $2)
         FROM login_failures
         WHERE failed_at > now() - make_interval(mins => $3)
           AND (lower(email) = lower($1) OR client_ip = $2)",
    )
    .bind(&email)
    .bind(&client_ip)
    .bind(THROTTLE_WINDOW_MINUTES as i32)
    .fetch_one(&pool)
    .await?;
    if account_failures >= MAX_FAILURES_PER_ACCOUNT || address_failures >= MAX_FAILURES_PER_ADDRESS
    {
        tracing::warn!("sign-in throttled");
        return Err(AppError::Throttled(format!(
            "Too many failed sign-in attempts. Wait {THROTTLE_WINDOW_MINUTES} minutes, then try again, or ask your organisation admin for help."
        )));
    }

    let row: Option<(Uuid, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE lower(email) = lower($1)")
            .bind(&email)
            .fetch_optional(&pool)
            .await?;
    let (user_id, stored_hash) = match row {
        Some((id, hash)) => (Some(id), hash),
        None => (None, passwords::DUMMY_HASH.to_string()),
    };
    let verified = passwords::verify(password, stored_hash).await?;
    let Some(user_id) = user_id.filter(|_| verified) else {
        sqlx::query("INSERT INTO login_failures (email, client_ip) VALUES ($1, $2)")
            .bind(&email)
            .bind(&client_ip)
            .execute(&pool)
            .await?;
        tracing::info!("sign-in failed");
        return Err(AppError::field(
            "password",
            "The email address or password is incorrect",
        ));
    };

    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM login_failures WHERE lower(email) = lower($1) OR failed_at < now() - interval '1 day'")
        .bind(&email)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        audit::AuditEvent {
            actor_user_id: Some(user_id),
            action: "user.signed_in",
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;

    let organisation_id: Option<Uuid> = sqlx::query_scalar(
        "SELECT organisation_id FROM memberships WHERE user_id = $1 ORDER BY created_at LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&pool)
    .await?;
    auth::start_session(user_id, organisation_id).await?;
    tracing::info!(user_id = %user_id, "signed in");
    let target = next
        .as_deref()
        .and_then(crate::domain::return_path::safe_return_path)
        .unwrap_or("/");
    leptos_axum::redirect(target);
    Ok(())
}

/// Returns the client's address as the TCP connection reports it.
#[cfg(feature = "ssr")]
async fn client_ip() -> String {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
        Ok(ConnectInfo(address)) => address.ip().to_string(),
        Err(_) => "unknown".to_string(),
    }
}

#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    crate::server::auth::end_session().await?;
    leptos_axum::redirect("/login");
    Ok(())
}
