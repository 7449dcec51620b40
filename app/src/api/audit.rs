//! The audit trail of one connection.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub occurred_at: String,
    pub actor: String,
    pub action: String,
    pub revision_number: Option<i32>,
    /// The `before` and `after` values as compact JSON, when recorded.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Events of a connection, newest first. Staff see every connection;
/// a subscriber admin only their own organisation's.
#[server(endpoint = "connection_audit")]
pub async fn connection_audit(connection_id: Uuid) -> Result<Vec<AuditEntry>, AppError> {
    use crate::server::{auth, state::pool};
    let pool = pool()?;
    let user = auth::require_user(&pool).await?;
    if !user.is_staff() {
        let member = auth::require_member_admin(&pool).await?;
        let owned: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM connections WHERE id = $1 AND organisation_id = $2)",
        )
        .bind(connection_id)
        .bind(member.organisation_id)
        .fetch_one(&pool)
        .await?;
        if !owned {
            return Err(AppError::not_found("That connection request"));
        }
    }
    type Row = (
        String,
        Option<String>,
        String,
        Option<i32>,
        Option<serde_json::Value>,
        Option<serde_json::Value>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), u.display_name, e.action,
                r.number, e.before, e.after
         FROM audit_events e
         LEFT JOIN users u ON u.id = e.actor_user_id
         LEFT JOIN revisions r ON r.id = e.revision_id
         WHERE e.connection_id = $1
         ORDER BY e.id DESC LIMIT 500",
    )
    .bind(connection_id)
    .fetch_all(&pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(occurred_at, actor, action, revision_number, before, after)| AuditEntry {
                occurred_at,
                actor: actor.unwrap_or_else(|| "System".into()),
                action,
                revision_number,
                before: before.map(|v| v.to_string()),
                after: after.map(|v| v.to_string()),
            },
        )
        .collect())
}
