//! Cloning a connection into a new draft, in the same organisation or
//! another one the user belongs to.

use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::content::{OrganisationSection, RequestContent};
use crate::domain::lifecycle::{self, Action, State};
use crate::domain::validation;
use crate::error::AppError;
use crate::server::audit::{self, AuditEvent};
use crate::server::auth::{self, Member};
use crate::server::requests;

/// Creates a draft connection in `target_organisation_id` whose only
/// revision copies the content of the source's working revision, and
/// returns its id. Credentials, deployments, comments, audit history and
/// terms acceptance belong to the source and are not copied. When the
/// target is another organisation, the organisation section starts again
/// from that organisation's name, because the source's legal details
/// describe the source organisation.
pub async fn clone_connection(
    pool: &PgPool,
    member: &Member,
    source_id: Uuid,
    target_organisation_id: Uuid,
    name: &str,
) -> Result<Uuid, AppError> {
    let target_role = auth::membership_role(pool, member.user.id, target_organisation_id)
        .await?
        .ok_or_else(|| {
            AppError::Forbidden(
                "You can clone a connection only into an organisation you belong to. Choose one of your organisations."
                    .into(),
            )
        })?;
    let source: Option<(Uuid, i32, String, sqlx::types::Json<RequestContent>)> = sqlx::query_as(
        "SELECT r.id, r.number, r.state, r.content
         FROM revisions r JOIN connections c ON c.id = r.connection_id
         WHERE c.id = $1 AND c.organisation_id = $2
         ORDER BY r.number DESC LIMIT 1",
    )
    .bind(source_id)
    .bind(member.organisation_id)
    .fetch_optional(pool)
    .await?;
    let (source_revision_id, source_number, state, content) =
        source.ok_or_else(|| AppError::not_found("That connection request"))?;
    let state = State::parse(&state).ok_or(AppError::Internal)?;
    for role in [member.role, target_role] {
        lifecycle::apply(state, Action::Clone, role, &lifecycle::Context::default())
            .map_err(|rejection| AppError::Forbidden(rejection.message()))?;
    }

    let source_name = content.0.connection.name.trim().to_string();
    let name = clone_name(name, &source_name)?;
    let mut content = content.0;
    content.connection.name = name.clone();
    if target_organisation_id != member.organisation_id {
        let target_name: String =
            sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
                .bind(target_organisation_id)
                .fetch_one(pool)
                .await?;
        content.organisation = OrganisationSection {
            legal_name: target_name,
            ..OrganisationSection::default()
        };
    }

    let connection_id = Uuid::new_v4();
    let revision_id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO connections (id, organisation_id, name, created_by, updated_by) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(connection_id)
    .bind(target_organisation_id)
    .bind(&name)
    .bind(member.user.id)
    .execute(&mut *tx)
    .await;
    if let Err(error) = inserted {
        let unique = error
            .as_database_error()
            .is_some_and(|e| e.constraint() == Some("connections_organisation_name_key"));
        if unique {
            return Err(AppError::field(
                "name",
                "That organisation already has a connection with this name. Enter a different name",
            ));
        }
        return Err(error.into());
    }
    requests::insert_first_revision(
        &mut tx,
        revision_id,
        connection_id,
        &content,
        member.user.id,
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor_user_id: Some(member.user.id),
            organisation_id: Some(target_organisation_id),
            connection_id: Some(connection_id),
            revision_id: Some(revision_id),
            action: "connection.cloned",
            before: Some(json!({
                "connection_id": source_id,
                "organisation_id": member.organisation_id,
                "revision_id": source_revision_id,
                "revision_number": source_number,
            })),
            after: Some(json!({ "name": name })),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        source_connection_id = %source_id,
        connection_id = %connection_id,
        "connection cloned"
    );
    Ok(connection_id)
}

/// Returns the trimmed name for the copy: the one typed, or "Copy of"
/// the source's name when the field was left empty.
fn clone_name(typed: &str, source_name: &str) -> Result<String, AppError> {
    let typed = typed.trim();
    let name = if !typed.is_empty() {
        typed.to_string()
    } else if source_name.is_empty() {
        "Copy of untitled connection".to_string()
    } else {
        format!("Copy of {source_name}")
    };
    validation::short_text(&name).map_err(|message| AppError::field("name", message))?;
    Ok(name)
}
