//! The operator's JSON API, authenticated with an API key sent as
//! `Authorization: Bearer <key>`.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use app::server::api_keys;
use app::server::state::AppState;

use crate::middleware::error_response;

/// Returns the organisation and environment of the key that authenticates
/// the request, and records the key's use.
pub async fn whoami(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(key) = bearer_key(&headers) else {
        return unauthorised("Send an API key as 'Authorization: Bearer <key>'.");
    };
    match api_keys::authenticate(&state.pool, key).await {
        Ok(Some(owner)) => Json(owner).into_response(),
        Ok(None) => unauthorised(
            "This API key is not valid: it is unknown, revoked, or expired after rotation.",
        ),
        Err(error) => error_response(&error),
    }
}

fn bearer_key(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

fn unauthorised(message: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
        Json(serde_json::json!({ "error": message })),
    )
        .into_response()
}
