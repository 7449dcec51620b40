#![recursion_limit = "256"]

mod common;

use sqlx::PgPool;

/// Returns the token at the end of an invitation link.
async fn invite(browser: &common::Browser, email: &str) -> String {
    let response = browser.form("invite_user", &[("email", email)]).await;
    assert_eq!(response.status(), 200);
    let link: String = response.json().await.unwrap();
    link.rsplit('/').next().unwrap().to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn invited_user_joins_organisation(pool: PgPool) {
    let app = common::spawn(pool).await;
    let admin = app.browser();
    admin
        .sign_up("Inviting Org", "admin@inviting.example")
        .await;
    let token = invite(&admin, "new@inviting.example").await;

    let newcomer = app.browser();
    let details: serde_json::Value = newcomer
        .form("invitation_details", &[("token", token.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(details["organisation_name"], "Inviting Org");
    let accept = newcomer
        .form(
            "accept_invitation",
            &[
                ("token", token.as_str()),
                ("display_name", "New Person"),
                ("password", "another long passphrase"),
            ],
        )
        .await;
    assert!(accept.status().is_success(), "{}", accept.status());

    let me: serde_json::Value = newcomer
        .form("current_user", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["organisations"][0]["name"], "Inviting Org");
    assert_eq!(me["organisations"][0]["role"], "subscriber_user");

    let reused = app
        .browser()
        .form("invitation_details", &[("token", token.as_str())])
        .await;
    assert_eq!(reused.status(), 404, "an invitation works once");
}

#[sqlx::test(migrations = "../migrations")]
async fn members_cannot_invite_or_remove(pool: PgPool) {
    let app = common::spawn(pool).await;
    let admin = app.browser();
    admin.sign_up("Org", "admin@org.example").await;
    let token = invite(&admin, "member@org.example").await;
    let member = app.browser();
    member
        .form(
            "accept_invitation",
            &[
                ("token", token.as_str()),
                ("display_name", "Member"),
                ("password", "another long passphrase"),
            ],
        )
        .await;

    let invite_attempt = member
        .form("invite_user", &[("email", "third@org.example")])
        .await;
    assert_eq!(invite_attempt.status(), 403);
    let admin_id: serde_json::Value = admin.form("current_user", &[]).await.json().await.unwrap();
    let remove_attempt = member
        .form(
            "remove_user",
            &[("user_id", admin_id["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(remove_attempt.status(), 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_cannot_remove_other_organisations_users(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let first = app.browser();
    first.sign_up("First", "first@one.example").await;
    let second = app.browser();
    second.sign_up("Second", "second@two.example").await;
    let victim: serde_json::Value = second.form("current_user", &[]).await.json().await.unwrap();

    let response = first
        .form(
            "remove_user",
            &[("user_id", victim["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(response.status(), 404);
    let memberships: i64 = sqlx::query_scalar("SELECT count(*) FROM memberships")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(memberships, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn switching_to_foreign_organisation_fails(pool: PgPool) {
    let app = common::spawn(pool).await;
    let first = app.browser();
    first.sign_up("First", "a@one.example").await;
    let second = app.browser();
    second.sign_up("Second", "b@two.example").await;
    let other: serde_json::Value = second.form("current_user", &[]).await.json().await.unwrap();
    let foreign = other["organisations"][0]["id"].as_str().unwrap();

    let response = first
        .form("switch_organisation", &[("organisation_id", foreign)])
        .await;
    assert_eq!(response.status(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn user_switches_between_own_organisations(pool: PgPool) {
    let app = common::spawn(pool).await;
    let owner = app.browser();
    owner.sign_up("Second Org", "owner@second.example").await;
    let token = invite(&owner, "both@first.example").await;

    let both = app.browser();
    both.sign_up("First Org", "both@first.example").await;
    let accept = both
        .form(
            "accept_invitation",
            &[
                ("token", token.as_str()),
                ("password", "correct horse battery staple"),
            ],
        )
        .await;
    assert!(accept.status().is_success(), "{}", accept.status());

    let me: serde_json::Value = both.form("current_user", &[]).await.json().await.unwrap();
    let organisations = me["organisations"].as_array().unwrap();
    assert_eq!(organisations.len(), 2);
    let second = organisations
        .iter()
        .find(|o| o["name"] == "Second Org")
        .unwrap();
    let switched = both
        .form(
            "switch_organisation",
            &[("organisation_id", second["id"].as_str().unwrap())],
        )
        .await;
    assert!(switched.status().is_success());
    let me: serde_json::Value = both.form("current_user", &[]).await.json().await.unwrap();
    assert_eq!(me["current_organisation"], second["id"]);
}
