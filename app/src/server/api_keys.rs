//! Database access for API keys. Keys are random, stored only as SHA-256
//! hashes with a short prefix for display, and every key event is audited
//! and notified in the same transaction.
//!
//! Validity is decided by [`KeyFacts`] with the database clock, so that
//! the rules live in one pure place and every app instance agrees on time.

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::api::api_keys::{ApiKeyList, ApiKeyView, IssuedApiKey, KeyOwner, PendingApiKey};
use crate::domain::api_keys::{KeyFacts, KeyStatus};
use crate::domain::environment::Environment;
use crate::error::AppError;
use crate::server::audit::{self, AuditEvent};
use crate::server::auth::{Member, SessionUser};
use crate::server::tokens;

/// Number of random characters shown after the `cmk_<environment>_` tag.
const PREFIX_RANDOM_CHARS: usize = 6;

const TIME_FORMAT: &str = "'YYYY-MM-DD HH24:MI'";

/// A new plain key with the prefix and hash that are stored.
struct NewKey {
    plain: String,
    prefix: String,
    hash: String,
}

fn new_key(environment: Environment) -> NewKey {
    let tag = format!("cmk_{}_", environment.as_str());
    let plain = format!("{tag}{}", tokens::random_token());
    NewKey {
        prefix: plain[..tag.len() + PREFIX_RANDOM_CHARS].to_string(),
        hash: tokens::sha256_hex(&plain),
        plain,
    }
}

/// One key row with the database's current time.
struct KeyRow {
    id: Uuid,
    organisation_id: Uuid,
    environment: Environment,
    name: String,
    facts: KeyFacts,
    prefix: Option<String>,
    now: OffsetDateTime,
}

type RawKeyRow = (
    Uuid,
    Uuid,
    String,
    String,
    String,
    Option<OffsetDateTime>,
    Option<String>,
    OffsetDateTime,
);

type KeyWithOrganisation = (
    Uuid,
    Uuid,
    String,
    String,
    String,
    Option<OffsetDateTime>,
    Option<String>,
    OffsetDateTime,
    String,
);

fn parse_row(raw: RawKeyRow) -> Result<KeyRow, AppError> {
    let (id, organisation_id, environment, name, status, expires_at, prefix, now) = raw;
    let status = KeyStatus::parse(&status).ok_or_else(|| {
        tracing::error!(key_id = %id, "unknown API key status in the database");
        AppError::Internal
    })?;
    Ok(KeyRow {
        id,
        organisation_id,
        environment: Environment::parse(&environment).ok_or(AppError::Internal)?,
        name,
        facts: KeyFacts { status, expires_at },
        prefix,
        now,
    })
}

/// Locks a key for a change. `organisation_id` scopes the lookup; `None`
/// is for staff, who act across organisations.
async fn lock(
    conn: &mut PgConnection,
    organisation_id: Option<Uuid>,
    key_id: Uuid,
) -> Result<KeyRow, AppError> {
    let raw: Option<RawKeyRow> = sqlx::query_as(
        "SELECT id, organisation_id, environment, name, status, expires_at, prefix, now()
         FROM api_keys WHERE id = $1 AND ($2::uuid IS NULL OR organisation_id = $2)
         FOR UPDATE",
    )
    .bind(key_id)
    .bind(organisation_id)
    .fetch_optional(conn)
    .await?;
    parse_row(raw.ok_or_else(|| AppError::not_found("That API key"))?)
}

pub async fn list(pool: &PgPool, organisation_id: Uuid) -> Result<ApiKeyList, AppError> {
    let organisation_name: String =
        sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(pool)
            .await?;
    type Row = (
        Uuid,
        Uuid,
        String,
        String,
        String,
        Option<OffsetDateTime>,
        Option<String>,
        OffsetDateTime,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT k.id, k.organisation_id, k.environment, k.name, k.status, k.expires_at, k.prefix, now(),
                u.display_name, to_char(k.requested_at AT TIME ZONE 'UTC', {TIME_FORMAT}),
                to_char(k.last_used_at AT TIME ZONE 'UTC', {TIME_FORMAT}),
                to_char(k.expires_at AT TIME ZONE 'UTC', {TIME_FORMAT}),
                k.decision_reason
         FROM api_keys k JOIN users u ON u.id = k.requested_by
         WHERE k.organisation_id = $1 ORDER BY k.requested_at DESC, k.id"
    ))
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    let mut keys = Vec::with_capacity(rows.len());
    for row in rows {
        let (id, organisation, environment, name, status, expires, prefix, now) =
            (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
        let (requested_by, requested_at, last_used_at, expires_at, decision_reason) =
            (row.8, row.9, row.10, row.11, row.12);
        let raw = (
            id,
            organisation,
            environment,
            name,
            status,
            expires,
            prefix,
            now,
        );
        let row = parse_row(raw)?;
        keys.push(ApiKeyView {
            id: row.id,
            name: row.name,
            environment: row.environment,
            state: row.facts.display_state(row.now),
            prefix: row.prefix,
            requested_by,
            requested_at,
            last_used_at,
            expires_at,
            decision_reason,
            can_rotate: row.facts.check_rotate(row.now).is_ok(),
            can_revoke: row.facts.can_revoke(row.now),
        });
    }
    Ok(ApiKeyList {
        organisation_name,
        keys,
    })
}

