//! Request checks and response fixes that apply to every route.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::error::AppError;

/// Rejects a state-changing request whose `Origin` (or, failing that,
/// `Referer`) is not this site. With `SameSite=Lax` cookies this stops
/// cross-site request forgery.
pub async fn check_origin(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match (host, source) {
        (Some(host), Some(source)) if same_host(source, host) => next.run(request).await,
        _ => {
            tracing::warn!(path = %request.uri().path(), "cross-site request rejected");
            let error = AppError::Forbidden(
                "This request came from another site and was rejected. Reload the page and try again.".into(),
            );
            error_response(&error)
        }
    }
}

/// Checks whether an `Origin` or `Referer` value names the host (with
/// port) that the request was sent to.
fn same_host(source: &str, host: &str) -> bool {
    let without_scheme = source
        .strip_prefix("https://")
        .or_else(|| source.strip_prefix("http://"));
    match without_scheme {
        Some(rest) => rest.split('/').next() == Some(host),
        None => false,
    }
}

pub fn error_response(error: &AppError) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(error).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Largest server function error body read back to find its status.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Server functions return every error with HTTP 500. This gives each
/// [`AppError`] its own status (422, 401, 403, 404, 409, 429, 400), so that
/// clients, logs and tests see a 4xx for a bad request.
pub async fn error_status(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The site's folder of built JS, WASM and CSS files.
pub const PKG_PREFIX: &str = "/pkg/";

/// Sets `Cache-Control`: files under `/pkg/` are cached for a year when
/// their names carry a content hash (`hashed`), and checked on every use
/// otherwise. Pages and server function results are never stored by shared
/// caches, because they hold the user's data.
pub async fn cache_control(hashed: bool, request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with(PKG_PREFIX);
    let mut response = next.run(request).await;
    let value = match (is_static, hashed) {
        (true, true) => "public, max-age=31536000, immutable",
        (true, false) => "no-cache",
        (false, _) => "private, no-cache",
    };
    if response.status().is_success() && !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static(value),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::same_host;

    #[test]
    fn same_host_matches_origin() {
        assert!(same_host("http://127.0.0.1:3000", "127.0.0.1:3000"));
        assert!(same_host("https://cm.example/path", "cm.example"));
    }

    #[test]
    fn same_host_rejects_other_sites() {
        assert!(!same_host("https://evil.example", "cm.example"));
        assert!(!same_host("https://cm.example.evil.example", "cm.example"));
        assert!(!same_host("null", "cm.example"));
        assert!(!same_host("http://127.0.0.1:3001", "127.0.0.1:3000"));
    }
}
