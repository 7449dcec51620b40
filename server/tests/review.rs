#![recursion_limit = "256"]

mod common;

use sqlx::PgPool;

/// A subscriber's submitted request and a signed-in reviewer.
async fn submitted_request(app: &common::TestApp) -> (common::Browser, common::Browser, String) {
    let subscriber = app.browser();
    subscriber.sign_up("Org", "owner@org.example").await;
    let id = subscriber.create_connection().await;
    sqlx::query(
        "UPDATE revisions SET state = 'requested', ever_submitted = true, submitted_at = now()",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let staff = app.staff_browser("reviewer@op.example", "Rev").await;
    (subscriber, staff, id)
}

async fn version(pool: &PgPool) -> String {
    let version: i32 = sqlx::query_scalar("SELECT version FROM revisions")
        .fetch_one(pool)
        .await
        .unwrap();
    version.to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn review_moves_request_and_audits(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, staff, id) = submitted_request(&app).await;
    sqlx::query(
        "UPDATE revisions SET content = jsonb_set(content, '{connection,name}', '\"Blue Badge renewal\"')",
    )
    .execute(&pool)
    .await
    .unwrap();

    let start = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "start_review"),
                ("version", &version(&pool).await),
            ],
        )
        .await;
    assert_eq!(start.status(), 200);
    let changes = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "request_changes"),
                ("version", &version(&pool).await),
                ("reason", "Add a retention period to the second use case."),
            ],
        )
        .await;
    assert_eq!(changes.status(), 200);

    let state: String = sqlx::query_scalar("SELECT state FROM revisions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "changes_requested");
    let events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'revision.state_changed'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(events, 2, "one audit event per transition");

    let feedback: serde_json::Value = subscriber
        .form("request_feedback", &[("connection_id", id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        feedback["decision_reason"],
        "Add a retention period to the second use case."
    );
    let notifications: serde_json::Value = subscriber
        .form("notifications", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(notifications.as_array().unwrap().len(), 1);
    assert_eq!(
        notifications[0]["message"],
        "Revision 1 of your connection request \"Blue Badge renewal\" is now Changes requested."
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn reason_is_required_and_bounded(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_, staff, id) = submitted_request(&app).await;
    staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "start_review"),
                ("version", &version(&pool).await),
            ],
        )
        .await;
    let current = version(&pool).await;

    let missing = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "reject"),
                ("version", current.as_str()),
                ("reason", "  "),
            ],
        )
        .await;
    assert_eq!(missing.status(), 422);
    let huge = "x".repeat(100 * 1024);
    let too_long = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "reject"),
                ("version", current.as_str()),
                ("reason", huge.as_str()),
            ],
        )
        .await;
    assert_eq!(too_long.status(), 422);
    let state: String = sqlx::query_scalar("SELECT state FROM revisions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "in_review");
}

#[sqlx::test(migrations = "../migrations")]
async fn second_concurrent_decision_conflicts(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_, staff, id) = submitted_request(&app).await;
    let loaded = version(&pool).await;
    let fields = [
        ("connection_id", id.as_str()),
        ("action", "start_review"),
        ("version", loaded.as_str()),
    ];
    let (first, second) =
        tokio::join!(staff.form("decide", &fields), staff.form("decide", &fields));
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'revision.state_changed'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(events, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn subscriber_cannot_decide_or_review(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, _, id) = submitted_request(&app).await;
    let current = version(&pool).await;
    let decide = subscriber
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "approve"),
                ("version", current.as_str()),
            ],
        )
        .await;
    assert_eq!(decide.status(), 403);
    let review = subscriber
        .form("review_request", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(review.status(), 403);
    let comment = subscriber
        .form(
            "comment_on_request",
            &[
                ("connection_id", id.as_str()),
                ("section", "data"),
                ("comment", "hi"),
            ],
        )
        .await;
    assert_eq!(comment.status(), 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn decision_not_allowed_in_state(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (_, staff, id) = submitted_request(&app).await;
    let approve = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "approve"),
                ("version", &version(&pool).await),
            ],
        )
        .await;
    assert_eq!(
        approve.status(),
        409,
        "a request must be in review before approval"
    );
    let submit = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "submit"),
                ("version", &version(&pool).await),
            ],
        )
        .await;
    assert_eq!(submit.status(), 400, "submit is not a staff decision");
}

#[sqlx::test(migrations = "../migrations")]
async fn audit_trail_visibility(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (subscriber, staff, id) = submitted_request(&app).await;
    staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "start_review"),
                ("version", &version(&pool).await),
            ],
        )
        .await;

    let for_staff: Vec<serde_json::Value> = staff
        .form("connection_audit", &[("connection_id", id.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(for_staff[0]["action"], "revision.state_changed");
    assert_eq!(for_staff[0]["actor"], "Rev");
    let for_admin = subscriber
        .form("connection_audit", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(for_admin.status(), 200);

    let outsider = app.browser();
    outsider.sign_up("Elsewhere", "outsider@else.example").await;
    let foreign = outsider
        .form("connection_audit", &[("connection_id", id.as_str())])
        .await;
    assert_eq!(foreign.status(), 404);
}
