//! The one error type that server functions return.
//!
//! Every variant carries words a user can act on. Database and other
//! internal errors become [`AppError::Internal`] after their cause is
//! logged on the server, so no internal text reaches the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A problem with one input, shown next to the field named by `field`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more inputs are invalid (HTTP 422).
    #[error("Check the highlighted answers and try again.")]
    Validation(Vec<FieldError>),
    /// No one is signed in (HTTP 401).
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// The signed-in user may not do this (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    /// The thing does not exist or is not visible to this user (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// The thing changed since the user loaded it (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts (HTTP 429).
    #[error("{0}")]
    Throttled(String),
    /// The request itself is malformed (HTTP 400).
    #[error("{0}")]
    BadRequest(String),
    /// The database cannot be reached, so nothing was read or changed; a
    /// retry may succeed (HTTP 503).
    #[error(
        "The service is unavailable for a moment. Nothing was changed; try again in a minute."
    )]
    Unavailable,
    /// Something failed on the server; the cause is in the server log (HTTP 500).
    #[error("Something went wrong on our side. Try again in a minute; if it keeps happening, contact the operator.")]
    Internal,
    /// The request did not reach the server or its reply could not be read.
    #[error("Could not reach the server. Check your connection and try again.")]
    Unreachable(String),
}

impl AppError {
    pub fn forbidden() -> Self {
        AppError::Forbidden("You do not have permission to do that.".into())
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(format!("{what} was not found. It may have been deleted, or it belongs to another organisation."))
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    /// Returns the HTTP status the server sends with this error.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::Throttled(_) => 429,
            AppError::BadRequest(_) => 400,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
            AppError::Unreachable(_) => 502,
        }
    }

    /// Returns the message for one field, when this is a validation error
    /// about it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// True when the server could not be reached, so a retry may succeed.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, AppError::Unreachable(_))
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The arguments could not be read: the client sent a malformed
            // or unexpected body.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::BadRequest(
                "The request could not be read. Reload the page and try again.".into(),
            ),
            ServerFnErrorErr::Request(detail) | ServerFnErrorErr::Response(detail) => {
                AppError::Unreachable(detail)
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if is_database_unreachable(&error) {
            tracing::warn!(error = %error, "database unreachable");
            return AppError::Unavailable;
        }
        tracing::error!(error = %error, "database error");
        AppError::Internal
    }
}

/// Checks whether a database error means the server could not be reached
/// or dropped the connection, rather than rejecting the query: pool
/// timeouts, socket errors, and Postgres SQLSTATE classes 08 (connection
/// exception) and 57P (operator intervention, such as a shutdown).
#[cfg(feature = "ssr")]
pub fn is_database_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(database) => database
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}