fn key_audit(
    actor: &SessionUser,
    organisation_id: Uuid,
    action: &'static str,
    after: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        actor_user_id: Some(actor.id),
        organisation_id: Some(organisation_id),
        action,
        after: Some(after),
        ..Default::default()
    }
}

/// Inserts a key row; `key` is `None` for a live key waiting for approval.
async fn insert(
    conn: &mut PgConnection,
    member: &Member,
    name: &str,
    environment: Environment,
    key: Option<&NewKey>,
    rotated_from: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let id = Uuid::new_v4();
    let status = if key.is_some() {
        KeyStatus::Active
    } else {
        KeyStatus::Pending
    };
    sqlx::query(
        "INSERT INTO api_keys (id, organisation_id, environment, name, status, key_hash, prefix, requested_by,
                               issued_at, rotated_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $6::text IS NULL THEN NULL ELSE now() END, $9)",
    )
    .bind(id)
    .bind(member.organisation_id)
    .bind(environment.as_str())
    .bind(name)
    .bind(status.as_str())
    .bind(key.map(|k| k.hash.as_str()))
    .bind(key.map(|k| k.prefix.as_str()))
    .bind(member.user.id)
    .bind(rotated_from)
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn request(
    pool: &PgPool,
    member: &Member,
    name: &str,
    environment: Environment,
) -> Result<IssuedApiKey, AppError> {
    let key = (environment == Environment::Sandbox).then(|| new_key(environment));
    let mut tx = pool.begin().await?;
    let id = insert(&mut tx, member, name, environment, key.as_ref(), None).await?;
    let details = json!({ "key_id": id, "name": name, "environment": environment.as_str(),
                          "prefix": key.as_ref().map(|k| &k.prefix) });
    audit::record(
        &mut tx,
        key_audit(
            &member.user,
            member.organisation_id,
            "api_key.requested",
            details.clone(),
        ),
    )
    .await?;
    if key.is_some() {
        audit::record(
            &mut tx,
            key_audit(
                &member.user,
                member.organisation_id,
                "api_key.issued",
                details,
            ),
        )
        .await?;
        let message = format!("Sandbox API key '{name}' was issued.");
        notify_admins(&mut tx, member.organisation_id, &message).await?;
    } else {
        let message = format!("A live API key '{name}' is waiting for approval.");
        notify_staff(&mut tx, &message).await?;
        let message =
            format!("Live API key '{name}' was requested. Staff will approve or decline it.");
        notify_admins(&mut tx, member.organisation_id, &message).await?;
    }
    tx.commit().await?;
    tracing::info!(key_id = %id, environment = environment.as_str(), "API key requested");
    Ok(IssuedApiKey {
        id,
        name: name.to_string(),
        environment,
        status: if key.is_some() {
            KeyStatus::Active
        } else {
            KeyStatus::Pending
        },
        prefix: key.as_ref().map(|k| k.prefix.clone()),
        key: key.map(|k| k.plain),
        replaced_key_expires_at: None,
    })
}

