//! Builds the router and runs the server.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Request};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::postgres::{PgPool, PgPoolOptions};
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use app::server::state::AppState;
use app::{shell, App};

use crate::{api_v1, middleware};

/// Largest request body accepted, in bytes. A full request with every
/// section filled is around 20 KB.
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// Sessions end after this long without a request. Requests push the
/// expiry back at most every `app::server::auth::EXPIRY_REFRESH_SECONDS`,
/// so a session may live up to that much longer.
pub const SESSION_IDLE_HOURS: i64 = 8;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub async fn create_database_if_missing(database_url: &str) -> Result<(), sqlx::Error> {
    use sqlx::migrate::MigrateDatabase;
    if !sqlx::Postgres::database_exists(database_url).await? {
        sqlx::Postgres::create_database(database_url).await?;
        tracing::info!("created the database");
    }
    Ok(())
}

pub async fn drop_database(database_url: &str) -> Result<(), sqlx::Error> {
    use sqlx::migrate::MigrateDatabase;
    if sqlx::Postgres::database_exists(database_url).await? {
        sqlx::Postgres::force_drop_database(database_url).await?;
    }
    Ok(())
}

pub async fn connect(database_url: &str) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(20)
        .acquire_timeout(Duration::from_secs(5))
        .connect(database_url)
        .await
}

/// Applies the app's migrations and creates the session table.
pub async fn migrate(pool: &PgPool) -> Result<(), Box<dyn std::error::Error>> {
    sqlx::migrate!("../migrations").run(pool).await?;
    PostgresStore::new(pool.clone()).migrate().await?;
    Ok(())
}

pub fn router(pool: PgPool, leptos_options: LeptosOptions, secure_cookies: bool) -> Router {
    let session_store = PostgresStore::new(pool.clone());
    let sessions = SessionManagerLayer::new(session_store)
        .with_name("cm_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(
            SESSION_IDLE_HOURS,
        )));

    let state = AppState {
        leptos_options: leptos_options.clone(),
        pool,
    };
    let hashed_files = leptos_options.hash_files;
    let routes = generate_route_list(App);
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let request_id = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %request_id)
    });

    let mut router = Router::new().route("/api/v1/whoami", axum::routing::get(api_v1::whoami));
    if crate::config::env_flag("BENCH_ROUTES") {
        router = router
            .route("/bench/plain/{bytes}", axum::routing::get(plain_page))
            .route(
                "/bench/signed-in/{bytes}",
                axum::routing::get(signed_in_page),
            );
    }
    router
        .leptos_routes(&state, routes, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .layer(axum::middleware::from_fn(middleware::error_status))
        .layer(axum::middleware::from_fn(middleware::check_origin))
        .layer(axum::middleware::from_fn(move |request, next| {
            middleware::cache_control(hashed_files, request, next)
        }))
        .layer(sessions)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
                // Brotli's default quality is 11, its slowest. At quality 5
                // the 3.5 MB WASM file compresses to 1.1 MB in about 0.14 s.
                .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
                // Pages set their own policy with a nonce; every other
                // response gets the one without.
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_str(&app::server::csp::policy(None))
                        .expect("the policy is a valid header value"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                )),
        )
}

/// Returns an HTML page of `bytes` bytes without touching the session or
/// the database: the baseline the benchmarks compare pages with. Served
/// only when `BENCH_ROUTES=true`.
async fn plain_page(
    axum::extract::Path(bytes): axum::extract::Path<usize>,
) -> axum::response::Html<String> {
    const HEAD: &str = "<!DOCTYPE html><html><body>";
    const TAIL: &str = "</body></html>";
    let filler = bytes.clamp(HEAD.len() + TAIL.len(), 1 << 20) - HEAD.len() - TAIL.len();
    axum::response::Html(format!("{HEAD}{}{TAIL}", "x".repeat(filler)))
}

/// Returns an HTML page of `bytes` bytes after doing only what every
/// signed-in page must: load the session, read its user from Postgres and
/// save the session with its new expiry. The benchmarks use it as the
/// ceiling for any page of a signed-in user. Served only when
/// `BENCH_ROUTES=true`.
async fn signed_in_page(
    axum::extract::State(state): axum::extract::State<AppState>,
    session: tower_sessions::Session,
    path: axum::extract::Path<usize>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match app::server::auth::user_of_session(&state.pool, &session).await {
        Ok(Some(_)) => plain_page(path).await.into_response(),
        Ok(None) => middleware::error_response(&app::error::AppError::Unauthenticated),
        Err(error) => {
            tracing::warn!(error = %error, "signed-in benchmark page failed");
            middleware::error_response(&error)
        }
    }
}

/// Serves until Ctrl-C or SIGTERM, then lets in-flight requests finish.
pub async fn serve(router: Router, address: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    tracing::info!(address = %address, "listening on http://{address}");
    serve_until(listener, router, shutdown_signal()).await
}

/// Serves on `listener` until `shutdown` completes. Then the listener is
/// closed, so new connections are refused, and this returns once every
/// request already in flight has had its response sent.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
