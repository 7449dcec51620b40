#![recursion_limit = "256"]

mod common;

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

async fn request_key(admin: &common::Browser, name: &str, environment: &str) -> Value {
    let response = admin
        .form(
            "request_api_key",
            &[("name", name), ("environment", environment)],
        )
        .await;
    assert_eq!(response.status(), 200, "request_api_key");
    response.json().await.unwrap()
}

async fn whoami(app: &common::TestApp, key: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/api/v1/whoami", app.address))
        .header("Authorization", format!("Bearer {key}"))
        .send()
        .await
        .unwrap()
}

async fn rotate(admin: &common::Browser, key_id: &str, hours: &str) -> reqwest::Response {
    admin
        .form(
            "rotate_api_key",
            &[("key_id", key_id), ("overlap_hours", hours)],
        )
        .await
}

async fn audit_actions(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_events WHERE action LIKE 'api_key.%' ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn sandbox_key_issued_at_once(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin.sign_up("Keys Org", "admin@keys.example").await;
    let issued = request_key(&admin, "Billing service", "sandbox").await;
    assert_eq!(issued["status"], "active");
    let key = issued["key"].as_str().unwrap();
    assert!(key.starts_with("cmk_sandbox_"), "{key}");

    let response = whoami(&app, key).await;
    assert_eq!(response.status(), 200);
    let owner: Value = response.json().await.unwrap();
    assert_eq!(owner["organisation_name"], "Keys Org");
    assert_eq!(owner["environment"], "sandbox");
    assert_eq!(owner["key_prefix"], issued["prefix"]);

    let list: Value = admin.form("list_api_keys", &[]).await.json().await.unwrap();
    let listed = &list["keys"][0];
    assert_eq!(listed["state"], "active");
    assert_eq!(listed["prefix"], issued["prefix"]);
    assert!(listed["last_used_at"].is_string(), "last use recorded");
    assert!(
        !list.to_string().contains(key),
        "the list never contains the key"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn key_stored_only_as_hash(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin.sign_up("Hash Org", "admin@hash.example").await;
    let issued = request_key(&admin, "Hash check", "sandbox").await;
    let key = issued["key"].as_str().unwrap();
    let secret_part = &key["cmk_sandbox_".len()..];

    let rows: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT key_hash, prefix FROM api_keys")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
    let (hash, prefix) = &rows[0];
    assert_eq!(hash.as_deref().unwrap().len(), 64, "SHA-256 hex");
    assert!(!hash.as_deref().unwrap().contains(secret_part));
    assert!(!prefix.as_deref().unwrap().contains(secret_part));
    let dump: String =
        sqlx::query_scalar("SELECT string_agg(a::text, ' ') FROM (SELECT * FROM api_keys) a")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!dump.contains(secret_part), "no table column holds the key");
    let audit: String = sqlx::query_scalar("SELECT string_agg(after::text, ' ') FROM audit_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        !audit.contains(secret_part),
        "the audit trail never holds the key"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn live_key_waits_for_staff(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin.sign_up("Live Org", "admin@live.example").await;
    let staff = app.staff_browser("staff@op.example", "Staff").await;
    let requested = request_key(&admin, "Live service", "live").await;
    assert_eq!(requested["status"], "pending");
    assert!(requested["key"].is_null(), "no key before approval");
    let key_id = requested["id"].as_str().unwrap();

    let early = admin.form("show_api_key", &[("key_id", key_id)]).await;
    assert_eq!(early.status(), 409);
    let self_approve = admin
        .form(
            "decide_api_key",
            &[("key_id", key_id), ("decision", "approve")],
        )
        .await;
    assert_eq!(self_approve.status(), 403, "subscribers cannot approve");

    let pending: Value = staff
        .form("pending_api_keys", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pending[0]["id"], key_id);
    assert_eq!(pending[0]["organisation_name"], "Live Org");
    let approve = staff
        .form(
            "decide_api_key",
            &[("key_id", key_id), ("decision", "approve")],
        )
        .await;
    assert_eq!(approve.status(), 200);

    let shown: Value = admin
        .form("show_api_key", &[("key_id", key_id)])
        .await
        .json()
        .await
        .unwrap();
    let key = shown["key"].as_str().unwrap();
    assert!(key.starts_with("cmk_live_"), "{key}");
    let owner: Value = whoami(&app, key).await.json().await.unwrap();
    assert_eq!(owner["environment"], "live");

    let again = admin.form("show_api_key", &[("key_id", key_id)]).await;
    assert_eq!(again.status(), 409, "a key is shown once");

    let notified: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE u.staff_role IS NOT NULL AND n.link = '/staff/api-keys'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(notified, 1, "staff are told about the live key request");
}

#[sqlx::test(migrations = "../migrations")]
async fn declined_live_key_never_issued(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin.sign_up("Decline Org", "admin@decline.example").await;
    let requested = request_key(&admin, "Live service", "live").await;
    let key_id = requested["id"].as_str().unwrap();
    let staff = app.staff_browser("staff@op.example", "Staff").await;
    let without_reason = staff
        .form(
            "decide_api_key",
            &[("key_id", key_id), ("decision", "decline")],
        )
        .await;
    assert_eq!(without_reason.status(), 422);
    let decline = staff
        .form(
            "decide_api_key",
            &[
                ("key_id", key_id),
                ("decision", "decline"),
                ("reason", "Finish sandbox testing first"),
            ],
        )
        .await;
    assert_eq!(decline.status(), 200);
    let show = admin.form("show_api_key", &[("key_id", key_id)]).await;
    assert_eq!(show.status(), 409);
    let list: Value = admin.form("list_api_keys", &[]).await.json().await.unwrap();
    assert_eq!(list["keys"][0]["state"], "declined");
    assert_eq!(
        list["keys"][0]["decision_reason"],
        "Finish sandbox testing first"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn rotation_keeps_both_keys_during_overlap(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin.sign_up("Rotate Org", "admin@rotate.example").await;
    let first = request_key(&admin, "Rotating", "sandbox").await;
    let old_key = first["key"].as_str().unwrap().to_string();
    let old_id = first["id"].as_str().unwrap().to_string();

    let response = rotate(&admin, &old_id, "24").await;
    assert_eq!(response.status(), 200);
    let second: Value = response.json().await.unwrap();
    let new_key = second["key"].as_str().unwrap().to_string();
    assert_ne!(new_key, old_key);
    assert!(second["replaced_key_expires_at"].is_string());

    assert_eq!(
        whoami(&app, &old_key).await.status(),
        200,
        "old key in overlap"
    );
    assert_eq!(whoami(&app, &new_key).await.status(), 200, "new key");

    let again = rotate(&admin, &old_id, "24").await;
    assert_eq!(again.status(), 409, "a rotated key cannot be rotated again");

    // The overlap ends.
    sqlx::query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1::uuid")
        .bind(&old_id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        whoami(&app, &old_key).await.status(),
        StatusCode::UNAUTHORIZED,
        "old key after the overlap"
    );
    assert_eq!(
        whoami(&app, &new_key).await.status(),
        200,
        "new key after the overlap"
    );

    let list: Value = admin.form("list_api_keys", &[]).await.json().await.unwrap();
    let states: Vec<&str> = list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["state"].as_str().unwrap())
        .collect();
    assert!(states.contains(&"expired"), "{states:?}");
    assert!(states.contains(&"active"), "{states:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn zero_overlap_stops_old_key_at_once(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin.sign_up("Zero Org", "admin@zero.example").await;
    let first = request_key(&admin, "Zero", "sandbox").await;
    let old_key = first["key"].as_str().unwrap();
    let response = rotate(&admin, first["id"].as_str().unwrap(), "0").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        whoami(&app, old_key).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn overlap_bounds_are_enforced(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin.sign_up("Bounds Org", "admin@bounds.example").await;
    let first = request_key(&admin, "Bounds", "sandbox").await;
    let key_id = first["id"].as_str().unwrap();

    let too_long = rotate(&admin, key_id, "744").await;
    assert_eq!(too_long.status(), 422, "31 days is rejected");
    let body = too_long.text().await.unwrap();
    assert!(body.contains("overlap_hours"), "{body}");
    assert!(body.contains("at most 720 hours"), "{body}");

    let not_a_number = rotate(&admin, key_id, "a day").await;
    assert_eq!(not_a_number.status(), 422);

    let thirty_days = rotate(&admin, key_id, "720").await;
    assert_eq!(thirty_days.status(), 200, "30 days is allowed");
}

#[sqlx::test(migrations = "../migrations")]
async fn revoke_stops_key_at_once(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin.sign_up("Revoke Org", "admin@revoke.example").await;
    let issued = request_key(&admin, "Revoked soon", "sandbox").await;
    let key = issued["key"].as_str().unwrap();
    let key_id = issued["id"].as_str().unwrap();
    assert_eq!(whoami(&app, key).await.status(), 200);

    let revoke = admin.form("revoke_api_key", &[("key_id", key_id)]).await;
    assert_eq!(revoke.status(), 200);
    assert_eq!(whoami(&app, key).await.status(), StatusCode::UNAUTHORIZED);

    let rotate_revoked = rotate(&admin, key_id, "24").await;
    assert_eq!(rotate_revoked.status(), 409);
    let body = rotate_revoked.text().await.unwrap();
    assert!(body.contains("revoked"), "{body}");

    let revoke_again = admin.form("revoke_api_key", &[("key_id", key_id)]).await;
    assert_eq!(revoke_again.status(), 409);
}

#[sqlx::test(migrations = "../migrations")]
async fn whoami_rejects_missing_and_unknown_keys(pool: PgPool) {
    let app = common::spawn(pool).await;
    let client = reqwest::Client::new();
    let missing = client
        .get(format!("{}/api/v1/whoami", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    let unknown = whoami(&app, "cmk_sandbox_not-a-real-key").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn non_admin_cannot_manage_keys(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin.sign_up("Roles Org", "admin@roles.example").await;
    let issued = request_key(&admin, "Admin's key", "sandbox").await;
    let key_id = issued["id"].as_str().unwrap();

    let user = app.browser();
    user.sign_up("Roles Org Two", "user@roles.example").await;
    // Make the second account a plain user of the first organisation only.
    sqlx::query(
        "UPDATE memberships SET organisation_id = (SELECT organisation_id FROM memberships m
             JOIN users u ON u.id = m.user_id WHERE u.email = 'admin@roles.example'),
             role = 'subscriber_user'
         WHERE user_id = (SELECT id FROM users WHERE email = 'user@roles.example')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let user = app.browser();
    let login = user
        .form(
            "log_in",
            &[
                ("email", "user@roles.example"),
                ("password", "correct horse battery staple"),
            ],
        )
        .await;
    assert_eq!(login.status(), 200);

    assert_eq!(user.form("list_api_keys", &[]).await.status(), 403);
    let request = user
        .form(
            "request_api_key",
            &[("name", "Mine"), ("environment", "sandbox")],
        )
        .await;
    assert_eq!(request.status(), 403);
    assert_eq!(rotate(&user, key_id, "24").await.status(), 403);
    let revoke = user.form("revoke_api_key", &[("key_id", key_id)]).await;
    assert_eq!(revoke.status(), 403);
    assert_eq!(user.form("pending_api_keys", &[]).await.status(), 403);
    assert_eq!(
        whoami(&app, issued["key"].as_str().unwrap()).await.status(),
        200
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn other_organisation_cannot_touch_keys(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let owner = app.browser();
    owner.sign_up("Owner Org", "owner@keys.example").await;
    let issued = request_key(&owner, "Owner's key", "sandbox").await;
    let key_id = issued["id"].as_str().unwrap();

    let intruder = app.browser();
    intruder
        .sign_up("Intruder Org", "intruder@keys.example")
        .await;
    assert_eq!(rotate(&intruder, key_id, "24").await.status(), 404);
    let revoke = intruder.form("revoke_api_key", &[("key_id", key_id)]).await;
    assert_eq!(revoke.status(), 404);
    let show = intruder.form("show_api_key", &[("key_id", key_id)]).await;
    assert_eq!(show.status(), 404);
    let list: Value = intruder
        .form("list_api_keys", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["keys"], serde_json::json!([]));
    assert_eq!(
        whoami(&app, issued["key"].as_str().unwrap()).await.status(),
        200
    );

    let visitor = app.browser();
    assert_eq!(visitor.form("list_api_keys", &[]).await.status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn key_events_are_audited_and_notified(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin.sign_up("Audit Org", "admin@audit.example").await;
    let issued = request_key(&admin, "Audited", "sandbox").await;
    let rotated: Value = rotate(&admin, issued["id"].as_str().unwrap(), "1")
        .await
        .json()
        .await
        .unwrap();
    let revoke = admin
        .form(
            "revoke_api_key",
            &[("key_id", rotated["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(revoke.status(), 200);
    assert_eq!(
        audit_actions(&pool).await,
        [
            "api_key.requested",
            "api_key.issued",
            "api_key.rotated",
            "api_key.revoked"
        ]
    );
    let organisation: Option<uuid::Uuid> = sqlx::query_scalar(
        "SELECT organisation_id FROM audit_events WHERE action = 'api_key.rotated'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(organisation.is_some(), "events name the organisation");

    let messages: Vec<String> = sqlx::query_scalar(
        "SELECT message FROM notifications WHERE link = '/organisation/api-keys' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[1].contains("rotated"), "{messages:?}");
    assert!(messages[2].contains("revoked"), "{messages:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn keys_page_shows_prefix_not_key(pool: PgPool) {
    let app = common::spawn(pool).await;
    let admin = app.browser();
    admin.sign_up("Page Org", "admin@page.example").await;
    let issued = request_key(&admin, "Page key", "sandbox").await;
    let page = admin
        .client
        .get(format!("{}/organisation/api-keys", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Page key"), "the key is listed");
    assert!(
        html.contains(issued["prefix"].as_str().unwrap()),
        "the prefix is shown"
    );
    assert!(
        !html.contains(issued["key"].as_str().unwrap()),
        "the key itself is not"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn operator_admin_may_revoke_any_key(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let admin = app.browser();
    admin
        .sign_up("Subscriber Org", "admin@subscriber.example")
        .await;
    let issued = request_key(&admin, "Exposed key", "sandbox").await;
    let key_id = issued["id"].as_str().unwrap();

    let reviewer = app.staff_browser("reviewer@op.example", "Reviewer").await;
    let by_reviewer = reviewer.form("revoke_api_key", &[("key_id", key_id)]).await;
    assert_eq!(by_reviewer.status(), 403, "staff reviewers cannot revoke");
    assert_eq!(rotate(&reviewer, key_id, "24").await.status(), 403);

    let operator = app
        .staff_browser_as("operator@op.example", "Operator", "operator_admin")
        .await;
    let revoke = operator.form("revoke_api_key", &[("key_id", key_id)]).await;
    assert_eq!(revoke.status(), 200);
    let key = issued["key"].as_str().unwrap();
    assert_eq!(whoami(&app, key).await.status(), StatusCode::UNAUTHORIZED);
}
