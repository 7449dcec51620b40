//! Test harness: the real router on a random port with a fresh database.

#![allow(dead_code)]

use std::net::SocketAddr;

use leptos::prelude::LeptosOptions;
use reqwest::{Client, Response};
use serde_json::Value;
use sqlx::PgPool;

pub struct TestApp {
    pub address: String,
    pub pool: PgPool,
}

pub struct Browser {
    pub client: Client,
    pub base: String,
}

/// Creates the session table and builds the app's router on `pool`.
pub async fn router(pool: PgPool) -> axum::Router {
    tower_sessions_sqlx_store::PostgresStore::new(pool.clone())
        .migrate()
        .await
        .expect("session table");
    let options = LeptosOptions::builder()
        .output_name("connection-manager")
        .site_root("target/site")
        .build();
    server::startup::router(pool, options, false)
}

pub async fn spawn(pool: PgPool) -> TestApp {
    let router = router(pool.clone()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    TestApp { address, pool }
}

/// Password of the staff accounts that tests create.
pub const STAFF_PASSWORD: &str = "staff password 2026";

impl TestApp {
    /// Creates a staff reviewer and returns a browser signed in as them.
    pub async fn staff_browser(&self, email: &str, name: &str) -> Browser {
        self.staff_browser_as(email, name, "staff_reviewer").await
    }

    /// Creates a staff account with `role` (`staff_reviewer` or
    /// `operator_admin`) and returns a browser signed in as it.
    pub async fn staff_browser_as(&self, email: &str, name: &str, role: &str) -> Browser {
        server::demo::create_staff(&self.pool, email, name, STAFF_PASSWORD, role)
            .await
            .expect("staff account");
        let browser = self.browser();
        let login = browser
            .form("log_in", &[("email", email), ("password", STAFF_PASSWORD)])
            .await;
        assert!(
            login.status().is_success(),
            "staff sign-in failed: {}",
            login.status()
        );
        browser
    }

    pub fn browser(&self) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: self.address.clone(),
        }
    }
}

impl Browser {
    /// Calls a form-encoded server function from this site's origin.
    pub async fn form(&self, endpoint: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("Origin", &self.base)
            .form(fields)
            .send()
            .await
            .expect("request")
    }

    /// Calls a JSON server function from this site's origin.
    pub async fn json(&self, endpoint: &str, body: &Value) -> Response {
        self.client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("Origin", &self.base)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn sign_up(&self, organisation: &str, email: &str) {
        let response = self
            .form(
                "sign_up",
                &[
                    ("organisation_name", organisation),
                    ("display_name", "Test User"),
                    ("email", email),
                    ("password", "correct horse battery staple"),
                ],
            )
            .await;
        assert!(
            response.status().is_success(),
            "sign-up failed: {}",
            response.status()
        );
    }

    pub async fn create_connection(&self) -> String {
        let response = self.form("create_connection", &[]).await;
        assert!(
            response.status().is_success(),
            "create failed: {}",
            response.status()
        );
        let id: String = response.json().await.expect("id");
        id
    }
}
