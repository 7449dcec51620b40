//! Server functions for operator staff.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::lifecycle::State;
use crate::error::AppError;

/// A request awaiting staff action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub connection_id: Uuid,
    pub connection_name: String,
    pub organisation_name: String,
    pub revision_number: i32,
    pub state: State,
    /// When the request entered the queue, `YYYY-MM-DD HH:MM` UTC.
    pub waiting_since: String,
    pub age_days: i32,
}

/// Requests awaiting staff action across all organisations, oldest first.
#[server(endpoint = "review_queue")]
pub async fn review_queue() -> Result<Vec<QueueItem>, AppError> {
    use crate::server::{auth, state::pool};
    let pool = pool()?;
    auth::require_staff(&pool).await?;
    type QueueRow = (Uuid, Option<String>, String, i32, String, String, i32);
    let rows: Vec<QueueRow> = sqlx::query_as(
        "SELECT c.id, c.name, o.name, r.number, r.state,
                to_char(coalesce(r.submitted_at, r.updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                extract(day FROM now() - coalesce(r.submitted_at, r.updated_at))::int
         FROM revisions r
         JOIN connections c ON c.id = r.connection_id
         JOIN organisations o ON o.id = c.organisation_id
         WHERE r.state IN ('requested', 'in_review', 'approved', 'promotion_requested')
         ORDER BY coalesce(r.submitted_at, r.updated_at)
         LIMIT 500",
    )
    .fetch_all(&pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(
                connection_id,
                name,
                organisation_name,
                revision_number,
                state,
                waiting_since,
                age_days,
            )| {
                Some(QueueItem {
                    connection_id,
                    connection_name: name.unwrap_or_else(|| "Untitled connection".into()),
                    organisation_name,
                    revision_number,
                    state: State::parse(&state)?,
                    waiting_since,
                    age_days,
                })
            },
        )
        .collect())
}
