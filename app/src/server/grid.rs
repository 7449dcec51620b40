//! The grid query. Sorting and filtering come from a checked
//! [`GridQuery`], so the SQL text is built only from fixed fragments and
//! every user value is a bind parameter.

use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::api::grid::{GridPage, GridRow};
use crate::domain::environment::Environment;
use crate::domain::grid::{
    like_pattern, page_count, DeployedRevision, EnvironmentFilter, GridQuery, SortColumn,
};
use crate::domain::lifecycle::{Role, State};
use crate::error::AppError;

/// The tables every grid query reads: each connection with its working
/// revision (the highest number) and its deployments. The `LIMIT 1`
/// subqueries keep Postgres from turning the deployment lookups into hash
/// joins over the whole deployments table.
const FROM: &str = "
    FROM connections c
    JOIN organisations o ON o.id = c.organisation_id
    JOIN LATERAL (
        SELECT number, state, version, updated_at, updated_by, submitted_at, ever_submitted
        FROM revisions WHERE connection_id = c.id
        ORDER BY number DESC LIMIT 1
    ) r ON true
    LEFT JOIN LATERAL (
        SELECT id, revision_number FROM deployments
        WHERE connection_id = c.id AND environment = 'sandbox' LIMIT 1
    ) sd ON true
    LEFT JOIN LATERAL (
        SELECT id, revision_number FROM deployments
        WHERE connection_id = c.id AND environment = 'live' LIMIT 1
    ) ld ON true";

/// The grid's columns. A connection counts as submitted when its working
/// revision was, or when it has more than one revision, because only a
/// submitted revision gets a successor. So the older revisions need no
/// scan.
const COLUMNS: &str = "
    SELECT c.id, c.name, o.name, r.number, r.state, r.version,
           to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), u.display_name,
           r.number > 1 OR r.ever_submitted,
           sd.revision_number, ld.revision_number,
           extract(day FROM now() - coalesce(r.submitted_at, r.updated_at))::int,
           count(*) OVER ()";

type Row = (
    Uuid,
    Option<String>,
    String,
    i32,
    String,
    i32,
    String,
    String,
    bool,
    Option<i32>,
    Option<i32>,
    i32,
    i64,
);

/// Adds the WHERE clause: the organisation (or, for staff, connections
/// submitted at least once) and the query's filters.
fn push_filters<'a>(
    builder: &mut QueryBuilder<'a, Postgres>,
    organisation_id: Option<Uuid>,
    query: &'a GridQuery,
) {
    match organisation_id {
        Some(id) => {
            builder.push(" WHERE c.organisation_id = ").push_bind(id);
        }
        None => {
            builder.push(
                " WHERE EXISTS (SELECT 1 FROM revisions s WHERE s.connection_id = c.id AND s.ever_submitted)",
            );
        }
    }
    if let Some(filter) = query.state {
        let states: Vec<&str> = filter.states().into_iter().map(State::as_str).collect();
        builder
            .push(" AND r.state = ANY(")
            .push_bind(states)
            .push(")");
    }
    match query.environment {
        None => {}
        Some(EnvironmentFilter::DeployedTo(Environment::Sandbox)) => {
            builder.push(" AND sd.id IS NOT NULL");
        }
        Some(EnvironmentFilter::DeployedTo(Environment::Live)) => {
            builder.push(" AND ld.id IS NOT NULL");
        }
        Some(EnvironmentFilter::NotDeployed) => {
            builder.push(" AND sd.id IS NULL AND ld.id IS NULL");
        }
    }
    if !query.search.is_empty() {
        builder
            .push(" AND c.name ILIKE ")
            .push_bind(like_pattern(&query.search))
            .push(" ESCAPE '\\'");
    }
}

