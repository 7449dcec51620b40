#![recursion_limit = "256"]

mod common;

use serde_json::json;
use sqlx::PgPool;

async fn version(pool: &PgPool) -> String {
    let version: i32 =
        sqlx::query_scalar("SELECT version FROM revisions ORDER BY number DESC LIMIT 1")
            .fetch_one(pool)
            .await
            .unwrap();
    version.to_string()
}

async fn staff_action(
    staff: &common::Browser,
    pool: &PgPool,
    id: &str,
    action: &str,
) -> reqwest::StatusCode {
    let current = version(pool).await;
    staff
        .form(
            "decide",
            &[
                ("connection_id", id),
                ("action", action),
                ("version", current.as_str()),
            ],
        )
        .await
        .status()
}

/// A subscriber's request approved and deployed to the sandbox.
async fn deployed(app: &common::TestApp) -> (common::Browser, common::Browser, String) {
    let subscriber = app.browser();
    subscriber.sign_up("Org", "owner@org.example").await;
    let id = subscriber.create_connection().await;
    let content = json!({ "technical": { "sandbox": { "ip_ranges": ["192.0.2.10"], "callback_url": "https://sandbox.org.example/cb", "return_to_urls": [] } } });
    let saved = subscriber
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": content }),
        )
        .await;
    assert_eq!(saved.status(), 200);
    sqlx::query("UPDATE revisions SET state = 'requested', ever_submitted = true")
        .execute(&app.pool)
        .await
        .unwrap();
    let staff = app.staff_browser("staff@op.example", "Staff").await;
    for action in ["start_review", "approve", "deploy_to_sandbox"] {
        assert_eq!(
            staff_action(&staff, &app.pool, &id, action).await,
            200,
            "{action}"
        );
    }
    (subscriber, staff, id)
}

