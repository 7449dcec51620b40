//! Staff review of a submitted request, comments, and notifications.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::connections::RequestData;
use crate::domain::lifecycle::Action;
use crate::domain::section::Section;
use crate::error::AppError;

/// Decisions staff take from the review page.
pub const REVIEW_ACTIONS: [Action; 9] = [
    Action::StartReview,
    Action::RequestChanges,
    Action::Reject,
    Action::Approve,
    Action::DeployToSandbox,
    Action::Promote,
    Action::DeclinePromotion,
    Action::Suspend,
    Action::Reinstate,
];

/// A reviewer's comment pinned to one section of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewComment {
    pub id: Uuid,
    pub section: Section,
    pub author: String,
    pub body: String,
    pub created_at: String,
    pub revision_number: i32,
}

/// Data for the staff review page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewData {
    pub request: RequestData,
    pub comments: Vec<ReviewComment>,
    pub reviewer: Option<String>,
    pub decision_reason: Option<String>,
    /// The subscriber's summary of their sandbox tests, given when they
    /// requested promotion to live.
    pub test_summary: Option<String>,
    /// What this revision changes compared with the deployed revision;
    /// `None` when nothing is deployed or this revision is the deployed one.
    pub deployed_changes: Option<crate::api::history::DeployedChanges>,
}

/// Comments and the latest decision reason, as shown to the subscriber.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub comments: Vec<ReviewComment>,
    pub decision_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub message: String,
    pub link: String,
    pub created_at: String,
    pub read: bool,
}

#[server(endpoint = "review_request")]
pub async fn review_request(connection_id: Uuid) -> Result<ReviewData, AppError> {
    use crate::server::{auth, review, state::pool};
    let pool = pool()?;
    auth::require_staff(&pool).await?;
    review::load(&pool, connection_id).await
}

/// Applies a review decision (`start_review`, `request_changes`, `reject`,
/// `approve`) to the revision the reviewer loaded at `version`.
#[server(endpoint = "decide")]
pub async fn decide(
    connection_id: Uuid,
    action: String,
    version: i32,
    reason: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, review, state::pool};
    let pool = pool()?;
    let staff = auth::require_staff(&pool).await?;
    let action = Action::parse(&action)
        .ok_or_else(|| AppError::BadRequest(format!("Unknown action {action:?}.")))?;
    review::decide(
        &pool,
        &staff,
        connection_id,
        action,
        version,
        reason.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(())
}

#[server(endpoint = "comment_on_request")]
pub async fn comment_on_request(
    connection_id: Uuid,
    section: String,
    comment: String,
) -> Result<(), AppError> {
    use crate::server::{auth, review, state::pool};
    let pool = pool()?;
    let staff = auth::require_staff(&pool).await?;
    let section = Section::from_slug(&section)
        .ok_or_else(|| AppError::field("section", "Choose the section the comment is about"))?;
    review::add_comment(&pool, &staff, connection_id, section, &comment).await
}

#[server(endpoint = "request_feedback")]
pub async fn request_feedback(connection_id: Uuid) -> Result<Feedback, AppError> {
    use crate::server::{auth, review, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    let decision_reason: Option<Option<String>> = sqlx::query_scalar(
        "SELECT r.decision_reason FROM revisions r JOIN connections c ON c.id = r.connection_id
         WHERE c.id = $1 AND c.organisation_id = $2 ORDER BY r.number DESC LIMIT 1",
    )
    .bind(connection_id)
    .bind(member.organisation_id)
    .fetch_optional(&pool)
    .await?;
    let decision_reason =
        decision_reason.ok_or_else(|| AppError::not_found("That connection request"))?;
    Ok(Feedback {
        comments: review::comments(&pool, connection_id).await?,
        decision_reason,
    })
}

#[server(endpoint = "notifications")]
pub async fn my_notifications() -> Result<Vec<Notification>, AppError> {
    use crate::server::{auth, state::pool};
    let pool = pool()?;
    let user = auth::require_user(&pool).await?;
    let rows: Vec<(i64, String, String, String, bool)> = sqlx::query_as(
        "SELECT id, message, link, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), read_at IS NOT NULL
         FROM notifications WHERE user_id = $1 ORDER BY created_at DESC LIMIT 50",
    )
    .bind(user.id)
    .fetch_all(&pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, message, link, created_at, read)| Notification {
            id,
            message,
            link,
            created_at,
            read,
        })
        .collect())
}

#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    use crate::server::{auth, state::pool};
    let pool = pool()?;
    let user = auth::require_user(&pool).await?;
    sqlx::query("UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL")
        .bind(user.id)
        .execute(&pool)
        .await?;
    Ok(())
}
