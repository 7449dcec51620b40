//! Deployments and their credentials. A deployment records which revision
//! runs in an environment; its secrets are generated when the subscriber
//! first opens them and only their hashes are stored.

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::api::deployments::{DeploymentView, RetiringSecret, RevealedSecrets, RotatedSecret};
use crate::domain::content::RequestContent;
use crate::domain::environment::Environment;
use crate::domain::lifecycle::State;
use crate::error::AppError;
use crate::server::audit::{self, AuditEvent};
use crate::server::auth::Member;
use crate::server::review::notify_organisation;
use crate::server::tokens;

/// Base URL of the operator's API in an environment.
// NOTE: fixed placeholders until the platform's real addresses are
// configured per installation.
pub fn api_base_url(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "https://sandbox-api.pds.example/v1",
        Environment::Live => "https://api.pds.example/v1",
    }
}

/// Records `revision_id` as deployed in `environment`. A connection keeps
/// its NID and client id when a later revision replaces the deployed one.
pub async fn record(
    conn: &mut PgConnection,
    connection_id: Uuid,
    environment: Environment,
    revision_id: Uuid,
    revision_number: i32,
    content: &RequestContent,
    staff_id: Uuid,
) -> Result<(), AppError> {
    let technical = match environment {
        Environment::Sandbox => &content.technical.sandbox,
        Environment::Live => &content.technical.live,
    };
    let client_id = format!(
        "cm-{}-{}",
        environment.as_str(),
        tokens::random_token().to_lowercase()
    );
    sqlx::query(
        "INSERT INTO deployments (id, connection_id, environment, revision_id, revision_number, nid, client_id,
                                  api_base_url, callback_url, whitelisted, deployed_by)
         VALUES ($1, $2, $3, $4, $5, nextval('connection_nid_seq'), $6, $7, $8, $9, $10)
         ON CONFLICT (connection_id, environment) DO UPDATE
         SET revision_id = EXCLUDED.revision_id, revision_number = EXCLUDED.revision_number,
             callback_url = EXCLUDED.callback_url, whitelisted = EXCLUDED.whitelisted,
             deployed_by = EXCLUDED.deployed_by, deployed_at = now()",
    )
    .bind(Uuid::new_v4())
    .bind(connection_id)
    .bind(environment.as_str())
    .bind(revision_id)
    .bind(revision_number)
    .bind(client_id)
    .bind(api_base_url(environment))
    .bind(technical.callback_url.trim())
    .bind(json!(technical.ip_ranges))
    .bind(staff_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Disables or re-enables every credential of a connection.
pub async fn set_disabled(
    conn: &mut PgConnection,
    connection_id: Uuid,
    disabled: bool,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE credentials SET disabled_at = CASE WHEN $2 THEN now() ELSE NULL END
         WHERE deployment_id IN (SELECT id FROM deployments WHERE connection_id = $1)",
    )
    .bind(connection_id)
    .bind(disabled)
    .execute(conn)
    .await?;
    Ok(())
}

type DeploymentRow = (
    String,
    i32,
    i64,
    String,
    String,
    String,
    serde_json::Value,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
);

/// Lists a connection's deployments with the last four characters of
/// their current credentials, and the client secret replaced by the last
/// rotation while it still works.
pub async fn list(
    pool: &PgPool,
    organisation_id: Uuid,
    connection_id: Uuid,
) -> Result<Vec<DeploymentView>, AppError> {
    let rows: Vec<DeploymentRow> = sqlx::query_as(
        "SELECT d.environment, d.revision_number, d.nid, d.client_id, d.api_base_url, d.callback_url,
                d.whitelisted, to_char(d.deployed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                max(cr.last_four) FILTER (WHERE cr.kind = 'connection_token' AND cr.expires_at IS NULL),
                max(cr.last_four) FILTER (WHERE cr.kind = 'client_secret' AND cr.expires_at IS NULL),
                (array_agg(cr.last_four ORDER BY cr.expires_at DESC)
                    FILTER (WHERE cr.kind = 'client_secret' AND cr.expires_at > now()))[1],
                to_char(max(cr.expires_at) FILTER (WHERE cr.kind = 'client_secret' AND cr.expires_at > now())
                    AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                bool_or(cr.disabled_at IS NOT NULL) IS TRUE
         FROM deployments d
         JOIN connections c ON c.id = d.connection_id
         LEFT JOIN credentials cr ON cr.deployment_id = d.id
         WHERE d.connection_id = $1 AND c.organisation_id = $2
         GROUP BY d.id ORDER BY d.environment DESC",
    )
    .bind(connection_id)
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let (
                environment,
                revision_number,
                nid,
                client_id,
                api_base_url,
                callback_url,
                whitelisted,
                deployed_at,
                token_last_four,
                secret_last_four,
                retiring_last_four,
                retiring_expires_at,
                disabled,
            ) = row;
            let retiring_secret =
                retiring_last_four
                    .zip(retiring_expires_at)
                    .map(|(last_four, expires_at)| RetiringSecret {
                        last_four,
                        expires_at,
                    });
            Some(DeploymentView {
                environment: Environment::parse(&environment)?,
                revision_number,
                nid,
                client_id,
                api_base_url,
                callback_url,
                whitelisted: serde_json::from_value(whitelisted).unwrap_or_default(),
                deployed_at,
                token_last_four,
                secret_last_four,
                retiring_secret,
                disabled,
            })
        })
        .collect())
}

