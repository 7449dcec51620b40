//! Database access for revision history and revision diffs.

use sqlx::types::Json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::api::history::{ConnectionHistory, DeployedChanges, RevisionComparison, RevisionEntry};
use crate::domain::content::RequestContent;
use crate::domain::diff;
use crate::domain::environment::Environment;
use crate::domain::lifecycle::State;
use crate::error::AppError;
use crate::server::{auth, requests};

/// Returns the organisation the caller may see connections of, or `None`
/// for staff, who see every connection.
pub async fn viewer_scope(pool: &PgPool) -> Result<Option<Uuid>, AppError> {
    let user = auth::require_user(pool).await?;
    if user.is_staff() {
        return Ok(None);
    }
    let member = auth::require_member(pool).await?;
    Ok(Some(member.organisation_id))
}

type EntryRow = (
    Uuid,
    i32,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Vec<String>,
);

/// Lists a connection's revisions, newest first, with the connection name.
async fn entries(
    pool: &PgPool,
    scope: Option<Uuid>,
    connection_id: Uuid,
) -> Result<(String, Vec<RevisionEntry>), AppError> {
    let name: Option<Option<String>> = sqlx::query_scalar(
        "SELECT name FROM connections WHERE id = $1 AND ($2::uuid IS NULL OR organisation_id = $2)",
    )
    .bind(connection_id)
    .bind(scope)
    .fetch_optional(pool)
    .await?;
    let name = name
        .ok_or_else(|| AppError::not_found("That connection request"))?
        .unwrap_or_else(|| "Untitled connection".into());
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT r.id, r.number, r.state, cu.display_name,
                to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), uu.display_name,
                to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                to_char(r.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                ARRAY(SELECT d.environment FROM deployments d WHERE d.revision_id = r.id ORDER BY d.environment DESC)
         FROM revisions r
         JOIN users cu ON cu.id = r.created_by
         JOIN users uu ON uu.id = r.updated_by
         WHERE r.connection_id = $1 ORDER BY r.number DESC",
    )
    .bind(connection_id)
    .fetch_all(pool)
    .await?;
    let mut revisions = Vec::with_capacity(rows.len());
    for (
        id,
        number,
        state,
        created_by,
        created_at,
        updated_by,
        updated_at,
        submitted_at,
        deployed,
    ) in rows
    {
        revisions.push(RevisionEntry {
            id,
            number,
            state: State::parse(&state).ok_or(AppError::Internal)?,
            created_by,
            created_at,
            updated_by,
            updated_at,
            submitted_at,
            deployed_in: deployed
                .iter()
                .filter_map(|e| Environment::parse(e))
                .collect(),
        });
    }
    Ok((name, revisions))
}

async fn content(pool: &PgPool, revision_id: Uuid) -> Result<RequestContent, AppError> {
    let content: Json<RequestContent> =
        sqlx::query_scalar("SELECT content FROM revisions WHERE id = $1")
            .bind(revision_id)
            .fetch_one(pool)
            .await?;
    Ok(content.0)
}

async fn diff_revisions(
    pool: &PgPool,
    from: Uuid,
    to: Uuid,
) -> Result<diff::RevisionDiff, AppError> {
    let old = content(pool, from).await?;
    let new = content(pool, to).await?;
    let catalogue = requests::load_catalogue(pool).await?;
    Ok(diff::diff(&old, &new, &catalogue))
}

fn pick(revisions: &[RevisionEntry], id: Uuid) -> Result<RevisionEntry, AppError> {
    revisions
        .iter()
        .find(|r| r.id == id)
        .cloned()
        .ok_or_else(|| {
            AppError::BadRequest(
                "That revision does not belong to this connection. Choose two revisions from its history."
                    .into(),
            )
        })
}

pub async fn load(
    pool: &PgPool,
    scope: Option<Uuid>,
    connection_id: Uuid,
    from: Option<Uuid>,
    to: Option<Uuid>,
) -> Result<ConnectionHistory, AppError> {
    let (connection_name, revisions) = entries(pool, scope, connection_id).await?;
    let to = match to {
        Some(id) => Some(pick(&revisions, id)?),
        None => revisions.first().cloned(),
    };
    let from = match from {
        Some(id) => Some(pick(&revisions, id)?),
        None => revisions.get(1).cloned(),
    };
    let comparison = match (from, to) {
        (Some(from), Some(to)) => Some(RevisionComparison {
            diff: diff_revisions(pool, from.id, to.id).await?,
            from,
            to,
        }),
        _ => None,
    };
    Ok(ConnectionHistory {
        connection_id,
        connection_name,
        revisions,
        comparison,
    })
}

/// Compares two revisions, which must belong to the same connection.
pub async fn compare(
    pool: &PgPool,
    scope: Option<Uuid>,
    from: Uuid,
    to: Uuid,
) -> Result<RevisionComparison, AppError> {
    let rows: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT r.id, r.connection_id FROM revisions r JOIN connections c ON c.id = r.connection_id
         WHERE r.id = ANY($1) AND ($2::uuid IS NULL OR c.organisation_id = $2)",
    )
    .bind(vec![from, to])
    .bind(scope)
    .fetch_all(pool)
    .await?;
    let connection_of = |id: Uuid| {
        rows.iter()
            .find(|(revision, _)| *revision == id)
            .map(|(_, connection)| *connection)
            .ok_or_else(|| AppError::not_found("That revision"))
    };
    let connection_id = connection_of(from)?;
    if connection_of(to)? != connection_id {
        return Err(AppError::BadRequest(
            "The two revisions belong to different connections. Choose two revisions of the same connection."
                .into(),
        ));
    }
    let (_, revisions) = entries(pool, scope, connection_id).await?;
    Ok(RevisionComparison {
        diff: diff_revisions(pool, from, to).await?,
        from: pick(&revisions, from)?,
        to: pick(&revisions, to)?,
    })
}

/// Compares a revision with the one deployed on live, or else on the
/// sandbox. Returns `None` when nothing is deployed or the revision is the
/// deployed one.
pub async fn against_deployed(
    pool: &PgPool,
    connection_id: Uuid,
    revision_id: Uuid,
) -> Result<Option<DeployedChanges>, AppError> {
    let deployed: Option<(String, Uuid, i32)> = sqlx::query_as(
        "SELECT environment, revision_id, revision_number FROM deployments
         WHERE connection_id = $1 ORDER BY environment = 'live' DESC LIMIT 1",
    )
    .bind(connection_id)
    .fetch_optional(pool)
    .await?;
    let Some((environment, deployed_id, deployed_number)) = deployed else {
        return Ok(None);
    };
    if deployed_id == revision_id {
        return Ok(None);
    }
    Ok(Some(DeployedChanges {
        environment: Environment::parse(&environment).ok_or(AppError::Internal)?,
        deployed_number,
        diff: diff_revisions(pool, deployed_id, revision_id).await?,
    }))
}
