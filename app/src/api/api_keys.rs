//! API keys for the operator's API: organisation admins request, show,
//! rotate and revoke them; staff approve or decline live keys.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::api_keys::{KeyDisplayState, KeyStatus};
use crate::domain::environment::Environment;
use crate::error::AppError;

/// A key as listed to its organisation: never the key itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: Uuid,
    pub name: String,
    pub environment: Environment,
    pub state: KeyDisplayState,
    /// The first characters of the key, `None` until it is issued.
    pub prefix: Option<String>,
    pub requested_by: String,
    /// `YYYY-MM-DD HH:MM` UTC, like every time below.
    pub requested_at: String,
    pub last_used_at: Option<String>,
    /// End of the overlap of a rotated key.
    pub expires_at: Option<String>,
    pub decision_reason: Option<String>,
    pub can_rotate: bool,
    pub can_revoke: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyList {
    pub organisation_name: String,
    pub keys: Vec<ApiKeyView>,
}

/// The reply to a request, show or rotate. `key` is the plain key, present
/// only in the one response that issues it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedApiKey {
    pub id: Uuid,
    pub name: String,
    pub environment: Environment,
    pub status: KeyStatus,
    pub key: Option<String>,
    pub prefix: Option<String>,
    /// After a rotation: when the replaced key stops working.
    pub replaced_key_expires_at: Option<String>,
}

/// A live key waiting for a staff decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingApiKey {
    pub id: Uuid,
    pub organisation_name: String,
    pub name: String,
    pub requested_by: String,
    pub requested_at: String,
}

/// The owner of a valid key, as returned by `GET /api/v1/whoami`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyOwner {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub environment: Environment,
    pub key_name: String,
    pub key_prefix: String,
}

#[server(endpoint = "list_api_keys")]
pub async fn list_api_keys() -> Result<ApiKeyList, AppError> {
    use crate::server::{api_keys, auth, state::pool};
    let pool = pool()?;
    let member = auth::require_member_admin(&pool).await?;
    api_keys::list(&pool, member.organisation_id).await
}

/// Requests a key. A sandbox key is issued at once; a live key waits for
/// staff approval.
#[server(endpoint = "request_api_key")]
pub async fn request_api_key(
    name: String,
    environment: Environment,
) -> Result<IssuedApiKey, AppError> {
    use crate::domain::api_keys::check_name;
    use crate::server::{api_keys, auth, state::pool};
    let pool = pool()?;
    let member = auth::require_member_admin(&pool).await?;
    let name = check_name(&name).map_err(|message| AppError::field("name", message))?;
    api_keys::request(&pool, &member, &name, environment).await
}

/// Issues an approved live key and returns it, once.
#[server(endpoint = "show_api_key")]
pub async fn show_api_key(key_id: Uuid) -> Result<IssuedApiKey, AppError> {
    use crate::server::{api_keys, auth, state::pool};
    let pool = pool()?;
    let member = auth::require_member_admin(&pool).await?;
    api_keys::show(&pool, &member, key_id).await
}

/// Issues a successor key; the old one keeps working for `overlap_hours`
/// (blank means the default of 24).
#[server(endpoint = "rotate_api_key")]
pub async fn rotate_api_key(key_id: Uuid, overlap_hours: String) -> Result<IssuedApiKey, AppError> {
    use crate::domain::rotation::parse_overlap;
    use crate::server::{api_keys, auth, state::pool};
    let pool = pool()?;
    let member = auth::require_member_admin(&pool).await?;
    let overlap = parse_overlap(&overlap_hours)
        .map_err(|message| AppError::field("overlap_hours", message))?;
    api_keys::rotate(&pool, &member, key_id, overlap).await
}

/// Revokes a key at once. Organisation admins revoke their own keys;
/// operator admins may revoke any key.
#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(key_id: Uuid) -> Result<(), AppError> {
    use crate::domain::lifecycle::Role;
    use crate::server::{api_keys, auth, state::pool};
    let pool = pool()?;
    let user = auth::require_user(&pool).await?;
    if user.staff_role == Some(Role::OperatorAdmin) {
        return api_keys::revoke(&pool, &user, None, key_id).await;
    }
    let member = auth::require_member_admin(&pool).await?;
    api_keys::revoke(&pool, &member.user, Some(member.organisation_id), key_id).await
}

#[server(endpoint = "pending_api_keys")]
pub async fn pending_api_keys() -> Result<Vec<PendingApiKey>, AppError> {
    use crate::server::{api_keys, auth, state::pool};
    let pool = pool()?;
    auth::require_staff(&pool).await?;
    api_keys::pending(&pool).await
}

/// Approves or declines a live key request. `decision` is `approve` or
/// `decline`; a reason is required to decline.
#[server(endpoint = "decide_api_key")]
pub async fn decide_api_key(
    key_id: Uuid,
    decision: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{api_keys, auth, state::pool};
    let pool = pool()?;
    let staff = auth::require_staff(&pool).await?;
    let approve = match decision.as_str() {
        "approve" => true,
        "decline" => false,
        other => {
            return Err(AppError::BadRequest(format!(
                "Unknown decision {other:?}: use approve or decline."
            )))
        }
    };
    let reason = reason.unwrap_or_default();
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Enter the reason for declining, so the subscriber knows what to change",
        ));
    }
    if reason.chars().count() > crate::server::review::MAX_REASON_CHARS {
        return Err(AppError::field(
            "reason",
            format!(
                "Shorten the reason to at most {} characters",
                crate::server::review::MAX_REASON_CHARS
            ),
        ));
    }
    api_keys::decide(&pool, &staff, key_id, approve, reason).await
}