/// A deployment locked for a credential change, with its connection's
/// name and the database's clock.
struct LockedDeployment {
    id: Uuid,
    connection_name: Option<String>,
    now: OffsetDateTime,
}

/// Locks the caller's deployment in `environment` for the rest of the
/// transaction. Fails when the connection is not deployed there, or is
/// suspended, because its credentials are then disabled.
async fn lock_deployment(
    conn: &mut PgConnection,
    member: &Member,
    connection_id: Uuid,
    environment: Environment,
) -> Result<LockedDeployment, AppError> {
    let row: Option<(Uuid, String, Option<String>, OffsetDateTime)> = sqlx::query_as(
        "SELECT d.id, (SELECT state FROM revisions WHERE connection_id = d.connection_id ORDER BY number DESC LIMIT 1),
                c.name, now()
         FROM deployments d JOIN connections c ON c.id = d.connection_id
         WHERE d.connection_id = $1 AND c.organisation_id = $2 AND d.environment = $3
         FOR UPDATE OF d",
    )
    .bind(connection_id)
    .bind(member.organisation_id)
    .bind(environment.as_str())
    .fetch_optional(conn)
    .await?;
    let (id, state, connection_name, now) = row.ok_or_else(|| {
        AppError::NotFound(format!(
            "This connection is not deployed on {}.",
            environment.label()
        ))
    })?;
    if State::parse(&state) == Some(State::Suspended) {
        return Err(AppError::Conflict(
            "This connection is suspended, so its credentials are disabled.".into(),
        ));
    }
    Ok(LockedDeployment {
        id,
        connection_name,
        now,
    })
}

/// Issues and returns the connection token and client secret of a
/// deployment. Works once: afterwards only the last four characters are
/// kept.
pub async fn reveal(
    pool: &PgPool,
    member: &Member,
    connection_id: Uuid,
    environment: Environment,
) -> Result<RevealedSecrets, AppError> {
    let mut tx = pool.begin().await?;
    let deployment_id = lock_deployment(&mut tx, member, connection_id, environment)
        .await?
        .id;
    let issued: i64 =
        sqlx::query_scalar("SELECT count(*) FROM credentials WHERE deployment_id = $1")
            .bind(deployment_id)
            .fetch_one(&mut *tx)
            .await?;
    if issued > 0 {
        return Err(AppError::Conflict(
            "These credentials were already shown once. Only their last four characters are kept."
                .into(),
        ));
    }
    let connection_token = format!("cmt_{}", tokens::random_token());
    let client_secret = format!("cms_{}", tokens::random_token());
    for (kind, secret) in [
        ("connection_token", &connection_token),
        ("client_secret", &client_secret),
    ] {
        sqlx::query(
            "INSERT INTO credentials (id, deployment_id, kind, secret_hash, last_four, issued_by) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::new_v4())
        .bind(deployment_id)
        .bind(kind)
        .bind(tokens::sha256_hex(secret))
        .bind(tokens::last_four(secret))
        .bind(member.user.id)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        AuditEvent {
            actor_user_id: Some(member.user.id),
            organisation_id: Some(member.organisation_id),
            connection_id: Some(connection_id),
            action: "credentials.issued",
            after: Some(
                json!({ "environment": environment.as_str(), "deployment_id": deployment_id }),
            ),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(RevealedSecrets {
        environment,
        connection_token,
        client_secret,
    })
}

/// Formats a time as the credentials panel shows it, in UTC.
fn utc_text(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]"
        ))
        .unwrap_or_default()
}

