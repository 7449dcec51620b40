//! Deployments, credentials and promotion, from the subscriber's side.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::environment::Environment;
use crate::error::AppError;

/// A deployment without its secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentView {
    pub environment: Environment,
    pub revision_number: i32,
    pub nid: i64,
    pub client_id: String,
    pub api_base_url: String,
    pub callback_url: String,
    pub whitelisted: Vec<String>,
    pub deployed_at: String,
    /// `None` until the subscriber has opened the credentials.
    pub token_last_four: Option<String>,
    pub secret_last_four: Option<String>,
    /// The client secret replaced by the last rotation, while it still
    /// works: its last four characters and when it stops (UTC).
    pub retiring_secret: Option<RetiringSecret>,
    /// True while the connection is suspended.
    pub disabled: bool,
}

/// An old client secret that works until the end of its overlap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetiringSecret {
    pub last_four: String,
    pub expires_at: String,
}

/// A new client secret in plain text, returned once by a rotation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotatedSecret {
    pub environment: Environment,
    pub client_secret: String,
    /// The secret it replaces, which works until `old_expires_at` (UTC).
    pub old_last_four: String,
    pub old_expires_at: String,
}

/// Secrets in plain text, returned once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedSecrets {
    pub environment: Environment,
    pub connection_token: String,
    pub client_secret: String,
}

/// Maximum length of a promotion test summary, in characters.
pub const MAX_TEST_SUMMARY_CHARS: usize = 4_000;

#[server(endpoint = "list_deployments")]
pub async fn list_deployments(connection_id: Uuid) -> Result<Vec<DeploymentView>, AppError> {
    use crate::server::{auth, deployments, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    deployments::list(&pool, member.organisation_id, connection_id).await
}

#[server(endpoint = "reveal_credentials")]
pub async fn reveal_credentials(
    connection_id: Uuid,
    environment: Environment,
) -> Result<RevealedSecrets, AppError> {
    use crate::server::{auth, deployments, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    deployments::reveal(&pool, &member, connection_id, environment).await
}

/// Issues a new OAuth2 client secret for a deployment. The old one keeps
/// working for `overlap_hours` (blank means the default of 24, at most
/// 720). Organisation admins only.
#[server(endpoint = "rotate_client_secret")]
pub async fn rotate_client_secret(
    connection_id: Uuid,
    environment: Environment,
    overlap_hours: String,
) -> Result<RotatedSecret, AppError> {
    use crate::domain::rotation::parse_overlap;
    use crate::server::{auth, deployments, state::pool};
    let pool = pool()?;
    let member = auth::require_member_admin(&pool).await?;
    let overlap = parse_overlap(&overlap_hours)
        .map_err(|message| AppError::field("overlap_hours", message))?;
    deployments::rotate_secret(&pool, &member, connection_id, environment, overlap).await
}

/// Asks staff to promote the sandbox deployment to live.
#[server(endpoint = "request_promotion")]
pub async fn request_promotion(
    connection_id: Uuid,
    version: i32,
    test_summary: String,
) -> Result<(), AppError> {
    use crate::domain::lifecycle::Action;
    use crate::server::{auth, requests, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    let length = test_summary.chars().count();
    if length > MAX_TEST_SUMMARY_CHARS {
        return Err(AppError::field(
            "test_summary",
            format!("Shorten the test summary to at most {MAX_TEST_SUMMARY_CHARS} characters (it has {length})"),
        ));
    }
    requests::promotion(
        &pool,
        &member,
        connection_id,
        Action::RequestPromotion,
        version,
        &test_summary,
    )
    .await
}

#[server(endpoint = "withdraw_promotion")]
pub async fn withdraw_promotion(connection_id: Uuid, version: i32) -> Result<(), AppError> {
    use crate::domain::lifecycle::Action;
    use crate::server::{auth, requests, state::pool};
    let pool = pool()?;
    let member = auth::require_member(&pool).await?;
    requests::promotion(
        &pool,
        &member,
        connection_id,
        Action::WithdrawPromotion,
        version,
        "",
    )
    .await
}
