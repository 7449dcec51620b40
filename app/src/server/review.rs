//! Staff review decisions: the lifecycle transition, its audit event and
//! its notifications are written in one transaction, under a row lock and
//! a version check, so two staff deciding at once cannot both win.

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::api::review::{ReviewComment, ReviewData, REVIEW_ACTIONS};
use crate::domain::content::RequestContent;
use crate::domain::lifecycle::{self, Action, Effect, Rejection, State};
use crate::domain::section::Section;
use crate::error::AppError;
use crate::server::audit::{self, AuditEvent};
use crate::server::auth::SessionUser;
use crate::server::notify::{self, Recipients};
use crate::server::{deployments, history, requests};

/// Maximum length of a decision reason or comment, in characters.
pub const MAX_REASON_CHARS: usize = 4_000;

pub async fn organisation_of(pool: &PgPool, connection_id: Uuid) -> Result<Uuid, AppError> {
    sqlx::query_scalar("SELECT organisation_id FROM connections WHERE id = $1")
        .bind(connection_id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found("That connection request"))
}

pub async fn comments(pool: &PgPool, connection_id: Uuid) -> Result<Vec<ReviewComment>, AppError> {
    let rows: Vec<(Uuid, String, String, String, String, i32)> = sqlx::query_as(
        "SELECT c.id, c.section, u.display_name, c.body,
                to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), r.number
         FROM review_comments c
         JOIN users u ON u.id = c.author_id
         JOIN revisions r ON r.id = c.revision_id
         WHERE c.connection_id = $1 ORDER BY c.created_at",
    )
    .bind(connection_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, section, author, body, created_at, revision_number)| {
            Some(ReviewComment {
                id,
                section: Section::from_slug(&section)?,
                author,
                body,
                created_at,
                revision_number,
            })
        })
        .collect())
}

pub async fn load(pool: &PgPool, connection_id: Uuid) -> Result<ReviewData, AppError> {
    let organisation_id = organisation_of(pool, connection_id).await?;
    let request = requests::load(pool, organisation_id, connection_id).await?;
    let (reviewer, decision_reason, test_summary): (
        Option<String>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT u.display_name, r.decision_reason, r.test_summary
         FROM revisions r LEFT JOIN users u ON u.id = r.reviewer_id
         WHERE r.id = $1",
    )
    .bind(request.revision_id)
    .fetch_one(pool)
    .await?;
    Ok(ReviewData {
        deployed_changes: history::against_deployed(pool, connection_id, request.revision_id)
            .await?,
        comments: comments(pool, connection_id).await?,
        reviewer,
        decision_reason,
        test_summary,
        request,
    })
}

fn check_reason(reason: &str) -> Result<(), AppError> {
    let length = reason.chars().count();
    if length > MAX_REASON_CHARS {
        return Err(AppError::field(
            "reason",
            format!(
                "Shorten the reason to at most {MAX_REASON_CHARS} characters (it has {length})"
            ),
        ));
    }
    if reason
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(AppError::field(
            "reason",
            "Remove the control characters from the reason",
        ));
    }
    Ok(())
}

fn rejection_error(rejection: Rejection) -> AppError {
    match rejection {
        Rejection::StaffOnly(_) | Rejection::SubscriberOnly(_) => {
            AppError::Forbidden(rejection.message())
        }
        Rejection::MissingReason(_) => AppError::field("reason", rejection.message()),
        other => AppError::Conflict(other.message()),
    }
}

