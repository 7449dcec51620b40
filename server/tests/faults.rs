#![recursion_limit = "256"]

//! Fault tests: a database outage and a graceful shutdown.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// How long the app's pool waits for a connection in these tests.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// A TCP proxy in front of the test's Postgres server that can be cut:
/// when down, its listener is closed (new connections are refused) and
/// every connection it forwards is closed.
struct DatabaseProxy {
    address: SocketAddr,
    up: watch::Sender<bool>,
}

impl DatabaseProxy {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let address = listener.local_addr().expect("proxy address");
        let (up, _) = watch::channel(true);
        let mut state = up.subscribe();
        tokio::spawn(async move {
            let mut listener = Some(listener);
            loop {
                let Some(current) = listener.take() else {
                    // Down: wait to be restored, then listen on the same port.
                    if state.wait_for(|up| *up).await.is_err() {
                        return;
                    }
                    listener = Some(TcpListener::bind(address).await.expect("rebind proxy"));
                    continue;
                };
                let forwarded = state.clone();
                tokio::select! {
                    accepted = current.accept() => {
                        if let Ok((client, _)) = accepted {
                            tokio::spawn(forward(client, upstream, forwarded));
                        }
                        listener = Some(current);
                    }
                    changed = state.wait_for(|up| !*up) => {
                        if changed.is_err() {
                            return;
                        }
                        drop(current);
                    }
                }
            }
        });
        DatabaseProxy { address, up }
    }

    fn cut(&self) {
        self.up.send_replace(false);
    }

    fn restore(&self) {
        self.up.send_replace(true);
    }
}

async fn forward(mut client: TcpStream, upstream: SocketAddr, mut state: watch::Receiver<bool>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = state.wait_for(|up| !*up) => {}
    }
}

/// Builds a pool like the app's, whose connections go through `proxy`.
async fn pool_through(proxy: &DatabaseProxy, test_pool: &PgPool) -> PgPool {
    let options = test_pool
        .connect_options()
        .as_ref()
        .clone()
        .host(&proxy.address.ip().to_string())
        .port(proxy.address.port());
    PgPoolOptions::new()
        .max_connections(5)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await
        .expect("pool through the proxy")
}

async fn upstream_address(test_pool: &PgPool) -> SocketAddr {
    let options = test_pool.connect_options();
    let host = options.get_host().to_string();
    let port = options.get_port();
    let mut addresses = tokio::net::lookup_host((host.as_str(), port))
        .await
        .expect("database host");
    addresses.next().expect("database address")
}

#[sqlx::test(migrations = "../migrations")]
async fn database_outage_gives_503_then_recovers(pool: PgPool) {
    let proxy = DatabaseProxy::start(upstream_address(&pool).await).await;
    let app = common::spawn(pool_through(&proxy, &pool).await).await;
    let browser = app.browser();
    browser.sign_up("Org", "outage@org.example").await;
    let id = browser.create_connection().await;
    assert_eq!(browser.form("list_connections", &[]).await.status(), 200);

    let visitor = app.browser();
    proxy.cut();
    let started = Instant::now();
    let calls = [
        browser.form("list_connections", &[]),
        browser.form("current_user", &[]),
        visitor.form(
            "log_in",
            &[("email", "outage@org.example"), ("password", "x")],
        ),
    ];
    for (index, response) in futures_join(calls).await.into_iter().enumerate() {
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_eq!(status, 503, "call {index} during the outage: {body}");
        assert!(
            body.contains("Unavailable"),
            "call {index} during the outage: {body}"
        );
    }
    let save = browser
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": { "connection": { "name": "During outage" } } }),
        )
        .await;
    assert_eq!(save.status(), 503);
    let elapsed = started.elapsed();
    assert!(
        elapsed < 2 * ACQUIRE_TIMEOUT + Duration::from_secs(3),
        "requests during the outage took {elapsed:?}"
    );
    let page = browser
        .client
        .get(format!("{}/connections", browser.base))
        .timeout(ACQUIRE_TIMEOUT + Duration::from_secs(5))
        .send()
        .await
        .expect("the page answers during the outage");
    assert_ne!(page.status(), 500, "a database outage is not a 500");

    tokio::time::sleep(Duration::from_secs(3).saturating_sub(started.elapsed())).await;
    proxy.restore();

    // The pool replaces its dead connections without a restart.
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut status = 0;
    while Instant::now() < deadline {
        status = browser
            .form("list_connections", &[])
            .await
            .status()
            .as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, 200, "the app did not recover after the outage");
    let save = browser
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": { "connection": { "name": "After outage" } } }),
        )
        .await;
    assert_eq!(
        save.status(),
        200,
        "the save during the outage changed nothing"
    );
}

/// Awaits three requests at once.
async fn futures_join<F: std::future::Future>(calls: [F; 3]) -> [F::Output; 3] {
    let [first, second, third] = calls;
    let (first, second, third) = tokio::join!(first, second, third);
    [first, second, third]
}

#[sqlx::test(migrations = "../migrations")]
async fn shutdown_finishes_in_flight_request(pool: PgPool) {
    let router = common::router(pool.clone()).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::startup::serve_until(listener, router, async {
        let _ = stopped.await;
    }));

    let browser = common::Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client"),
        base: format!("http://{address}"),
    };
    browser.sign_up("Org", "shutdown@org.example").await;
    let id = browser.create_connection().await;

    // A row lock held by the test makes the save wait inside the server.
    let mut lock = pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM revisions FOR UPDATE")
        .execute(&mut *lock)
        .await
        .unwrap();
    let save = tokio::spawn(async move {
        browser
            .json(
                "save_request",
                &json!({ "connection_id": id, "version": 1, "content": { "connection": { "name": "In flight" } } }),
            )
            .await
    });
    let mut waiting = false;
    for _ in 0..100 {
        waiting = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                            WHERE datname = current_database() AND wait_event_type = 'Lock')",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if waiting {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(waiting, "the save never reached the row lock");

    stop.send(()).unwrap();
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(address).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "new connections are still accepted after shutdown");
    assert!(
        !server.is_finished(),
        "the server stopped before the save ended"
    );

    lock.rollback().await.unwrap();
    let response = tokio::time::timeout(Duration::from_secs(10), save)
        .await
        .expect("the in-flight save finished")
        .unwrap();
    assert_eq!(response.status(), 200);
    let ack: serde_json::Value = response.json().await.unwrap();
    assert_eq!(ack["version"], 2);
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stopped after the last response")
        .unwrap()
        .expect("serve");
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM connections")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("In flight"));
}
