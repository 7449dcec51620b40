//! Connection requests: create, load, autosave, terms, submit, edit,
//! delete, clone.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::catalogue::Catalogue;
use crate::domain::content::RequestContent;
use crate::domain::lifecycle::State;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsAcceptance {
    pub version: i32,
    pub accepted_at: String,
    pub accepted_by: String,
}

/// Everything the wizard needs to show and edit one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestData {
    pub connection_id: Uuid,
    pub revision_id: Uuid,
    pub revision_number: i32,
    pub state: State,
    /// Save counter; a save must name the version it started from.
    pub version: i32,
    pub content: RequestContent,
    pub organisation_name: String,
    pub updated_at: String,
    pub updated_by: String,
    pub ever_submitted: bool,
    pub submitted_at: Option<String>,
    pub terms: Option<TermsAcceptance>,
    pub current_terms_version: i32,
    pub catalogue: Catalogue,
    /// Reviewers' comments and the reason for the last decision.
    pub feedback: crate::api::review::Feedback,
    /// Where revisions of this connection are deployed, without secrets.
    pub deployments: Vec<crate::api::deployments::DeploymentView>,
}

impl RequestData {
    pub fn is_editable(&self) -> bool {
        self.state == State::Draft
    }

    pub fn current_terms_accepted(&self) -> bool {
        self.terms
            .as_ref()
            .is_some_and(|t| t.version == self.current_terms_version)
    }
}

/// The server's reply to a save.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveAck {
    pub version: i32,
    /// `HH:MM` UTC.
    pub saved_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionSummary {
    pub connection_id: Uuid,
    pub name: String,
    pub revision_number: i32,
    pub state: State,
    pub updated_at: String,
    pub updated_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub version: i32,
    pub title: String,
    pub body: String,
    pub published_at: String,
}

#[server(endpoint = "terms")]
pub async fn current_terms() -> Result<Terms, AppError> {
    use crate::server::state::pool;
    let pool = pool()?;
    let (version, title, body, published_at): (i32, String, String, String) = sqlx::query_as(
        "SELECT version, title, body, to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
         FROM terms_versions ORDER BY version DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await?;
    Ok(Terms {
        version,
        title,
        body,
        published_at,
    })
}

/// Starts a new draft request, prefilled with the organisation's name.
#[server(endpoint = "create_connection")]
pub async fn create_connection() -> Result<Uuid, AppError> {
    use crate::server::{auth, requests, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    let connection_id = requests::create(&pool, &member, None).await?;
    leptos_axum::redirect(&format!("/connections/{connection_id}/organisation"));
    Ok(connection_id)
}

#[server(endpoint = "load_request")]
pub async fn load_request(connection_id: Uuid) -> Result<RequestData, AppError> {
    use crate::server::{auth, requests, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    requests::load(&pool, member.organisation_id, connection_id).await
}

/// Saves the whole content of the working draft. Fails with a conflict
/// when `version` is not the stored version, so two tabs or two
/// colleagues never overwrite each other silently.
#[server(endpoint = "save_request", input = Json)]
pub async fn save_request(
    connection_id: Uuid,
    version: i32,
    content: RequestContent,
) -> Result<SaveAck, AppError> {
    use crate::server::{auth, requests, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    requests::save(&pool, &member, connection_id, version, content).await
}

#[server(endpoint = "accept_terms")]
pub async fn accept_terms(
    connection_id: Uuid,
    terms_version: i32,
) -> Result<TermsAcceptance, AppError> {
    use crate::server::{auth, requests, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    requests::accept_terms(&pool, &member, connection_id, terms_version).await
}

#[server(endpoint = "submit_request")]
pub async fn submit_request(connection_id: Uuid) -> Result<(), AppError> {
    use crate::server::{auth, requests, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    requests::submit(&pool, &member, connection_id).await?;
    leptos_axum::redirect(&format!("/connections/{connection_id}/submitted"));
    Ok(())
}

/// Returns a submitted request to Draft so it can be changed.
#[server(endpoint = "edit_request")]
pub async fn edit_request(connection_id: Uuid) -> Result<(), AppError> {
    use crate::server::{auth, requests, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    requests::edit(&pool, &member, connection_id).await?;
    leptos_axum::redirect(&format!("/connections/{connection_id}"));
    Ok(())
}

#[server(endpoint = "delete_draft")]
pub async fn delete_draft(connection_id: Uuid) -> Result<(), AppError> {
    use crate::server::{auth, requests, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    requests::delete_draft(&pool, &member, connection_id).await?;
    leptos_axum::redirect("/connections");
    Ok(())
}

#[server(endpoint = "list_connections")]
pub async fn list_connections() -> Result<Vec<ConnectionSummary>, AppError> {
    use crate::server::{auth, requests, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    requests::list(&pool, member.organisation_id).await
}

/// Loads a request for the read-only and print views: a subscriber sees
/// their current organisation's requests, staff see any request.
#[server(endpoint = "view_request")]
pub async fn view_request(connection_id: Uuid) -> Result<RequestData, AppError> {
    use crate::server::{auth, requests, review, state::pool};
    let pool = pool()?;
    let user = auth::require_user(&pool).await?;
    let organisation_id = if user.is_staff() {
        review::organisation_of(&pool, connection_id).await?
    } else {
        auth::require_member(&pool).await?.organisation_id
    };
    requests::load(&pool, organisation_id, connection_id).await
}

/// Copies a connection's working revision into a new draft in
/// `organisation_id`, which may be the current organisation or another
/// one the user belongs to. An empty `name` becomes "Copy of" the
/// source's name. The new draft's organisation becomes the current one,
/// so that the wizard opens it.
#[server(endpoint = "clone_connection")]
pub async fn clone_connection(
    connection_id: Uuid,
    organisation_id: Uuid,
    name: String,
) -> Result<Uuid, AppError> {
    use crate::server::{auth, clone, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    let clone_id =
        clone::clone_connection(&pool, &member, connection_id, organisation_id, &name).await?;
    if organisation_id != member.organisation_id {
        let session = auth::session().await?;
        auth::set_organisation(&session, organisation_id).await?;
    }
    Ok(clone_id)
}
