//! Settings from environment variables, each with a working local default.

use std::net::SocketAddr;

/// The database used when `DATABASE_URL` is not set: the local Postgres.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/connection_manager";

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// Marks the session cookie `Secure`. Set `SECURE_COOKIES=true` when the
    /// app is served over https (directly or behind a proxy).
    pub secure_cookies: bool,
    /// Load demo organisations and users when the database has no users.
    pub seed_demo: bool,
    /// The SMTP server for notification emails, such as
    /// `smtp://127.0.0.1:2525`. Without one, emails are logged.
    pub smtp_url: Option<String>,
    /// The sender of notification emails.
    pub mail_from: String,
    /// The app's address as users reach it, used in email links.
    pub public_url: String,
}

/// The sender used when `MAIL_FROM` is not set.
pub const DEFAULT_MAIL_FROM: &str = "Connection Manager <no-reply@connection-manager.localhost>";

impl Config {
    pub fn from_env(site_addr: SocketAddr) -> Self {
        Self {
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string()),
            site_addr,
            secure_cookies: env_flag("SECURE_COOKIES"),
            seed_demo: env_flag("SEED_DEMO"),
            smtp_url: std::env::var("SMTP_URL")
                .ok()
                .filter(|v| !v.trim().is_empty()),
            mail_from: std::env::var("MAIL_FROM").unwrap_or_else(|_| DEFAULT_MAIL_FROM.to_string()),
            public_url: std::env::var("PUBLIC_URL")
                .unwrap_or_else(|_| format!("http://{site_addr}")),
        }
    }
}

/// Returns true when the variable is `1`, `true` or `yes`.
pub fn env_flag(name: &str) -> bool {
    std::env::var(name)
        .map(|v| matches!(v.as_str(), "1" | "true" | "yes"))
        .unwrap_or(false)
}