#[sqlx::test(migrations = "../migrations")]
async fn credentials_are_shown_once(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, _, id) = deployed(&app).await;

    let list: serde_json::Value = subscriber
        .form("list_deployments", &[("connection_id", id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["environment"], "sandbox");
    assert!(list[0]["nid"].as_i64().unwrap() > 100_000);
    assert_eq!(list[0]["whitelisted"][0], "192.0.2.10");

    let first = subscriber
        .form(
            "reveal_credentials",
            &[("connection_id", id.as_str()), ("environment", "sandbox")],
        )
        .await;
    assert_eq!(first.status(), 200);
    let secrets: serde_json::Value = first.json().await.unwrap();
    let token = secrets["connection_token"].as_str().unwrap().to_string();

    let second = subscriber
        .form(
            "reveal_credentials",
            &[("connection_id", id.as_str()), ("environment", "sandbox")],
        )
        .await;
    assert_eq!(second.status(), 409);

    let stored: Vec<String> = sqlx::query_scalar("SELECT secret_hash FROM credentials")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(
        stored.iter().all(|hash| !hash.contains(&token[4..])),
        "only hashes are stored"
    );
    let list: serde_json::Value = subscriber
        .form("list_deployments", &[("connection_id", id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["token_last_four"], token[token.len() - 4..]);
}

#[sqlx::test(migrations = "../migrations")]
async fn other_organisation_cannot_reveal(pool: PgPool) {
    let app = common::spawn(pool).await;
    let (_, _, id) = deployed(&app).await;
    let intruder = app.browser();
    intruder.sign_up("Intruder", "intruder@example.org").await;
    let reveal = intruder
        .form(
            "reveal_credentials",
            &[("connection_id", id.as_str()), ("environment", "sandbox")],
        )
        .await;
    assert_eq!(reveal.status(), 404);
    let list: serde_json::Value = intruder
        .form("list_deployments", &[("connection_id", id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]));
}

#[sqlx::test(migrations = "../migrations")]
async fn promotion_to_live_and_suspension(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, staff, id) = deployed(&app).await;

    let missing = subscriber
        .form(
            "request_promotion",
            &[
                ("connection_id", id.as_str()),
                ("version", &version(&pool).await),
                ("test_summary", " "),
            ],
        )
        .await;
    assert_eq!(missing.status(), 422);
    let requested = subscriber
        .form(
            "request_promotion",
            &[
                ("connection_id", id.as_str()),
                ("version", &version(&pool).await),
                ("test_summary", "All 42 sandbox tests pass."),
            ],
        )
        .await;
    assert_eq!(requested.status(), 200);

    // A double click sends the same version twice: the second one loses.
    let loaded = version(&pool).await;
    let fields = [
        ("connection_id", id.as_str()),
        ("action", "promote"),
        ("version", loaded.as_str()),
    ];
    let (first, second) =
        tokio::join!(staff.form("decide", &fields), staff.form("decide", &fields));
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let live: i64 =
        sqlx::query_scalar("SELECT count(*) FROM deployments WHERE environment = 'live'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(live, 1, "no duplicate deployment");

    let reveal = subscriber
        .form(
            "reveal_credentials",
            &[("connection_id", id.as_str()), ("environment", "live")],
        )
        .await;
    assert_eq!(reveal.status(), 200);
    assert_eq!(staff_action(&staff, &pool, &id, "suspend").await, 200);
    let disabled: i64 =
        sqlx::query_scalar("SELECT count(*) FROM credentials WHERE disabled_at IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(disabled, 2);
    assert_eq!(staff_action(&staff, &pool, &id, "reinstate").await, 200);
    let disabled: i64 =
        sqlx::query_scalar("SELECT count(*) FROM credentials WHERE disabled_at IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(disabled, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn edit_of_live_keeps_deployment(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, staff, id) = deployed(&app).await;
    let edit = subscriber
        .form("edit_request", &[("connection_id", id.as_str())])
        .await;
    assert!(edit.status().is_success(), "{}", edit.status());
    let revisions: Vec<(i32, String)> =
        sqlx::query_as("SELECT number, state FROM revisions ORDER BY number")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        revisions,
        vec![(1, "sandbox".to_string()), (2, "draft".to_string())]
    );
    let deployed_revision: i32 = sqlx::query_scalar("SELECT revision_number FROM deployments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(deployed_revision, 1);
    assert_eq!(
        staff_action(&staff, &pool, &id, "deploy_to_sandbox").await,
        409
    );
}

async fn rotate(browser: &common::Browser, id: &str, overlap_hours: &str) -> reqwest::Response {
    browser
        .form(
            "rotate_client_secret",
            &[
                ("connection_id", id),
                ("environment", "sandbox"),
                ("overlap_hours", overlap_hours),
            ],
        )
        .await
}

async fn deployments(browser: &common::Browser, id: &str) -> serde_json::Value {
    browser
        .form("list_deployments", &[("connection_id", id)])
        .await
        .json()
        .await
        .unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn rotated_secret_overlaps_then_expires(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, _, id) = deployed(&app).await;

    let early = rotate(&subscriber, &id, "24").await;
    assert_eq!(early.status(), 409);
    assert!(early
        .text()
        .await
        .unwrap()
        .contains("Show the credentials once"));

    let revealed: serde_json::Value = subscriber
        .form(
            "reveal_credentials",
            &[("connection_id", id.as_str()), ("environment", "sandbox")],
        )
        .await
        .json()
        .await
        .unwrap();
    let first = revealed["client_secret"].as_str().unwrap().to_string();

    for (overlap, message) in [
        ("721", "at most 720 hours"),
        ("a day", "whole number of hours"),
        ("-1", "whole number of hours"),
    ] {
        let rejected = rotate(&subscriber, &id, overlap).await;
        assert_eq!(rejected.status(), 422, "{overlap}");
        assert!(
            rejected.text().await.unwrap().contains(message),
            "{overlap}"
        );
    }

    let rotated = rotate(&subscriber, &id, "24").await;
    assert_eq!(rotated.status(), 200);
    let rotated: serde_json::Value = rotated.json().await.unwrap();
    let second = rotated["client_secret"].as_str().unwrap().to_string();
    assert!(second.starts_with("cms_"), "{second}");
    assert_ne!(second, first);
    assert_eq!(rotated["old_last_four"], first[first.len() - 4..]);
    let hours_left = count(
        &pool,
        "SELECT round(extract(epoch FROM expires_at - now()) / 3600)::bigint FROM credentials
         WHERE kind = 'client_secret' AND expires_at IS NOT NULL",
    )
    .await;
    assert_eq!(hours_left, 24, "the old secret works for the overlap");
    let stored: Vec<String> = sqlx::query_scalar("SELECT secret_hash FROM credentials")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        stored.iter().all(|hash| !hash.contains(&second[4..])),
        "only hashes are stored"
    );

    let list = deployments(&subscriber, &id).await;
    assert_eq!(list[0]["secret_last_four"], second[second.len() - 4..]);
    assert_eq!(
        list[0]["retiring_secret"]["last_four"],
        first[first.len() - 4..]
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'credentials.secret_rotated'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM notifications WHERE message LIKE '%rotated the sandbox client secret%'"
        )
        .await,
        1
    );

    // A second rotation with no overlap stops both older secrets now.
    assert_eq!(rotate(&subscriber, &id, "0").await.status(), 200);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM credentials WHERE kind = 'client_secret' AND expires_at <= now()"
        )
        .await,
        2
    );
    assert_eq!(
        app::server::deployments::record_expired_secrets(&pool)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        app::server::deployments::record_expired_secrets(&pool)
            .await
            .unwrap(),
        0,
        "each expiry is recorded once"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'credentials.secret_expired'"
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM email_outbox WHERE body LIKE '%stopped working%'"
        )
        .await,
        2
    );
    let list = deployments(&subscriber, &id).await;
    assert_eq!(list[0]["retiring_secret"], serde_json::Value::Null);
}

#[sqlx::test(migrations = "../migrations")]
async fn suspended_secret_cannot_rotate(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, _, id) = deployed(&app).await;
    let revealed = subscriber
        .form(
            "reveal_credentials",
            &[("connection_id", id.as_str()), ("environment", "sandbox")],
        )
        .await;
    assert_eq!(revealed.status(), 200);
    // Only a live connection can be suspended; this one is in the
    // sandbox, so the suspension is written as staff would leave it.
    sqlx::query("UPDATE revisions SET state = 'suspended'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE credentials SET disabled_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let rejected = rotate(&subscriber, &id, "24").await;
    assert_eq!(rejected.status(), 409);
    assert!(rejected.text().await.unwrap().contains("suspended"));
    let list = deployments(&subscriber, &id).await;
    assert_eq!(list[0]["disabled"], true);
}