/// Applies a staff decision to the working revision, which must still be
/// at `expected_version`.
pub async fn decide(
    pool: &PgPool,
    staff: &SessionUser,
    connection_id: Uuid,
    action: Action,
    expected_version: i32,
    reason: &str,
) -> Result<State, AppError> {
    if !REVIEW_ACTIONS.contains(&action) {
        return Err(AppError::BadRequest(format!(
            "{} is not a review decision.",
            action.label()
        )));
    }
    check_reason(reason)?;
    let role = staff.staff_role.ok_or_else(AppError::forbidden)?;
    let mut tx = pool.begin().await?;
    type Row = (
        Uuid,
        Uuid,
        i32,
        String,
        i32,
        sqlx::types::Json<RequestContent>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT r.id, c.organisation_id, r.number, r.state, r.version, r.content
         FROM revisions r JOIN connections c ON c.id = r.connection_id
         WHERE c.id = $1 ORDER BY r.number DESC LIMIT 1 FOR UPDATE OF r",
    )
    .bind(connection_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (revision_id, organisation_id, number, state, version, content) =
        row.ok_or_else(|| AppError::not_found("That connection request"))?;
    if version != expected_version {
        return Err(AppError::Conflict(
            "This request was already changed by someone else. Reload the page to see its current state.".into(),
        ));
    }
    let state = State::parse(&state).ok_or(AppError::Internal)?;
    let context = lifecycle::Context {
        has_reason: !reason.trim().is_empty(),
        ..lifecycle::Context::default()
    };
    let transition = lifecycle::apply(state, action, role, &context).map_err(rejection_error)?;

    let records_reason = transition.effects.contains(&Effect::RecordReason);
    sqlx::query(
        "UPDATE revisions SET state = $2, version = version + 1, updated_at = now(), updated_by = $3,
                reviewer_id = CASE WHEN $4 THEN $3 ELSE reviewer_id END,
                decision_reason = CASE WHEN $5 THEN $6 ELSE decision_reason END,
                decided_by = CASE WHEN $7 THEN $3 ELSE decided_by END,
                decided_at = CASE WHEN $7 THEN now() ELSE decided_at END
         WHERE id = $1",
    )
    .bind(revision_id)
    .bind(transition.to.as_str())
    .bind(staff.id)
    .bind(transition.effects.contains(&Effect::AssignReviewer))
    .bind(records_reason)
    .bind(reason.trim())
    .bind(action != Action::StartReview)
    .execute(&mut *tx)
    .await?;
    for effect in &transition.effects {
        match effect {
            Effect::RecordDeployment(environment) => {
                deployments::record(
                    &mut tx,
                    connection_id,
                    *environment,
                    revision_id,
                    number,
                    &content.0,
                    staff.id,
                )
                .await?;
            }
            Effect::DisableCredentials => {
                deployments::set_disabled(&mut tx, connection_id, true).await?
            }
            Effect::ReenableCredentials => {
                deployments::set_disabled(&mut tx, connection_id, false).await?
            }
            _ => {}
        }
    }
    audit::record(
        &mut tx,
        AuditEvent {
            actor_user_id: Some(staff.id),
            organisation_id: Some(organisation_id),
            connection_id: Some(connection_id),
            revision_id: Some(revision_id),
            action: "revision.state_changed",
            before: Some(json!({ "state": state.as_str() })),
            after: Some(json!({ "state": transition.to.as_str(), "action": action.as_str(), "reason": records_reason.then(|| reason.trim()) })),
        },
    )
    .await?;
    if transition.effects.contains(&Effect::NotifySubscriber) {
        let state = transition.to.label();
        let name = content.connection.name.trim();
        let message = if name.is_empty() {
            format!("Revision {number} of your connection request is now {state}.")
        } else {
            format!("Revision {number} of your connection request \"{name}\" is now {state}.")
        };
        notify_organisation(&mut tx, organisation_id, connection_id, &message).await?;
    }
    tx.commit().await?;
    tracing::info!(connection_id = %connection_id, action = action.as_str(), to = transition.to.as_str(), "review decision");
    Ok(transition.to)
}

pub async fn add_comment(
    pool: &PgPool,
    staff: &SessionUser,
    connection_id: Uuid,
    section: Section,
    body: &str,
) -> Result<(), AppError> {
    if body.trim().is_empty() {
        return Err(AppError::field("comment", "Enter a comment"));
    }
    check_reason(body).map_err(|_| {
        AppError::field("comment", format!("Shorten the comment to at most {MAX_REASON_CHARS} characters and remove control characters"))
    })?;
    let mut tx = pool.begin().await?;
    let row: Option<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT r.id, c.organisation_id FROM revisions r JOIN connections c ON c.id = r.connection_id
         WHERE c.id = $1 ORDER BY r.number DESC LIMIT 1",
    )
    .bind(connection_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (revision_id, organisation_id) =
        row.ok_or_else(|| AppError::not_found("That connection request"))?;
    let comment_id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO review_comments (id, connection_id, revision_id, section, author_id, body) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(comment_id)
    .bind(connection_id)
    .bind(revision_id)
    .bind(section.slug())
    .bind(staff.id)
    .bind(body.trim())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor_user_id: Some(staff.id),
            organisation_id: Some(organisation_id),
            connection_id: Some(connection_id),
            revision_id: Some(revision_id),
            action: "review.commented",
            after: Some(json!({ "comment_id": comment_id, "section": section.slug() })),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Notifies every user of an organisation, in the app and by email.
pub async fn notify_organisation(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    connection_id: Uuid,
    message: &str,
) -> Result<(), AppError> {
    notify::send(
        conn,
        Recipients::Organisation(organisation_id),
        Some(connection_id),
        message,
        &format!("/connections/{connection_id}"),
    )
    .await
}

/// Notifies every staff user, in the app and by email.
pub async fn notify_staff(
    conn: &mut PgConnection,
    connection_id: Uuid,
    message: &str,
) -> Result<(), AppError> {
    notify::send(
        conn,
        Recipients::Staff,
        Some(connection_id),
        message,
        &format!("/staff/requests/{connection_id}"),
    )
    .await
}