/// Issues a new client secret for a deployment whose secrets were shown.
/// The secret in use keeps working until the end of `overlap`, and a
/// secret still in the overlap of an earlier rotation stops now. The
/// rotation is audited and every user of the organisation is notified.
pub async fn rotate_secret(
    pool: &PgPool,
    member: &Member,
    connection_id: Uuid,
    environment: Environment,
    overlap: Duration,
) -> Result<RotatedSecret, AppError> {
    use crate::domain::rotation::rotate_secret;

    let mut tx = pool.begin().await?;
    let LockedDeployment {
        id: deployment_id,
        connection_name: name,
        now,
    } = lock_deployment(&mut tx, member, connection_id, environment).await?;
    let current: Option<(Uuid, String)> = sqlx::query_as(
        "SELECT id, last_four FROM credentials
         WHERE deployment_id = $1 AND kind = 'client_secret' AND expires_at IS NULL",
    )
    .bind(deployment_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (current_id, old_last_four) = current.ok_or_else(|| {
        AppError::Conflict("Show the credentials once before you rotate the client secret.".into())
    })?;
    let earlier: Option<OffsetDateTime> = sqlx::query_scalar(
        "SELECT max(expires_at) FROM credentials
         WHERE deployment_id = $1 AND kind = 'client_secret' AND expires_at > $2",
    )
    .bind(deployment_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let plan = rotate_secret(now, overlap, earlier);
    if plan.end_earlier_overlap {
        sqlx::query(
            "UPDATE credentials SET expires_at = $2
             WHERE deployment_id = $1 AND kind = 'client_secret' AND expires_at > $2",
        )
        .bind(deployment_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE credentials SET expires_at = $2 WHERE id = $1")
        .bind(current_id)
        .bind(plan.current_expires_at)
        .execute(&mut *tx)
        .await?;
    let client_secret = format!("cms_{}", tokens::random_token());
    let new_last_four = tokens::last_four(&client_secret).to_string();
    sqlx::query(
        "INSERT INTO credentials (id, deployment_id, kind, secret_hash, last_four, issued_by, rotated_from)
         VALUES ($1, $2, 'client_secret', $3, $4, $5, $6)",
    )
    .bind(Uuid::new_v4())
    .bind(deployment_id)
    .bind(tokens::sha256_hex(&client_secret))
    .bind(&new_last_four)
    .bind(member.user.id)
    .bind(current_id)
    .execute(&mut *tx)
    .await?;
    let old_expires_at = utc_text(plan.current_expires_at);
    audit::record(
        &mut tx,
        AuditEvent {
            actor_user_id: Some(member.user.id),
            organisation_id: Some(member.organisation_id),
            connection_id: Some(connection_id),
            action: "credentials.secret_rotated",
            before: Some(
                json!({ "environment": environment.as_str(), "secret_last_four": old_last_four }),
            ),
            after: Some(json!({
                "environment": environment.as_str(),
                "secret_last_four": new_last_four,
                "old_secret_expires_at": old_expires_at,
                "overlap_hours": overlap.whole_hours(),
                "earlier_overlap_ended": plan.end_earlier_overlap,
            })),
            ..Default::default()
        },
    )
    .await?;
    let name = name.unwrap_or_else(|| "Untitled connection".into());
    notify_organisation(
        &mut tx,
        member.organisation_id,
        connection_id,
        &format!(
            "{} rotated the {} client secret of {name}. The old secret ending in {old_last_four} works until {old_expires_at} UTC.",
            member.user.display_name,
            environment.label().to_lowercase(),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(RotatedSecret {
        environment,
        client_secret,
        old_last_four,
        old_expires_at,
    })
}

/// Records every old client secret whose overlap has ended: an audit
/// event and a notification to the organisation for each, written once.
/// Returns how many were recorded. Safe to run from several servers at
/// once: each expiry is claimed by one of them.
pub async fn record_expired_secrets(pool: &PgPool) -> Result<usize, AppError> {
    let mut tx = pool.begin().await?;
    let expired: Vec<(Uuid, Uuid, String, String, Option<String>, OffsetDateTime)> =
        sqlx::query_as(
            "WITH due AS (
                 SELECT id FROM credentials
                 WHERE expires_at <= now() AND expiry_recorded_at IS NULL
                 ORDER BY expires_at LIMIT 100
                 FOR UPDATE SKIP LOCKED
             )
             UPDATE credentials cr SET expiry_recorded_at = now()
             FROM due, deployments d, connections c
             WHERE cr.id = due.id AND d.id = cr.deployment_id AND c.id = d.connection_id
             RETURNING c.id, c.organisation_id, d.environment, cr.last_four, c.name, cr.expires_at",
        )
        .fetch_all(&mut *tx)
        .await?;
    for (connection_id, organisation_id, environment, last_four, name, expires_at) in &expired {
        let environment = Environment::parse(environment).unwrap_or(Environment::Sandbox);
        audit::record(
            &mut tx,
            AuditEvent {
                organisation_id: Some(*organisation_id),
                connection_id: Some(*connection_id),
                action: "credentials.secret_expired",
                after: Some(json!({
                    "environment": environment.as_str(),
                    "secret_last_four": last_four,
                    "expired_at": utc_text(*expires_at),
                })),
                ..Default::default()
            },
        )
        .await?;
        let name = name.as_deref().unwrap_or("Untitled connection");
        notify_organisation(
            &mut tx,
            *organisation_id,
            *connection_id,
            &format!(
                "The old {} client secret of {name}, ending in {last_four}, stopped working at {} UTC.",
                environment.label().to_lowercase(),
                utc_text(*expires_at),
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(expired.len())
}
