//! Server-only code: database access, sessions and authorisation.
//! Compiled only with the `ssr` feature.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod clone;
pub mod csp;
pub mod deployments;
pub mod grid;
pub mod history;
pub mod notify;
pub mod passwords;
pub mod requests;
pub mod review;
pub mod state;
pub mod tokens;
