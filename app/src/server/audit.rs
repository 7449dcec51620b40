//! Append-only audit events, written in the same transaction as the change
//! they record.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Default)]
pub struct AuditEvent {
    pub actor_user_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub connection_id: Option<Uuid>,
    pub revision_id: Option<Uuid>,
    pub action: &'static str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub async fn record(conn: &mut PgConnection, event: AuditEvent) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events (actor_user_id, organisation_id, connection_id, revision_id, action, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(event.actor_user_id)
    .bind(event.organisation_id)
    .bind(event.connection_id)
    .bind(event.revision_id)
    .bind(event.action)
    .bind(event.before)
    .bind(event.after)
    .execute(conn)
    .await?;
    Ok(())
}
