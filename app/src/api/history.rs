//! Revision history of a connection and the differences between two of
//! its revisions. Subscriber users see their own organisation's
//! connections; staff see every connection.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::diff::RevisionDiff;
use crate::domain::environment::Environment;
use crate::domain::lifecycle::State;
use crate::error::AppError;

/// One revision in the history, with who created and last changed it.
/// Times are `YYYY-MM-DD HH:MM` UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionEntry {
    pub id: Uuid,
    pub number: i32,
    pub state: State,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    /// Environments where this revision is the deployed one.
    pub deployed_in: Vec<Environment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionComparison {
    pub from: RevisionEntry,
    pub to: RevisionEntry,
    pub diff: RevisionDiff,
}

/// Everything the history page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionHistory {
    pub connection_id: Uuid,
    pub connection_name: String,
    /// Newest first.
    pub revisions: Vec<RevisionEntry>,
    /// `None` while the connection has a single revision.
    pub comparison: Option<RevisionComparison>,
}

/// The revision under review compared with the deployed revision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployedChanges {
    pub environment: Environment,
    pub deployed_number: i32,
    pub diff: RevisionDiff,
}

/// Lists a connection's revisions and compares `from` with `to`, by
/// default the previous revision with the latest.
#[server(endpoint = "revision_history")]
pub async fn revision_history(
    connection_id: Uuid,
    from: Option<Uuid>,
    to: Option<Uuid>,
) -> Result<ConnectionHistory, AppError> {
    use crate::server::{history, state::pool};
    let pool = pool()?;
    let scope = history::viewer_scope(&pool).await?;
    history::load(&pool, scope, connection_id, from, to).await
}

/// Compares two revisions of the same connection.
#[server(endpoint = "compare_revisions")]
pub async fn compare_revisions(
    from_revision: Uuid,
    to_revision: Uuid,
) -> Result<RevisionComparison, AppError> {
    use crate::server::{history, state::pool};
    let pool = pool()?;
    let scope = history::viewer_scope(&pool).await?;
    history::compare(&pool, scope, from_revision, to_revision).await
}