/// Returns the ORDER BY clause. Every order ends with the connection id,
/// so pages neither repeat nor skip rows that tie.
fn order_by(query: &GridQuery) -> String {
    let dir = match query.direction {
        crate::domain::grid::SortDirection::Ascending => "ASC",
        crate::domain::grid::SortDirection::Descending => "DESC",
    };
    let states = State::ALL
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let key = match query.sort {
        SortColumn::Name => format!("lower(c.name) {dir} NULLS LAST"),
        SortColumn::State => format!("array_position(ARRAY[{states}], r.state) {dir}"),
        SortColumn::Deployed => {
            format!("coalesce(ld.revision_number, 0) {dir}, coalesce(sd.revision_number, 0) {dir}")
        }
        SortColumn::Updated => format!("r.updated_at {dir}"),
        SortColumn::Organisation => format!("lower(o.name) {dir}"),
    };
    format!(" ORDER BY {key}, c.id {dir}")
}

fn page_query<'a>(
    prefix: &str,
    organisation_id: Option<Uuid>,
    query: &'a GridQuery,
) -> QueryBuilder<'a, Postgres> {
    let mut builder = QueryBuilder::new(prefix);
    builder.push(COLUMNS);
    builder.push(FROM);
    builder.push(" JOIN users u ON u.id = r.updated_by");
    push_filters(&mut builder, organisation_id, query);
    builder.push(order_by(query));
    builder
        .push(" LIMIT ")
        .push_bind(i64::from(query.page_size))
        .push(" OFFSET ")
        .push_bind(query.offset());
    builder
}

/// Returns one page of the grid. `organisation_id` is the caller's
/// organisation, or `None` for staff, who see every organisation's
/// connections that were submitted at least once.
pub async fn page(
    pool: &PgPool,
    organisation_id: Option<Uuid>,
    mut query: GridQuery,
    role: Role,
) -> Result<GridPage, AppError> {
    // Each row carries the number of matching rows, so one query serves
    // a page inside the range. A page past the end comes back empty and
    // is moved to the last page.
    let mut rows = read_page(pool, organisation_id, &query).await?;
    let mut total = rows.first().map_or(0, |row| row.12);
    if rows.is_empty() && query.page > 1 {
        let mut count = QueryBuilder::new("SELECT count(*)");
        count.push(FROM);
        push_filters(&mut count, organisation_id, &query);
        total = count.build_query_scalar().fetch_one(pool).await?;
        query.page = query.page.min(page_count(total, query.page_size));
        rows = read_page(pool, organisation_id, &query).await?;
    }
    let rows = rows.into_iter().filter_map(to_row).collect();
    Ok(GridPage {
        rows,
        total,
        query,
        role,
    })
}

async fn read_page(
    pool: &PgPool,
    organisation_id: Option<Uuid>,
    query: &GridQuery,
) -> Result<Vec<Row>, AppError> {
    Ok(page_query("", organisation_id, query)
        .build_query_as()
        .fetch_all(pool)
        .await?)
}

/// Returns the plan of the page query, from `EXPLAIN (FORMAT JSON)`, so
/// tests can check which indexes it uses.
pub async fn explain_page(
    pool: &PgPool,
    organisation_id: Option<Uuid>,
    query: &GridQuery,
) -> Result<serde_json::Value, AppError> {
    let plan: serde_json::Value = page_query("EXPLAIN (FORMAT JSON) ", organisation_id, query)
        .build_query_scalar()
        .fetch_one(pool)
        .await?;
    Ok(plan)
}

fn to_row(row: Row) -> Option<GridRow> {
    let (
        connection_id,
        name,
        organisation_name,
        revision_number,
        state,
        version,
        updated_at,
        updated_by,
        ever_submitted,
        sandbox_revision,
        live_revision,
        age_days,
        _total,
    ) = row;
    let Some(state) = State::parse(&state) else {
        tracing::error!(connection_id = %connection_id, "working revision has an unknown state");
        return None;
    };
    let deployed = [
        (Environment::Sandbox, sandbox_revision),
        (Environment::Live, live_revision),
    ]
    .into_iter()
    .filter_map(|(environment, number)| {
        number.map(|revision_number| DeployedRevision {
            environment,
            revision_number,
        })
    })
    .collect();
    Some(GridRow {
        connection_id,
        name: name.unwrap_or_else(|| "Untitled connection".into()),
        organisation_name,
        revision_number,
        state,
        version,
        updated_at,
        updated_by,
        ever_submitted,
        deployed,
        age_days,
    })
}
