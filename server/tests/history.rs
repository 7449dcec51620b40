#![recursion_limit = "256"]

mod common;

use serde_json::{json, Value};
use sqlx::PgPool;

async fn save(browser: &common::Browser, pool: &PgPool, id: &str, content: Value) {
    let version: i32 = sqlx::query_scalar(
        "SELECT version FROM revisions WHERE connection_id = $1::uuid ORDER BY number DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap();
    let saved = browser
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": version, "content": content }),
        )
        .await;
    assert_eq!(saved.status(), 200, "save_request");
}

fn content(fields: Value) -> Value {
    json!({
        "connection": { "name": "Blue Badge renewal" },
        "data": [{ "dataset": "field_ds_personal_details", "fields": fields }],
        "use_cases": [{ "title": "Check eligibility", "fields": ["field_personal_fname"],
                        "lawful_basis": "public_task", "retention": "6 months" }],
        "technical": { "sandbox": { "ip_ranges": ["192.0.2.10"],
                                    "callback_url": "https://sandbox.org.example/cb", "return_to_urls": [] } }
    })
}

/// Creates a connection deployed to the sandbox at revision 1, then edits
/// it into a revision 2 that adds the date of birth.
async fn two_revisions(app: &common::TestApp) -> (common::Browser, String) {
    let subscriber = app.browser();
    subscriber
        .sign_up("History Org", "owner@history.example")
        .await;
    let id = subscriber.create_connection().await;
    save(
        &subscriber,
        &app.pool,
        &id,
        content(json!({ "field_personal_fname": "r" })),
    )
    .await;
    sqlx::query("UPDATE revisions SET state = 'requested', ever_submitted = true")
        .execute(&app.pool)
        .await
        .unwrap();
    let staff = app.staff_browser("staff@op.example", "Staff").await;
    for action in ["start_review", "approve", "deploy_to_sandbox"] {
        let version: i32 = sqlx::query_scalar("SELECT version FROM revisions")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let version = version.to_string();
        let decided = staff
            .form(
                "decide",
                &[
                    ("connection_id", id.as_str()),
                    ("action", action),
                    ("version", version.as_str()),
                ],
            )
            .await;
        assert_eq!(decided.status(), 200, "{action}");
    }
    let edit = subscriber
        .form("edit_request", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(edit.status(), 200, "edit_request");
    save(
        &subscriber,
        &app.pool,
        &id,
        content(json!({ "field_personal_fname": "r", "field_personal_dob": "r" })),
    )
    .await;
    (subscriber, id)
}

async fn revision_ids(pool: &PgPool, connection_id: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT id::text FROM revisions WHERE connection_id = $1::uuid ORDER BY number",
    )
    .bind(connection_id)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn history_lists_revisions_with_authors(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, id) = two_revisions(&app).await;
    let history: Value = subscriber
        .form("revision_history", &[("connection_id", id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["connection_name"], "Blue Badge renewal");
    let revisions = history["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0]["number"], 2, "newest first");
    assert_eq!(revisions[0]["state"], "draft");
    assert_eq!(revisions[0]["created_by"], "Test User");
    assert_eq!(revisions[1]["deployed_in"], json!(["sandbox"]));
    let comparison = &history["comparison"];
    assert_eq!(comparison["from"]["number"], 1, "default from previous");
    assert_eq!(comparison["to"]["number"], 2, "default to latest");
}

#[sqlx::test(migrations = "../migrations")]
async fn diff_lists_added_field_and_reconsent(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, id) = two_revisions(&app).await;
    let ids = revision_ids(&pool, &id).await;
    let response = subscriber
        .form(
            "compare_revisions",
            &[
                ("from_revision", ids[0].as_str()),
                ("to_revision", ids[1].as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let comparison: Value = response.json().await.unwrap();
    let changes = comparison["diff"]["changes"].as_array().unwrap();
    let added = changes
        .iter()
        .find(|c| c["kind"]["kind"] == "field_added")
        .expect("a field_added change");
    assert_eq!(added["kind"]["field"], "field_personal_dob");
    assert_eq!(added["kind"]["label"], "Date of birth");
    assert_eq!(added["reconsent"], true);
    assert_eq!(added["reason"], "more_data");

    // The other way round, the field is removed and needs no re-consent.
    let reverse: Value = subscriber
        .form(
            "compare_revisions",
            &[
                ("from_revision", ids[1].as_str()),
                ("to_revision", ids[0].as_str()),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let changes = reverse["diff"]["changes"].as_array().unwrap();
    assert!(changes.iter().any(|c| c["kind"]["kind"] == "field_removed"));
    assert!(changes.iter().all(|c| c["reconsent"] == false));
}

#[sqlx::test(migrations = "../migrations")]
async fn review_shows_diff_against_deployed(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_, id) = two_revisions(&app).await;
    let staff = app.browser();
    let login = staff
        .form(
            "log_in",
            &[
                ("email", "staff@op.example"),
                ("password", common::STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(login.status(), 200);
    let review: Value = staff
        .form("review_request", &[("connection_id", id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    let deployed = &review["deployed_changes"];
    assert_eq!(deployed["environment"], "sandbox");
    assert_eq!(deployed["deployed_number"], 1);
    let changes = deployed["diff"]["changes"].as_array().unwrap();
    assert!(changes
        .iter()
        .any(|c| c["kind"]["field"] == "field_personal_dob" && c["reconsent"] == true));
}

#[sqlx::test(migrations = "../migrations")]
async fn diff_across_connections_is_rejected(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, id) = two_revisions(&app).await;
    let other = subscriber.create_connection().await;
    let ids = revision_ids(&pool, &id).await;
    let other_ids = revision_ids(&pool, &other).await;
    let response = subscriber
        .form(
            "compare_revisions",
            &[
                ("from_revision", ids[0].as_str()),
                ("to_revision", other_ids[0].as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert!(body.contains("different connections"), "{body}");

    let page = subscriber
        .form(
            "revision_history",
            &[
                ("connection_id", id.as_str()),
                ("from", other_ids[0].as_str()),
            ],
        )
        .await;
    assert_eq!(page.status(), 400);
}

#[sqlx::test(migrations = "../migrations")]
async fn other_organisation_cannot_see_history(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_, id) = two_revisions(&app).await;
    let ids = revision_ids(&pool, &id).await;
    let intruder = app.browser();
    intruder
        .sign_up("Intruder", "intruder@history.example")
        .await;
    let history = intruder
        .form("revision_history", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(history.status(), 404);
    let compare = intruder
        .form(
            "compare_revisions",
            &[
                ("from_revision", ids[0].as_str()),
                ("to_revision", ids[1].as_str()),
            ],
        )
        .await;
    assert_eq!(compare.status(), 404);
    let visitor = app.browser();
    let anonymous = visitor
        .form("revision_history", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(anonymous.status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn history_page_renders_diff(pool: PgPool) {
    let app = common::spawn(pool).await;
    let (subscriber, id) = two_revisions(&app).await;
    let page = subscriber
        .client
        .get(format!("{}/connections/{id}/history", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Changes from revision 1 to revision 2"),
        "{html}"
    );
    assert!(
        html.contains("Field &#x27;Date of birth&#x27; added")
            || html.contains("Field 'Date of birth' added")
    );
    assert!(html.contains("Members must re-consent."));
}