/// Issues an approved live key. Works once, because the key becomes
/// active and is never shown again.
pub async fn show(pool: &PgPool, member: &Member, key_id: Uuid) -> Result<IssuedApiKey, AppError> {
    let mut tx = pool.begin().await?;
    let row = lock(&mut tx, Some(member.organisation_id), key_id).await?;
    match row.facts.status {
        KeyStatus::Approved => {}
        KeyStatus::Pending => {
            return Err(AppError::Conflict(
                "This key is still waiting for staff approval.".into(),
            ))
        }
        _ => {
            return Err(AppError::Conflict(
                "This key was already shown once. Only its prefix is kept; rotate it if you have lost it."
                    .into(),
            ))
        }
    }
    let key = new_key(row.environment);
    sqlx::query(
        "UPDATE api_keys SET status = 'active', key_hash = $2, prefix = $3, issued_at = now() WHERE id = $1",
    )
    .bind(key_id)
    .bind(&key.hash)
    .bind(&key.prefix)
    .execute(&mut *tx)
    .await?;
    let details = json!({ "key_id": key_id, "name": row.name, "environment": row.environment.as_str(),
                          "prefix": key.prefix });
    audit::record(
        &mut tx,
        key_audit(&member.user, row.organisation_id, "api_key.issued", details),
    )
    .await?;
    let message = format!("Live API key '{}' was issued.", row.name);
    notify_admins(&mut tx, row.organisation_id, &message).await?;
    tx.commit().await?;
    Ok(IssuedApiKey {
        id: key_id,
        name: row.name,
        environment: row.environment,
        status: KeyStatus::Active,
        key: Some(key.plain),
        prefix: Some(key.prefix),
        replaced_key_expires_at: None,
    })
}

/// Issues a successor to an active key; the old key keeps working until
/// `overlap` from now.
pub async fn rotate(
    pool: &PgPool,
    member: &Member,
    key_id: Uuid,
    overlap: Duration,
) -> Result<IssuedApiKey, AppError> {
    let mut tx = pool.begin().await?;
    let row = lock(&mut tx, Some(member.organisation_id), key_id).await?;
    row.facts
        .check_rotate(row.now)
        .map_err(|rejection| AppError::Conflict(rejection.message().into()))?;
    let expires_at = row.now + overlap;
    sqlx::query("UPDATE api_keys SET expires_at = $2 WHERE id = $1")
        .bind(key_id)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    let key = new_key(row.environment);
    let new_id = insert(
        &mut tx,
        member,
        &row.name,
        row.environment,
        Some(&key),
        Some(key_id),
    )
    .await?;
    let expires_text: String = sqlx::query_scalar(&format!(
        "SELECT to_char($1::timestamptz AT TIME ZONE 'UTC', {TIME_FORMAT})"
    ))
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEvent {
            before: Some(json!({ "key_id": key_id, "prefix": row.prefix })),
            ..key_audit(
                &member.user,
                row.organisation_id,
                "api_key.rotated",
                json!({ "key_id": new_id, "prefix": key.prefix, "environment": row.environment.as_str(),
                        "old_key_expires_at": expires_text, "overlap_hours": overlap.whole_hours() }),
            )
        },
    )
    .await?;
    let message = format!(
        "API key '{}' was rotated. The old key works until {expires_text} UTC.",
        row.name
    );
    notify_admins(&mut tx, row.organisation_id, &message).await?;
    tx.commit().await?;
    tracing::info!(key_id = %key_id, new_key_id = %new_id, "API key rotated");
    Ok(IssuedApiKey {
        id: new_id,
        name: row.name,
        environment: row.environment,
        status: KeyStatus::Active,
        key: Some(key.plain),
        prefix: Some(key.prefix),
        replaced_key_expires_at: Some(expires_text),
    })
}

/// Revokes a key at once. `organisation_id` is `None` for an operator
/// admin, who may revoke any organisation's key.
pub async fn revoke(
    pool: &PgPool,
    actor: &SessionUser,
    organisation_id: Option<Uuid>,
    key_id: Uuid,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let row = lock(&mut tx, organisation_id, key_id).await?;
    if !row.facts.can_revoke(row.now) {
        return Err(AppError::Conflict(
            "This key no longer works, so there is nothing to revoke.".into(),
        ));
    }
    sqlx::query(
        "UPDATE api_keys SET status = 'revoked', revoked_by = $2, revoked_at = now() WHERE id = $1",
    )
    .bind(key_id)
    .bind(actor.id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEvent {
            before: Some(json!({ "status": row.facts.status.as_str() })),
            ..key_audit(
                actor,
                row.organisation_id,
                "api_key.revoked",
                json!({ "key_id": key_id, "prefix": row.prefix, "environment": row.environment.as_str() }),
            )
        },
    )
    .await?;
    let message = format!("API key '{}' was revoked and no longer works.", row.name);
    notify_admins(&mut tx, row.organisation_id, &message).await?;
    tx.commit().await?;
    tracing::info!(key_id = %key_id, "API key revoked");
    Ok(())
}

