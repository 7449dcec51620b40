#![recursion_limit = "256"]

mod common;

use serde_json::json;
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::SessionStore;
use tower_sessions_sqlx_store::PostgresStore;

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_signs_in(pool: PgPool) {
    let app = common::spawn(pool).await;
    let browser = app.browser();
    browser
        .sign_up("Riverside Advice", "jo@riverside.example")
        .await;

    let me: serde_json::Value = browser
        .form("current_user", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "jo@riverside.example");
    assert_eq!(me["organisations"][0]["role"], "subscriber_admin");
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_rejects_duplicate_email(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    app.browser().sign_up("First", "dup@example.org").await;
    let response = app
        .browser()
        .form(
            "sign_up",
            &[
                ("organisation_name", "Second"),
                ("display_name", "Someone"),
                ("email", "DUP@example.org"),
                ("password", "correct horse battery staple"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let organisations: i64 = sqlx::query_scalar("SELECT count(*) FROM organisations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(organisations, 1, "no half-created organisation");
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_rejects_bad_fields(pool: PgPool) {
    let app = common::spawn(pool).await;
    let long_password = "x".repeat(1025);
    for (email, password) in [
        ("not-an-email", "correct horse battery staple"),
        ("ok@example.org", "short"),
        ("ok@example.org", long_password.as_str()),
        ("", ""),
    ] {
        let response = app
            .browser()
            .form(
                "sign_up",
                &[
                    ("organisation_name", "Org"),
                    ("display_name", "Name"),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(response.status(), 422, "email {email:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_rejects_missing_and_huge_bodies(pool: PgPool) {
    let app = common::spawn(pool).await;
    let browser = app.browser();
    let missing = browser
        .form("sign_up", &[("organisation_name", "Org")])
        .await;
    assert_eq!(missing.status(), 400);

    let huge = "a".repeat(10 * 1024 * 1024);
    let response = browser
        .form("sign_up", &[("organisation_name", huge.as_str())])
        .await;
    assert_eq!(response.status(), 413);
}

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_post_is_rejected(pool: PgPool) {
    let app = common::spawn(pool).await;
    let client = reqwest::Client::new();
    let forged = client
        .post(format!("{}/api/log_out", app.address))
        .header("Origin", "https://attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let no_origin = client
        .post(format!("{}/api/log_out", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(no_origin.status(), 403);
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cm_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

#[sqlx::test(migrations = "../migrations")]
async fn session_id_changes_at_sign_in(pool: PgPool) {
    let app = common::spawn(pool).await;
    app.browser().sign_up("Org", "rotate@example.org").await;

    let browser = app.browser();
    // A failed sign-in does not create a session, so plant one by visiting
    // a page that stores nothing, then sign in and compare cookies.
    let first = browser
        .form(
            "log_in",
            &[
                ("email", "rotate@example.org"),
                ("password", "correct horse battery staple"),
            ],
        )
        .await;
    let first_cookie = session_cookie(&first).expect("session cookie set at sign-in");
    assert!(first
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().contains("HttpOnly")));
    assert!(first
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().contains("SameSite=Lax")));
    let second = browser
        .form(
            "log_in",
            &[
                ("email", "rotate@example.org"),
                ("password", "correct horse battery staple"),
            ],
        )
        .await;
    let second_cookie = session_cookie(&second).expect("new session cookie at second sign-in");
    assert_ne!(first_cookie, second_cookie);
}

/// Loads the only stored session.
async fn only_session(pool: &PgPool) -> Record {
    let id: String = sqlx::query_scalar("SELECT id FROM tower_sessions.session")
        .fetch_one(pool)
        .await
        .expect("one stored session");
    PostgresStore::new(pool.clone())
        .load(&id.parse::<Id>().expect("session id"))
        .await
        .expect("session load")
        .expect("session found")
}

#[sqlx::test(migrations = "../migrations")]
async fn activity_pushes_session_expiry_back(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let browser = app.browser();
    browser.sign_up("Org", "idle@example.org").await;

    // Age the session: its expiry was last pushed back seven hours ago, so
    // one hour of the eight-hour idle timeout is left.
    let now = OffsetDateTime::now_utc();
    let mut record = only_session(&pool).await;
    record.data.insert(
        "refreshed_at".into(),
        json!((now - Duration::hours(7)).unix_timestamp()),
    );
    record.expiry_date = now + Duration::hours(1);
    PostgresStore::new(pool.clone())
        .save(&record)
        .await
        .expect("session save");

    let active = browser.form("current_user", &[]).await;
    assert_eq!(active.status(), 200);
    assert!(
        session_cookie(&active).is_some(),
        "the cookie is sent again with a new max age"
    );
    let pushed = only_session(&pool).await.expiry_date;
    assert!(
        pushed > now + Duration::hours(7) + Duration::minutes(55),
        "expiry pushed back to eight hours from now, found {pushed}"
    );

    let again = browser.form("current_user", &[]).await;
    assert_eq!(again.status(), 200);
    assert!(
        session_cookie(&again).is_none(),
        "a request soon after the push does not store the session"
    );
    assert_eq!(only_session(&pool).await.expiry_date, pushed);
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_are_throttled(pool: PgPool) {
    let app = common::spawn(pool).await;
    app.browser().sign_up("Org", "target@example.org").await;
    let browser = app.browser();
    for _ in 0..5 {
        let response = browser
            .form(
                "log_in",
                &[
                    ("email", "target@example.org"),
                    ("password", "wrong password"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
    }
    let throttled = browser
        .form(
            "log_in",
            &[
                ("email", "target@example.org"),
                ("password", "correct horse battery staple"),
            ],
        )
        .await;
    assert_eq!(throttled.status(), 429);
    let body = throttled.text().await.unwrap();
    assert!(body.contains("Too many failed sign-in attempts"), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_returns_to_site_paths_only(pool: PgPool) {
    let app = common::spawn(pool).await;
    app.browser().sign_up("Org", "return@example.org").await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cases = [
        ("/connections?page=2", "/connections?page=2"),
        ("//attacker.example/", "/"),
        ("https://attacker.example/", "/"),
        ("", "/"),
    ];
    for (next, expected) in cases {
        let response = client
            .post(format!("{}/api/log_in", app.address))
            .header("Origin", &app.address)
            .form(&[
                ("email", "return@example.org"),
                ("password", "correct horse battery staple"),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        // A server function responds to a script with 200 and the Location
        // header, which its client follows.
        assert_eq!(response.status(), 200, "{next}");
        assert_eq!(response.headers()["location"], expected, "{next}");
    }
}
