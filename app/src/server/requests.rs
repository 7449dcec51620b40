//! Database access for connection requests. Every function takes the
//! caller's organisation and scopes its queries by it, so an id from
//! another organisation is simply not found.

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::api::connections::{ConnectionSummary, RequestData, SaveAck, TermsAcceptance};
use crate::domain::catalogue::{Catalogue, CatalogueField, Dataset, DatasetKind};
use crate::domain::content::RequestContent;
use crate::domain::lifecycle::{self, Action, State};
use crate::domain::validation;
use crate::error::{AppError, FieldError};
use crate::server::audit::{self, AuditEvent};
use crate::server::auth::Member;
use crate::server::notify::{self, Recipients};

pub async fn load_catalogue(pool: &PgPool) -> Result<Catalogue, AppError> {
    let datasets: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, label, kind FROM datasets ORDER BY position")
            .fetch_all(pool)
            .await?;
    let fields: Vec<(String, String, String, String, bool)> = sqlx::query_as(
        "SELECT dataset_id, id, label, field_type, special_category FROM catalogue_fields ORDER BY position",
    )
    .fetch_all(pool)
    .await?;
    let datasets = datasets
        .into_iter()
        .map(|(id, label, kind)| Dataset {
            fields: fields
                .iter()
                .filter(|f| f.0 == id)
                .map(
                    |(_, field_id, label, field_type, special_category)| CatalogueField {
                        id: field_id.clone(),
                        label: label.clone(),
                        field_type: field_type.clone(),
                        special_category: *special_category,
                    },
                )
                .collect(),
            id,
            label,
            kind: if kind == "transactional" {
                DatasetKind::Transactional
            } else {
                DatasetKind::Metadata
            },
        })
        .collect();
    Ok(Catalogue { datasets })
}

