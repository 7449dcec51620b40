//! The Connection Manager HTTP server: the Leptos app, its server
//! functions, sessions and the middleware around them.

#![recursion_limit = "256"]

pub mod api_v1;
pub mod cli;
pub mod config;
pub mod demo;
pub mod middleware;
pub mod outbox;
pub mod startup;
pub mod telemetry;