pub async fn pending(pool: &PgPool) -> Result<Vec<PendingApiKey>, AppError> {
    let rows: Vec<(Uuid, String, String, String, String)> = sqlx::query_as(&format!(
        "SELECT k.id, o.name, k.name, u.display_name, to_char(k.requested_at AT TIME ZONE 'UTC', {TIME_FORMAT})
         FROM api_keys k JOIN organisations o ON o.id = k.organisation_id JOIN users u ON u.id = k.requested_by
         WHERE k.status = 'pending' ORDER BY k.requested_at"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, organisation_name, name, requested_by, requested_at)| PendingApiKey {
                id,
                organisation_name,
                name,
                requested_by,
                requested_at,
            },
        )
        .collect())
}

pub async fn decide(
    pool: &PgPool,
    staff: &SessionUser,
    key_id: Uuid,
    approve: bool,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let row = lock(&mut tx, None, key_id).await?;
    if row.facts.status != KeyStatus::Pending {
        return Err(AppError::Conflict(
            "This key request was already decided. Reload the page to see its current state."
                .into(),
        ));
    }
    let status = if approve {
        KeyStatus::Approved
    } else {
        KeyStatus::Declined
    };
    sqlx::query(
        "UPDATE api_keys SET status = $2, decided_by = $3, decided_at = now(), decision_reason = NULLIF($4, '')
         WHERE id = $1",
    )
    .bind(key_id)
    .bind(status.as_str())
    .bind(staff.id)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    let action = if approve {
        "api_key.approved"
    } else {
        "api_key.declined"
    };
    audit::record(
        &mut tx,
        key_audit(
            staff,
            row.organisation_id,
            action,
            json!({ "key_id": key_id, "name": row.name, "reason": (!reason.is_empty()).then_some(reason) }),
        ),
    )
    .await?;
    let message = if approve {
        format!(
            "Live API key '{}' was approved. Open API keys to show it once.",
            row.name
        )
    } else {
        format!("Live API key '{}' was declined: {reason}", row.name)
    };
    notify_admins(&mut tx, row.organisation_id, &message).await?;
    tx.commit().await?;
    tracing::info!(key_id = %key_id, approve, "live API key decided");
    Ok(())
}

/// Returns the owner of a valid key and records its use, or `None` for an
/// unknown, revoked, expired or not yet issued key.
pub async fn authenticate(pool: &PgPool, key: &str) -> Result<Option<KeyOwner>, AppError> {
    let found: Option<(RawKeyRow, String)> = sqlx::query_as::<_, KeyWithOrganisation>(
        "SELECT k.id, k.organisation_id, k.environment, k.name, k.status, k.expires_at, k.prefix, now(), o.name
         FROM api_keys k JOIN organisations o ON o.id = k.organisation_id WHERE k.key_hash = $1",
    )
    .bind(tokens::sha256_hex(key))
    .fetch_optional(pool)
    .await?
    .map(|r| ((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7), r.8));
    let Some((raw, organisation_name)) = found else {
        return Ok(None);
    };
    let row = parse_row(raw)?;
    if !row.facts.is_valid_at(row.now) {
        return Ok(None);
    }
    sqlx::query("UPDATE api_keys SET last_used_at = now() WHERE id = $1")
        .bind(row.id)
        .execute(pool)
        .await?;
    Ok(Some(KeyOwner {
        organisation_id: row.organisation_id,
        organisation_name,
        environment: row.environment,
        key_name: row.name,
        key_prefix: row.prefix.unwrap_or_default(),
    }))
}

/// Sends an in-app notification to the organisation's admins, who are the
/// users that manage its keys.
async fn notify_admins(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    message: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO notifications (user_id, message, link)
         SELECT user_id, $2, '/organisation/api-keys' FROM memberships
         WHERE organisation_id = $1 AND role = 'subscriber_admin'",
    )
    .bind(organisation_id)
    .bind(message)
    .execute(conn)
    .await?;
    Ok(())
}

async fn notify_staff(conn: &mut PgConnection, message: &str) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO notifications (user_id, message, link)
         SELECT id, $1, '/staff/api-keys' FROM users WHERE staff_role IS NOT NULL",
    )
    .bind(message)
    .execute(conn)
    .await?;
    Ok(())
}
