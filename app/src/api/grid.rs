//! The connections grid: one page of an organisation's connections, or of
//! every organisation's submitted connections for staff.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::grid::{self, DeployedRevision, GridQuery, RowAction};
use crate::domain::lifecycle::{Role, State};
use crate::error::AppError;

/// One connection as the grid shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridRow {
    pub connection_id: Uuid,
    pub name: String,
    pub organisation_name: String,
    /// Number of the working revision.
    pub revision_number: i32,
    pub state: State,
    /// Save counter of the working revision, needed to withdraw a
    /// promotion request.
    pub version: i32,
    /// `YYYY-MM-DD HH:MM` UTC.
    pub updated_at: String,
    pub updated_by: String,
    /// Some revision was submitted, or the connection has more than one.
    pub ever_submitted: bool,
    pub deployed: Vec<DeployedRevision>,
    /// Whole days since the working revision was submitted, or last
    /// changed when it never was.
    pub age_days: i32,
}

impl GridRow {
    pub fn deployment_summary(&self) -> String {
        grid::deployment_summary(&self.deployed, self.revision_number, self.state)
    }

    pub fn actions(&self, role: Role) -> Vec<RowAction> {
        grid::row_actions(self.state, role, self.ever_submitted)
    }
}

/// One page of the grid, with the parameters that produced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridPage {
    pub rows: Vec<GridRow>,
    /// Rows that match the filters, on all pages.
    pub total: i64,
    /// The parameters applied. The page is lowered to the last page when
    /// the requested one is past the end.
    pub query: GridQuery,
    /// The caller's role, which decides the row actions.
    pub role: Role,
}

/// Lists one page of the current organisation's connections.
#[server(endpoint = "connection_grid")]
pub async fn connection_grid(
    page: Option<String>,
    page_size: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    state: Option<String>,
    env: Option<String>,
    q: Option<String>,
) -> Result<GridPage, AppError> {
    use crate::domain::grid::{GridParams, Scope};
    use crate::server::{auth, grid, state::pool};
    let params = GridParams {
        page,
        page_size,
        sort,
        dir,
        state,
        env,
        q,
    };
    let query = GridQuery::parse(&params, Scope::Organisation)?;
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    grid::page(&pool, Some(member.organisation_id), query, member.role).await
}

/// Lists one page of every organisation's submitted connections, for
/// staff.
#[server(endpoint = "staff_grid")]
pub async fn staff_grid(
    page: Option<String>,
    page_size: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    state: Option<String>,
    env: Option<String>,
    q: Option<String>,
) -> Result<GridPage, AppError> {
    use crate::domain::grid::{GridParams, Scope};
    use crate::server::{auth, grid, state::pool};
    let params = GridParams {
        page,
        page_size,
        sort,
        dir,
        state,
        env,
        q,
    };
    let query = GridQuery::parse(&params, Scope::Staff)?;
    let pool = pool()?;
    let user = auth::require_staff(&pool).await?;
    let role = user.staff_role.unwrap_or(Role::StaffReviewer);
    grid::page(&pool, None, query, role).await
}
