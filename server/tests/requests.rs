#![recursion_limit = "256"]

mod common;

use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn save_bumps_version_and_rejects_stale(pool: PgPool) {
    let app = common::spawn(pool).await;
    let browser = app.browser();
    browser.sign_up("Org A", "a@example.org").await;
    let id = browser.create_connection().await;

    let content = json!({ "connection": { "name": "Blue Badge renewal" } });
    let first = browser
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": content }),
        )
        .await;
    assert_eq!(first.status(), 200);
    let ack: serde_json::Value = first.json().await.unwrap();
    assert_eq!(ack["version"], 2);

    let stale = browser
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": content }),
        )
        .await;
    assert_eq!(stale.status(), 409);

    let loaded: serde_json::Value = browser
        .form("load_request", &[("connection_id", id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        loaded["content"]["connection"]["name"],
        "Blue Badge renewal"
    );
    assert_eq!(loaded["version"], 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn other_organisation_cannot_touch_request(pool: PgPool) {
    let app = common::spawn(pool).await;
    let owner = app.browser();
    owner.sign_up("Owner", "owner@example.org").await;
    let id = owner.create_connection().await;

    let intruder = app.browser();
    intruder.sign_up("Intruder", "intruder@example.org").await;
    let load = intruder
        .form("load_request", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(load.status(), 404);
    let save = intruder
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": {} }),
        )
        .await;
    assert_eq!(save.status(), 404);
    for endpoint in ["submit_request", "edit_request", "delete_draft"] {
        let response = intruder
            .form(endpoint, &[("connection_id", id.as_str())])
            .await;
        assert_eq!(response.status(), 404, "{endpoint}");
    }
    let accept = intruder
        .form(
            "accept_terms",
            &[("connection_id", id.as_str()), ("terms_version", "1")],
        )
        .await;
    assert_eq!(accept.status(), 404);
    let list: Vec<serde_json::Value> = intruder
        .form("list_connections", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(list.is_empty());

    // The owner's draft is untouched.
    let loaded = owner
        .form("load_request", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(loaded.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn visitor_and_staff_are_denied(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let visitor = app.browser();
    assert_eq!(visitor.form("create_connection", &[]).await.status(), 401);
    assert_eq!(visitor.form("review_queue", &[]).await.status(), 401);
    assert_eq!(visitor.form("organisation_users", &[]).await.status(), 401);

    let staff = app.staff_browser("staff@operator.example", "Staff").await;
    assert_eq!(staff.form("create_connection", &[]).await.status(), 403);
    assert_eq!(staff.form("review_queue", &[]).await.status(), 200);

    let subscriber = app.browser();
    subscriber.sign_up("Org", "sub@example.org").await;
    assert_eq!(subscriber.form("review_queue", &[]).await.status(), 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn incomplete_request_cannot_be_submitted(pool: PgPool) {
    let app = common::spawn(pool).await;
    let browser = app.browser();
    browser.sign_up("Org", "submit@example.org").await;
    let id = browser.create_connection().await;
    let response = browser
        .form("submit_request", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("contacts.business.email"), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn submitted_request_is_read_only(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let browser = app.browser();
    browser.sign_up("Org", "readonly@example.org").await;
    let id = browser.create_connection().await;
    sqlx::query("UPDATE revisions SET state = 'requested', ever_submitted = true")
        .execute(&pool)
        .await
        .unwrap();

    let save = browser
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": {} }),
        )
        .await;
    assert_eq!(save.status(), 409);
    let delete = browser
        .form("delete_draft", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(delete.status(), 409);

    let edit = browser
        .form("edit_request", &[("connection_id", id.as_str())])
        .await;
    assert!(edit.status().is_success(), "{}", edit.status());
    let state: String = sqlx::query_scalar("SELECT state FROM revisions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "draft");
}

#[sqlx::test(migrations = "../migrations")]
async fn answer_over_field_limit_saves(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let browser = app.browser();
    browser.sign_up("Org", "long@example.org").await;
    let id = browser.create_connection().await;
    let description = "d".repeat(290);
    let response = browser
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": { "connection": { "name": "Long one", "member_description": description } } }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let stored: String = sqlx::query_scalar(
        "SELECT content->'connection'->>'member_description' FROM revisions WHERE connection_id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, description);
}

#[sqlx::test(migrations = "../migrations")]
async fn oversized_content_is_rejected(pool: PgPool) {
    let app = common::spawn(pool).await;
    let browser = app.browser();
    browser.sign_up("Org", "big@example.org").await;
    let id = browser.create_connection().await;
    let long_name = "x".repeat(app::domain::validation::limits::SAVED_TEXT + 1);
    let response = browser
        .json("save_request", &json!({ "connection_id": id, "version": 1, "content": { "connection": { "name": long_name } } }))
        .await;
    assert_eq!(response.status(), 422);
    let unknown = browser
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": { "surprise": true } }),
        )
        .await;
    assert_eq!(unknown.status(), 400);
}