/// Creates a connection with a first draft revision and returns its id.
pub async fn create(
    pool: &PgPool,
    member: &Member,
    content: Option<RequestContent>,
) -> Result<Uuid, AppError> {
    let mut content = content.unwrap_or_default();
    if content.organisation.legal_name.is_empty() {
        content.organisation.legal_name =
            sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
                .bind(member.organisation_id)
                .fetch_one(pool)
                .await?;
    }
    let connection_id = Uuid::new_v4();
    let revision_id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO connections (id, organisation_id, created_by, updated_by) VALUES ($1, $2, $3, $3)")
        .bind(connection_id)
        .bind(member.organisation_id)
        .bind(member.user.id)
        .execute(&mut *tx)
        .await?;
    insert_first_revision(
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
            organisation_id: Some(member.organisation_id),
            connection_id: Some(connection_id),
            revision_id: Some(revision_id),
            action: "connection.created",
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(connection_id)
}

/// The working revision of a connection, locked for update.
struct WorkingRevision {
    id: Uuid,
    number: i32,
    state: State,
    version: i32,
    content: RequestContent,
    ever_submitted: bool,
    terms_version: Option<i32>,
}

/// Inserts revision 1 of a new connection, as a draft with `content`.
pub async fn insert_first_revision(
    conn: &mut PgConnection,
    revision_id: Uuid,
    connection_id: Uuid,
    content: &RequestContent,
    user_id: Uuid,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO revisions (id, connection_id, number, state, content, created_by, updated_by)
         VALUES ($1, $2, 1, 'draft', $3, $4, $4)",
    )
    .bind(revision_id)
    .bind(connection_id)
    .bind(sqlx::types::Json(content))
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

async fn lock_working(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    connection_id: Uuid,
) -> Result<WorkingRevision, AppError> {
    type Row = (
        Uuid,
        i32,
        String,
        i32,
        sqlx::types::Json<RequestContent>,
        bool,
        Option<i32>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT r.id, r.number, r.state, r.version, r.content, r.ever_submitted, r.terms_version
         FROM revisions r JOIN connections c ON c.id = r.connection_id
         WHERE c.id = $1 AND c.organisation_id = $2
         ORDER BY r.number DESC LIMIT 1
         FOR UPDATE OF r",
    )
    .bind(connection_id)
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (id, number, state, version, content, ever_submitted, terms_version) =
        row.ok_or_else(|| AppError::not_found("That connection request"))?;
    let state = State::parse(&state).ok_or_else(|| {
        tracing::error!(revision_id = %id, "revision has an unknown state");
        AppError::Internal
    })?;
    Ok(WorkingRevision {
        id,
        number,
        state,
        version,
        content: content.0,
        ever_submitted,
        terms_version,
    })
}

pub async fn load(
    pool: &PgPool,
    organisation_id: Uuid,
    connection_id: Uuid,
) -> Result<RequestData, AppError> {
    type Row = (
        Uuid,
        i32,
        String,
        i32,
        sqlx::types::Json<RequestContent>,
        String,
        String,
        String,
        bool,
        Option<String>,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT r.id, r.number, r.state, r.version, r.content, o.name,
                to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), u.display_name,
                r.ever_submitted,
                to_char(r.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                r.terms_version,
                to_char(r.terms_accepted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                ta.display_name, r.decision_reason
         FROM revisions r
         JOIN connections c ON c.id = r.connection_id
         JOIN organisations o ON o.id = c.organisation_id
         JOIN users u ON u.id = r.updated_by
         LEFT JOIN users ta ON ta.id = r.terms_accepted_by
         WHERE c.id = $1 AND c.organisation_id = $2
         ORDER BY r.number DESC LIMIT 1",
    )
    .bind(connection_id)
    .bind(organisation_id)
    .fetch_optional(pool)
    .await?;
    let (
        revision_id,
        revision_number,
        state,
        version,
        content,
        organisation_name,
        updated_at,
        updated_by,
        ever_submitted,
        submitted_at,
        terms_version,
        terms_accepted_at,
        terms_accepted_by,
        decision_reason,
    ) = row.ok_or_else(|| AppError::not_found("That connection request"))?;
    let current_terms_version: i32 = sqlx::query_scalar("SELECT max(version) FROM terms_versions")
        .fetch_one(pool)
        .await?;
    let terms = match (terms_version, terms_accepted_at) {
        (Some(version), Some(accepted_at)) => Some(TermsAcceptance {
            version,
            accepted_at,
            accepted_by: terms_accepted_by.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(RequestData {
        connection_id,
        revision_id,
        revision_number,
        state: State::parse(&state).ok_or(AppError::Internal)?,
        version,
        content: content.0,
        organisation_name,
        updated_at,
        updated_by,
        ever_submitted,
        submitted_at,
        terms,
        current_terms_version,
        catalogue: load_catalogue(pool).await?,
        feedback: crate::api::review::Feedback {
            comments: crate::server::review::comments(pool, connection_id).await?,
            decision_reason,
        },
        deployments: crate::server::deployments::list(pool, organisation_id, connection_id).await?,
    })
}

fn problems_to_errors(problems: Vec<validation::Problem>) -> AppError {
    AppError::Validation(
        problems
            .into_iter()
            .map(|p| FieldError::new(p.path, p.message))
            .collect(),
    )
}

pub async fn save(
    pool: &PgPool,
    member: &Member,
    connection_id: Uuid,
    version: i32,
    content: RequestContent,
) -> Result<SaveAck, AppError> {
    validation::validate_limits(&content).map_err(problems_to_errors)?;
    let mut tx = pool.begin().await?;
    let working = lock_working(&mut tx, member.organisation_id, connection_id).await?;
    if working.state != State::Draft {
        return Err(AppError::Conflict(format!(
            "This request is {} and cannot be changed. Choose Edit on the request to return it to Draft first.",
            working.state.label()
        )));
    }
    if working.version != version {
        return Err(AppError::Conflict(
            "This request was changed in another tab or by a colleague after you opened it.".into(),
        ));
    }
    let (new_version, saved_at): (i32, String) = sqlx::query_as(
        "UPDATE revisions SET content = $2, version = version + 1, updated_by = $3, updated_at = now()
         WHERE id = $1
         RETURNING version, to_char(updated_at AT TIME ZONE 'UTC', 'HH24:MI')",
    )
    .bind(working.id)
    .bind(sqlx::types::Json(&content))
    .bind(member.user.id)
    .fetch_one(&mut *tx)
    .await?;
    update_name(&mut tx, member, connection_id, &content.connection.name).await?;
    tx.commit().await?;
    Ok(SaveAck {
        version: new_version,
        saved_at,
    })
}

/// Copies the connection name into `connections.name` unless another
/// connection of the organisation already uses it; submit reports that.
async fn update_name(
    conn: &mut PgConnection,
    member: &Member,
    connection_id: Uuid,
    name: &str,
) -> Result<(), AppError> {
    let name = name.trim();
    let taken: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM connections WHERE organisation_id = $1 AND id <> $2 AND lower(name) = lower($3))",
    )
    .bind(member.organisation_id)
    .bind(connection_id)
    .bind(name)
    .fetch_one(&mut *conn)
    .await?;
    let stored = if taken || name.is_empty() {
        None
    } else {
        Some(name)
    };
    sqlx::query("UPDATE connections SET name = coalesce($2, name), updated_by = $3, updated_at = now() WHERE id = $1")
        .bind(connection_id)
        .bind(stored)
        .bind(member.user.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn name_taken(
    pool: &PgPool,
    member: &Member,
    connection_id: Uuid,
    name: &str,
) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM connections WHERE organisation_id = $1 AND id <> $2 AND lower(name) = lower($3))",
    )
    .bind(member.organisation_id)
    .bind(connection_id)
    .bind(name.trim())
    .fetch_one(pool)
    .await?)
}

pub async fn accept_terms(
    pool: &PgPool,
    member: &Member,
    connection_id: Uuid,
    terms_version: i32,
) -> Result<TermsAcceptance, AppError> {
    let mut tx = pool.begin().await?;
    let working = lock_working(&mut tx, member.organisation_id, connection_id).await?;
    if working.state != State::Draft {
        return Err(AppError::Conflict(
            "Terms can be accepted only while the request is a draft.".into(),
        ));
    }
    let current: i32 = sqlx::query_scalar("SELECT max(version) FROM terms_versions")
        .fetch_one(&mut *tx)
        .await?;
    if terms_version != current {
        return Err(AppError::Conflict(format!(
            "The Terms for Subscribers have changed to version {current}. Read the new version and accept it."
        )));
    }
    let accepted_at: String = sqlx::query_scalar(
        "UPDATE revisions SET terms_version = $2, terms_accepted_by = $3, terms_accepted_at = now()
         WHERE id = $1 RETURNING to_char(terms_accepted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')",
    )
    .bind(working.id)
    .bind(current)
    .bind(member.user.id)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor_user_id: Some(member.user.id),
            organisation_id: Some(member.organisation_id),
            connection_id: Some(connection_id),
            revision_id: Some(working.id),
            action: "terms.accepted",
            after: Some(json!({ "terms_version": current })),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(TermsAcceptance {
        version: current,
        accepted_at,
        accepted_by: member.user.display_name.clone(),
    })
}

pub async fn submit(pool: &PgPool, member: &Member, connection_id: Uuid) -> Result<(), AppError> {
    let catalogue = load_catalogue(pool).await?;
    let current_terms: i32 = sqlx::query_scalar("SELECT max(version) FROM terms_versions")
        .fetch_one(pool)
        .await?;
    let mut tx = pool.begin().await?;
    let working = lock_working(&mut tx, member.organisation_id, connection_id).await?;
    let mut problems = validation::validate(&working.content, &catalogue);
    if name_taken(
        pool,
        member,
        connection_id,
        &working.content.connection.name,
    )
    .await?
    {
        problems.push(validation::Problem {
            section: crate::domain::section::Section::Connection,
            path: "connection.name".into(),
            message:
                "Your organisation already has a connection with this name. Enter a different name"
                    .into(),
            kind: validation::ProblemKind::Invalid,
        });
    }
    let terms_accepted = working.terms_version == Some(current_terms);
    let context = lifecycle::Context {
        complete_and_valid: problems.is_empty(),
        terms_accepted,
        ever_submitted: working.ever_submitted,
        ..lifecycle::Context::default()
    };
    if let Err(rejection) = lifecycle::apply(working.state, Action::Submit, member.role, &context) {
        if working.state == State::Draft && !problems.is_empty() {
            return Err(problems_to_errors(problems));
        }
        if working.state == State::Draft && !terms_accepted {
            return Err(problems_to_errors(vec![validation::terms_problem()]));
        }
        return Err(AppError::Conflict(rejection.message().to_string()));
    }
    sqlx::query(
        "UPDATE revisions SET state = 'requested', ever_submitted = true, submitted_by = $2, submitted_at = now(),
                version = version + 1, updated_by = $2, updated_at = now()
         WHERE id = $1",
    )
    .bind(working.id)
    .bind(member.user.id)
    .execute(&mut *tx)
    .await?;
    transition_audit(
        &mut tx,
        member,
        connection_id,
        working.id,
        State::Draft,
        State::Requested,
    )
    .await?;
    let name = working.content.connection.name.trim();
    crate::server::review::notify_staff(
        &mut tx,
        connection_id,
        &format!(
            "New request to review: {name} (revision {}).",
            working.number
        ),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(connection_id = %connection_id, revision = working.number, "request submitted");
    Ok(())
}

async fn transition_audit(
    conn: &mut PgConnection,
    member: &Member,
    connection_id: Uuid,
    revision_id: Uuid,
    from: State,
    to: State,
) -> Result<(), AppError> {
    audit::record(
        conn,
        AuditEvent {
            actor_user_id: Some(member.user.id),
            organisation_id: Some(member.organisation_id),
            connection_id: Some(connection_id),
            revision_id: Some(revision_id),
            action: "revision.state_changed",
            before: Some(json!({ "state": from.as_str() })),
            after: Some(json!({ "state": to.as_str() })),
        },
    )
    .await?;
    Ok(())
}

/// Returns a request to Draft; on a deployed connection, opens a new
/// draft revision and leaves the deployed one in effect.
pub async fn edit(pool: &PgPool, member: &Member, connection_id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let working = lock_working(&mut tx, member.organisation_id, connection_id).await?;
    let context = lifecycle::Context {
        ever_submitted: working.ever_submitted,
        ..lifecycle::Context::default()
    };
    let transition = lifecycle::apply(working.state, Action::Edit, member.role, &context)
        .map_err(|rejection| AppError::Conflict(rejection.message().to_string()))?;
    let opens_revision = transition
        .effects
        .iter()
        .any(|e| matches!(e, lifecycle::Effect::OpenNewRevision));
    if opens_revision {
        let revision_id = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO revisions (id, connection_id, number, state, content, created_by, updated_by, ever_submitted)
             VALUES ($1, $2, $3, 'draft', $4, $5, $5, false)",
        )
        .bind(revision_id)
        .bind(connection_id)
        .bind(working.number + 1)
        .bind(sqlx::types::Json(&working.content))
        .bind(member.user.id)
        .execute(&mut *tx)
        .await?;
        transition_audit(
            &mut tx,
            member,
            connection_id,
            revision_id,
            working.state,
            State::Draft,
        )
        .await?;
    } else {
        let ends_review = transition.effects.contains(&lifecycle::Effect::EndReview);
        let reviewer: Option<Uuid> = sqlx::query_scalar(
            "UPDATE revisions r SET state = 'draft', version = r.version + 1, updated_by = $2, updated_at = now(),
                    reviewer_id = CASE WHEN $3 THEN NULL ELSE r.reviewer_id END
             FROM revisions before WHERE r.id = $1 AND before.id = r.id
             RETURNING before.reviewer_id",
        )
        .bind(working.id)
        .bind(member.user.id)
        .bind(ends_review)
        .fetch_one(&mut *tx)
        .await?;
        if let (true, Some(reviewer)) = (ends_review, reviewer) {
            let name = working.content.connection.name.trim();
            notify::send(
                &mut tx,
                Recipients::User(reviewer),
                Some(connection_id),
                &format!(
                    "The subscriber withdrew {name} (revision {}) from review to edit it.",
                    working.number
                ),
                &format!("/staff/requests/{connection_id}"),
            )
            .await?;
        }
        transition_audit(
            &mut tx,
            member,
            connection_id,
            working.id,
            working.state,
            transition.to,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn delete_draft(
    pool: &PgPool,
    member: &Member,
    connection_id: Uuid,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let working = lock_working(&mut tx, member.organisation_id, connection_id).await?;
    let revisions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM revisions WHERE connection_id = $1")
            .bind(connection_id)
            .fetch_one(&mut *tx)
            .await?;
    let context = lifecycle::Context {
        ever_submitted: working.ever_submitted || revisions > 1,
        ..lifecycle::Context::default()
    };
    lifecycle::apply(working.state, Action::Delete, member.role, &context)
        .map_err(|rejection| AppError::Conflict(rejection.message().to_string()))?;
    sqlx::query("DELETE FROM connections WHERE id = $1 AND organisation_id = $2")
        .bind(connection_id)
        .bind(member.organisation_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor_user_id: Some(member.user.id),
            organisation_id: Some(member.organisation_id),
            connection_id: Some(connection_id),
            revision_id: Some(working.id),
            action: "connection.deleted",
            before: Some(json!({ "name": working.content.connection.name })),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list(
    pool: &PgPool,
    organisation_id: Uuid,
) -> Result<Vec<ConnectionSummary>, AppError> {
    let rows: Vec<(Uuid, Option<String>, i32, String, String, String)> = sqlx::query_as(
        "SELECT c.id, c.name, r.number, r.state,
                to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), u.display_name
         FROM connections c
         JOIN LATERAL (SELECT number, state FROM revisions WHERE connection_id = c.id ORDER BY number DESC LIMIT 1) r ON true
         JOIN users u ON u.id = c.updated_by
         WHERE c.organisation_id = $1
         ORDER BY c.updated_at DESC
         LIMIT 500",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(connection_id, name, revision_number, state, updated_at, updated_by)| {
                Some(ConnectionSummary {
                    connection_id,
                    name: name.unwrap_or_else(|| "Untitled connection".into()),
                    revision_number,
                    state: State::parse(&state)?,
                    updated_at,
                    updated_by,
                })
            },
        )
        .collect())
}

/// Requests or withdraws promotion to live, for the working revision at
/// `expected_version`.
pub async fn promotion(
    pool: &PgPool,
    member: &Member,
    connection_id: Uuid,
    action: Action,
    expected_version: i32,
    test_summary: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let working = lock_working(&mut tx, member.organisation_id, connection_id).await?;
    if working.version != expected_version {
        return Err(AppError::Conflict(
            "This request was changed after you opened it. Reload the page to see its current state.".into(),
        ));
    }
    let context = lifecycle::Context {
        has_test_summary: !test_summary.trim().is_empty(),
        ..lifecycle::Context::default()
    };
    let transition =
        lifecycle::apply(working.state, action, member.role, &context).map_err(|rejection| {
            match rejection {
                lifecycle::Rejection::MissingTestSummary => {
                    AppError::field("test_summary", rejection.message())
                }
                other => AppError::Conflict(other.message()),
            }
        })?;
    sqlx::query(
        "UPDATE revisions SET state = $2, version = version + 1, updated_by = $3, updated_at = now(),
                test_summary = CASE WHEN $4 THEN $5 ELSE test_summary END
         WHERE id = $1",
    )
    .bind(working.id)
    .bind(transition.to.as_str())
    .bind(member.user.id)
    .bind(action == Action::RequestPromotion)
    .bind(test_summary.trim())
    .execute(&mut *tx)
    .await?;
    transition_audit(
        &mut tx,
        member,
        connection_id,
        working.id,
        working.state,
        transition.to,
    )
    .await?;
    if transition.effects.contains(&lifecycle::Effect::NotifyStaff) {
        let name = working.content.connection.name.trim();
        crate::server::review::notify_staff(
            &mut tx,
            connection_id,
            &format!("Promotion to live requested: {name}."),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
