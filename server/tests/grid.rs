#![recursion_limit = "256"]

mod common;

use app::domain::grid::{GridParams, GridQuery, Scope};
use reqwest::Response;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

/// Returns the user id and first organisation id of a signed-up user.
async fn ids(pool: &PgPool, email: &str) -> (Uuid, Uuid) {
    sqlx::query_as(
        "SELECT u.id, m.organisation_id FROM users u JOIN memberships m ON m.user_id = u.id
         WHERE u.email = $1 ORDER BY m.created_at LIMIT 1",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Inserts `count` connections named "`prefix` 00001" onwards, each with
/// one revision. Connection n was last changed n minutes ago and is in
/// state draft, requested, sandbox, live or rejected for n % 5 = 0 to 4,
/// so every state but draft counts as submitted. Sandbox
/// connections are deployed on the sandbox, live ones on both.
async fn seed(pool: &PgPool, organisation_id: Uuid, user_id: Uuid, prefix: &str, count: i32) {
    sqlx::query(
        "WITH g AS (
             SELECT n, gen_random_uuid() AS id, (ARRAY['draft', 'requested', 'sandbox', 'live', 'rejected'])[1 + n % 5] AS state
             FROM generate_series(1, $4) n
         ), c AS (
             INSERT INTO connections (id, organisation_id, name, created_by, updated_by, updated_at)
             SELECT id, $1, $3 || ' ' || lpad(n::text, 5, '0'), $2, $2, now() - n * interval '1 minute' FROM g
         )
         INSERT INTO revisions (id, connection_id, number, state, content, created_by, updated_by, updated_at, ever_submitted)
         SELECT gen_random_uuid(), id, 1, state, '{}'::jsonb, $2, $2, now() - n * interval '1 minute', state <> 'draft'
         FROM g",
    )
    .bind(organisation_id)
    .bind(user_id)
    .bind(prefix)
    .bind(count)
    .execute(pool)
    .await
    .unwrap();
    for (environment, states) in [("sandbox", vec!["sandbox", "live"]), ("live", vec!["live"])] {
        sqlx::query(
            "INSERT INTO deployments (id, connection_id, environment, revision_id, revision_number, nid, client_id,
                                      api_base_url, callback_url, whitelisted, deployed_by)
             SELECT gen_random_uuid(), r.connection_id, $2, r.id, 1, nextval('connection_nid_seq'), 'cm-' || r.id,
                    'https://api.example', 'https://callback.example', '[]'::jsonb, $3
             FROM revisions r JOIN connections c ON c.id = r.connection_id
             WHERE c.organisation_id = $1 AND r.state = ANY($4)",
        )
        .bind(organisation_id)
        .bind(environment)
        .bind(user_id)
        .bind(&states)
        .execute(pool)
        .await
        .unwrap();
    }
}

async fn grid(browser: &common::Browser, params: &[(&str, &str)]) -> Response {
    browser.form("connection_grid", params).await
}

async fn grid_page(browser: &common::Browser, params: &[(&str, &str)]) -> Value {
    let response = grid(browser, params).await;
    assert_eq!(response.status(), 200, "grid {params:?}");
    response.json().await.unwrap()
}

fn names(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["name"].as_str().unwrap().to_string())
        .collect()
}

fn states(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["state"].as_str().unwrap().to_string())
        .collect()
}

/// Signs up a subscriber and returns the browser with its user and
/// organisation ids.
async fn subscriber(
    app: &common::TestApp,
    organisation: &str,
    email: &str,
) -> (common::Browser, Uuid, Uuid) {
    let browser = app.browser();
    browser.sign_up(organisation, email).await;
    let (user_id, organisation_id) = ids(&app.pool, email).await;
    (browser, user_id, organisation_id)
}

#[sqlx::test(migrations = "../migrations")]
async fn grid_pages_and_sorts(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (browser, user_id, organisation_id) = subscriber(&app, "Org", "pages@example.org").await;
    seed(&pool, organisation_id, user_id, "Service", 60).await;

    let first = grid_page(&browser, &[]).await;
    assert_eq!(first["total"], 60);
    assert_eq!(first["query"]["page"], 1);
    assert_eq!(first["query"]["page_size"], 25);
    assert_eq!(names(&first).len(), 25);
    assert_eq!(names(&first)[0], "Service 00001", "newest change first");
    assert_eq!(first["role"], "subscriber_admin");

    let third = grid_page(&browser, &[("page", "3")]).await;
    assert_eq!(names(&third).len(), 10);
    let past_end = grid_page(&browser, &[("page", "99")]).await;
    assert_eq!(
        past_end["query"]["page"], 3,
        "a page past the end shows the last"
    );
    assert_eq!(names(&past_end), names(&third));

    let mut seen = Vec::new();
    for page in ["1", "2", "3"] {
        let rows = grid_page(&browser, &[("sort", "name"), ("page", page)]).await;
        seen.extend(names(&rows));
    }
    let mut expected: Vec<String> = (1..=60).map(|n| format!("Service {n:05}")).collect();
    assert_eq!(seen, expected, "pages by name neither repeat nor skip");

    let descending = grid_page(&browser, &[("sort", "name"), ("dir", "desc")]).await;
    expected.reverse();
    assert_eq!(names(&descending), expected[..25]);

    let by_state = grid_page(&browser, &[("sort", "state"), ("page_size", "100")]).await;
    let order: Vec<usize> = states(&by_state)
        .iter()
        .map(|s| {
            app::domain::lifecycle::State::ALL
                .iter()
                .position(|x| x.as_str() == s)
                .unwrap()
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");

    let by_deployment = grid_page(&browser, &[("sort", "deployed"), ("dir", "desc")]).await;
    let top = &by_deployment["rows"][0];
    assert_eq!(top["state"], "live");
    assert_eq!(top["deployed"].as_array().unwrap().len(), 2);

    let oldest = grid_page(&browser, &[("sort", "updated"), ("dir", "asc")]).await;
    assert_eq!(names(&oldest)[0], "Service 00060");
}

#[sqlx::test(migrations = "../migrations")]
async fn grid_filters_and_searches(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (browser, user_id, organisation_id) = subscriber(&app, "Org", "filters@example.org").await;
    seed(&pool, organisation_id, user_id, "Service", 60).await;

    let live = grid_page(&browser, &[("state", "live")]).await;
    assert_eq!(live["total"], 12);
    assert!(states(&live).iter().all(|s| s == "live"));
    let awaiting = grid_page(&browser, &[("state", "awaiting")]).await;
    assert_eq!(awaiting["total"], 12, "only requested ones wait for staff");

    let sandbox = grid_page(&browser, &[("env", "sandbox")]).await;
    assert_eq!(
        sandbox["total"], 24,
        "sandbox and live states run on the sandbox"
    );
    let on_live = grid_page(&browser, &[("env", "live")]).await;
    assert_eq!(on_live["total"], 12);
    let nowhere = grid_page(&browser, &[("env", "none")]).await;
    assert_eq!(nowhere["total"], 36);
    let both = grid_page(&browser, &[("env", "sandbox"), ("state", "sandbox")]).await;
    assert_eq!(both["total"], 12);

    let one = grid_page(&browser, &[("q", "00007")]).await;
    assert_eq!(names(&one), ["Service 00007"]);
    let tens = grid_page(&browser, &[("q", "  service 0005 ")]).await;
    assert_eq!(
        tens["total"], 10,
        "search ignores case and surrounding spaces"
    );
    let none = grid_page(&browser, &[("q", "no such thing")]).await;
    assert_eq!(none["total"], 0);
    assert_eq!(none["query"]["page"], 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_grid_params_never_fail_the_server(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (browser, user_id, organisation_id) = subscriber(&app, "Org", "bad@example.org").await;
    seed(&pool, organisation_id, user_id, "Service", 30).await;

    let negative = grid_page(&browser, &[("page", "-1")]).await;
    assert_eq!(negative["query"]["page"], 1);
    let huge = grid_page(&browser, &[("page_size", "100000")]).await;
    assert_eq!(huge["query"]["page_size"], 100);
    assert_eq!(names(&huge).len(), 30);
    let zero = grid_page(&browser, &[("page_size", "0")]).await;
    assert_eq!(zero["query"]["page_size"], 1);
    let far = grid_page(&browser, &[("page", "4294967296")]).await;
    assert_eq!(far["query"]["page"], 2, "clamped to the last page");

    let long_search = "x".repeat(10_000);
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[("sort", "password_hash")], "sort"),
        (&[("sort", "name; DROP TABLE users")], "sort"),
        (&[("dir", "up")], "dir"),
        (&[("state", "gone")], "state"),
        (&[("env", "production")], "env"),
        (&[("page", "two")], "page"),
    ];
    for (params, field) in cases {
        let response = grid(&browser, params).await;
        assert_eq!(response.status(), 422, "{params:?}");
        let body = response.text().await.unwrap();
        assert!(body.contains(&format!("\"field\":\"{field}\"")), "{body}");
    }
    let response = grid(&browser, &[("q", long_search.as_str())]).await;
    assert_eq!(response.status(), 422);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("at most 200 characters"));

    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 1, "the sort text was not run as SQL");
}

#[sqlx::test(migrations = "../migrations")]
async fn search_treats_sql_and_html_as_text(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (browser, user_id, organisation_id) = subscriber(&app, "Org", "text@example.org").await;
    seed(&pool, organisation_id, user_id, "Service", 5).await;
    for name in [
        "100% renewals",
        "<b>Bold</b> service",
        "under_score",
        "O'Brien's app",
    ] {
        sqlx::query("UPDATE connections SET name = $2 WHERE id = (SELECT id FROM connections WHERE organisation_id = $1 AND name LIKE 'Service%' ORDER BY name LIMIT 1)")
            .bind(organisation_id)
            .bind(name)
            .execute(&pool)
            .await
            .unwrap();
    }

    let cases = [
        ("' OR 1=1 --", Vec::<&str>::new()),
        ("'; DROP TABLE connections; --", vec![]),
        ("%", vec!["100% renewals"]),
        ("_", vec!["under_score"]),
        ("\\", vec![]),
        ("<b>", vec!["<b>Bold</b> service"]),
        ("o'brien", vec!["O'Brien's app"]),
    ];
    for (search, expected) in cases {
        let page = grid_page(&browser, &[("q", search)]).await;
        assert_eq!(names(&page), expected, "search {search:?}");
    }
    let still_there: i64 = sqlx::query_scalar("SELECT count(*) FROM connections")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(still_there, 5);
}

/// Collects the plan nodes that scan `relation` sequentially.
fn seq_scans_of(plan: &Value, relation: &str, found: &mut Vec<Value>) {
    match plan {
        Value::Object(node) => {
            if node.get("Node Type") == Some(&json!("Seq Scan"))
                && node.get("Relation Name") == Some(&json!(relation))
            {
                found.push(plan.clone());
            }
            node.values().for_each(|v| seq_scans_of(v, relation, found));
        }
        Value::Array(items) => items.iter().for_each(|v| seq_scans_of(v, relation, found)),
        _ => {}
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn grid_query_uses_indexes_at_10000_rows(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (browser, user_id, organisation_id) = subscriber(&app, "Org", "scale@example.org").await;
    sqlx::query("INSERT INTO organisations (id, name) SELECT gen_random_uuid(), 'Org ' || g FROM generate_series(1, 99) g")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "WITH g AS (
             SELECT o.id AS organisation_id, n, gen_random_uuid() AS id
             FROM organisations o CROSS JOIN generate_series(1, 100) n
         ), c AS (
             INSERT INTO connections (id, organisation_id, name, created_by, updated_by, updated_at)
             SELECT id, organisation_id, 'Service ' || n, $1, $1, now() - n * interval '1 minute' FROM g
         )
         INSERT INTO revisions (id, connection_id, number, state, content, created_by, updated_by, updated_at, ever_submitted)
         SELECT gen_random_uuid(), id, 1, (ARRAY['draft', 'requested', 'sandbox', 'live', 'rejected'])[1 + n % 5],
                '{}'::jsonb, $1, $1, now() - n * interval '1 minute', n % 5 <> 0
         FROM g",
    )
    .bind(user_id)
    .execute(&pool)
    .await
    .unwrap();
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM connections")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(total, 10_000);
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();

    let variants: [&[(&str, &str)]; 8] = [
        &[],
        &[("sort", "name")],
        &[("sort", "state"), ("dir", "desc")],
        &[("sort", "deployed")],
        &[("state", "live")],
        &[("env", "none")],
        &[("q", "Service 5")],
        &[("page", "4"), ("page_size", "25")],
    ];
    for pairs in variants {
        let mut params = GridParams::default();
        for (key, value) in pairs {
            let value = Some(value.to_string());
            match *key {
                "sort" => params.sort = value,
                "dir" => params.dir = value,
                "state" => params.state = value,
                "env" => params.env = value,
                "q" => params.q = value,
                "page" => params.page = value,
                "page_size" => params.page_size = value,
                _ => unreachable!(),
            }
        }
        let query = GridQuery::parse(&params, Scope::Organisation).unwrap();
        let plan = app::server::grid::explain_page(&pool, Some(organisation_id), &query)
            .await
            .unwrap();
        let mut scans = Vec::new();
        seq_scans_of(&plan, "connections", &mut scans);
        assert!(scans.is_empty(), "{pairs:?} scans connections: {plan:#}");
        seq_scans_of(&plan, "revisions", &mut scans);
        assert!(scans.is_empty(), "{pairs:?} scans revisions: {plan:#}");
    }

    let page = grid_page(&browser, &[]).await;
    assert_eq!(page["total"], 100, "only the caller's organisation");
}

/// Creates a connection through the API, names it and gives it what a
/// clone must never copy: a sandbox deployment with credentials, a
/// reviewer comment and a terms acceptance.
async fn deployed_connection(app: &common::TestApp, browser: &common::Browser) -> String {
    let id = browser.create_connection().await;
    let content = json!({
        "organisation": { "legal_name": "Home Org Ltd", "registered_address": "1 High Street, Northshire" },
        "connection": { "name": "Blue Badge renewal", "member_description": "Renew your Blue Badge." },
        "technical": { "sandbox": { "callback_url": "https://callback.example/sandbox" } }
    });
    let saved = browser
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": content }),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let accepted = browser
        .form(
            "accept_terms",
            &[("connection_id", id.as_str()), ("terms_version", "1")],
        )
        .await;
    assert_eq!(accepted.status(), 200);
    let staff_id = server::demo::create_staff(
        &app.pool,
        "staff@operator.example",
        "Staff",
        common::STAFF_PASSWORD,
        "staff_reviewer",
    )
    .await
    .unwrap();
    let connection_id: Uuid = id.parse().unwrap();
    sqlx::query(
        "UPDATE revisions SET state = 'sandbox', ever_submitted = true WHERE connection_id = $1",
    )
    .bind(connection_id)
    .execute(&app.pool)
    .await
    .unwrap();
    let deployment_id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO deployments (id, connection_id, environment, revision_id, revision_number, nid, client_id,
                                  api_base_url, callback_url, whitelisted, deployed_by)
         SELECT $1, connection_id, 'sandbox', id, 1, nextval('connection_nid_seq'), 'cm-sandbox-test',
                'https://api.example', 'https://callback.example/sandbox', '[]'::jsonb, $2
         FROM revisions WHERE connection_id = $3",
    )
    .bind(deployment_id)
    .bind(staff_id)
    .bind(connection_id)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO credentials (id, deployment_id, kind, secret_hash, last_four, issued_by)
         VALUES ($1, $2, 'connection_token', 'hash', 'abcd', $3)",
    )
    .bind(Uuid::new_v4())
    .bind(deployment_id)
    .bind(staff_id)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO review_comments (id, connection_id, revision_id, section, author_id, body)
         SELECT $1, connection_id, id, 'connection', $2, 'Say who the service is for.' FROM revisions WHERE connection_id = $3",
    )
    .bind(Uuid::new_v4())
    .bind(staff_id)
    .bind(connection_id)
    .execute(&app.pool)
    .await
    .unwrap();
    id
}

#[sqlx::test(migrations = "../migrations")]
async fn clone_into_second_organisation(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (owner, owner_id, home_id) = subscriber(&app, "Home Org", "owner@home.example").await;
    let (_, _, second_id) = subscriber(&app, "Second Org", "admin@second.example").await;
    sqlx::query("INSERT INTO memberships (organisation_id, user_id, role) VALUES ($1, $2, 'subscriber_user')")
        .bind(second_id)
        .bind(owner_id)
        .execute(&pool)
        .await
        .unwrap();
    let source = deployed_connection(&app, &owner).await;

    let response = owner
        .form(
            "clone_connection",
            &[
                ("connection_id", source.as_str()),
                ("organisation_id", &second_id.to_string()),
                ("name", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let copy: Uuid = response.json().await.unwrap();

    let (organisation_id, name): (Uuid, Option<String>) =
        sqlx::query_as("SELECT organisation_id, name FROM connections WHERE id = $1")
            .bind(copy)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(organisation_id, second_id);
    assert_eq!(name.as_deref(), Some("Copy of Blue Badge renewal"));

    type RevisionRow = (i32, String, Option<i32>, Option<Uuid>, bool, Value);
    let revisions: Vec<RevisionRow> = sqlx::query_as(
        "SELECT number, state, terms_version, terms_accepted_by, ever_submitted, content FROM revisions WHERE connection_id = $1",
    )
    .bind(copy)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(revisions.len(), 1);
    let (number, state, terms_version, terms_accepted_by, ever_submitted, content) = &revisions[0];
    assert_eq!(*number, 1);
    assert_eq!(state, "draft");
    assert_eq!(*terms_version, None, "terms acceptance is not copied");
    assert_eq!(*terms_accepted_by, None);
    assert!(!ever_submitted);
    assert_eq!(content["connection"]["name"], "Copy of Blue Badge renewal");
    assert_eq!(
        content["connection"]["member_description"],
        "Renew your Blue Badge."
    );
    assert_eq!(
        content["technical"]["sandbox"]["callback_url"],
        "https://callback.example/sandbox"
    );
    assert_eq!(content["organisation"]["legal_name"], "Second Org");
    assert_eq!(
        content["organisation"]["registered_address"], "",
        "another organisation's legal details are not copied"
    );

    for (table, column) in [
        ("deployments", "connection_id"),
        ("review_comments", "connection_id"),
    ] {
        let count: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE {column} = $1"))
                .bind(copy)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(count, 0, "{table} copied");
    }
    let credentials: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM credentials c JOIN deployments d ON d.id = c.deployment_id WHERE d.connection_id = $1",
    )
    .bind(copy)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(credentials, 0);
    let audit: Vec<(String, Uuid, Value)> = sqlx::query_as(
        "SELECT action, organisation_id, before FROM audit_events WHERE connection_id = $1 ORDER BY id",
    )
    .bind(copy)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audit.len(), 1, "no history is copied: {audit:?}");
    assert_eq!(audit[0].0, "connection.cloned");
    assert_eq!(audit[0].1, second_id);
    assert_eq!(audit[0].2["connection_id"], source);
    assert_eq!(audit[0].2["organisation_id"], home_id.to_string());

    // The copy's organisation is now the current one, so it opens.
    let loaded = owner
        .form("load_request", &[("connection_id", &copy.to_string())])
        .await;
    assert_eq!(loaded.status(), 200);
    let loaded: Value = loaded.json().await.unwrap();
    assert!(loaded["feedback"]["comments"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(loaded["deployments"].as_array().unwrap().is_empty());
    assert!(loaded["terms"].is_null());
    let listed = grid_page(&owner, &[]).await;
    assert_eq!(names(&listed), ["Copy of Blue Badge renewal"]);
}

async fn clone_as(
    browser: &common::Browser,
    source: &str,
    organisation_id: Uuid,
    name: &str,
) -> Response {
    browser
        .form(
            "clone_connection",
            &[
                ("connection_id", source),
                ("organisation_id", &organisation_id.to_string()),
                ("name", name),
            ],
        )
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn clone_into_same_organisation(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (owner, _, home_id) = subscriber(&app, "Home Org", "same@home.example").await;
    let source = deployed_connection(&app, &owner).await;
    let typed = clone_as(&owner, &source, home_id, "  Blue Badge pilot ").await;
    assert_eq!(typed.status(), 200);
    let copy: Uuid = typed.json().await.unwrap();
    let name: String = sqlx::query_scalar("SELECT name FROM connections WHERE id = $1")
        .bind(copy)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, "Blue Badge pilot");
    let content: Value =
        sqlx::query_scalar("SELECT content FROM revisions WHERE connection_id = $1")
            .bind(copy)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        content["organisation"]["registered_address"],
        "1 High Street, Northshire"
    );

    let taken = clone_as(&owner, &source, home_id, "blue badge PILOT").await;
    assert_eq!(taken.status(), 422);
    assert!(taken.text().await.unwrap().contains("\"field\":\"name\""));
    let multi_line = clone_as(&owner, &source, home_id, "two\nlines").await;
    assert_eq!(multi_line.status(), 422);
    let too_long = clone_as(&owner, &source, home_id, &"n".repeat(201)).await;
    assert_eq!(too_long.status(), 422);

    let connections: i64 =
        sqlx::query_scalar("SELECT count(*) FROM connections WHERE organisation_id = $1")
            .bind(home_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(connections, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn clone_into_foreign_organisation_is_forbidden(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (owner, _, _) = subscriber(&app, "Home Org", "owner@foreign.example").await;
    let (_, _, foreign_id) = subscriber(&app, "Foreign Org", "admin@foreign.example").await;
    let source = owner.create_connection().await;

    for target in [foreign_id, Uuid::new_v4()] {
        let response = owner
            .form(
                "clone_connection",
                &[
                    ("connection_id", source.as_str()),
                    ("organisation_id", &target.to_string()),
                    ("name", "Sneaky copy"),
                ],
            )
            .await;
        assert_eq!(response.status(), 403, "target {target}");
        let body = response.text().await.unwrap();
        assert!(body.contains("organisation you belong to"), "{body}");
    }
    let copies: i64 =
        sqlx::query_scalar("SELECT count(*) FROM connections WHERE organisation_id = $1")
            .bind(foreign_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(copies, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn other_organisation_cannot_list_view_or_clone(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (owner, _, _) = subscriber(&app, "Owner Org", "owner@owner.example").await;
    let source = deployed_connection(&app, &owner).await;
    let (intruder, _, intruder_org) =
        subscriber(&app, "Intruder Org", "intruder@intruder.example").await;

    let listed = grid_page(&intruder, &[("q", "Blue")]).await;
    assert_eq!(listed["total"], 0);
    let view = intruder
        .form("view_request", &[("connection_id", source.as_str())])
        .await;
    assert_eq!(view.status(), 404);
    let clone = intruder
        .form(
            "clone_connection",
            &[
                ("connection_id", source.as_str()),
                ("organisation_id", &intruder_org.to_string()),
                ("name", ""),
            ],
        )
        .await;
    assert_eq!(clone.status(), 404);
    let print = intruder
        .client
        .get(format!("{}/connections/{source}/print", intruder.base))
        .send()
        .await
        .unwrap();
    assert_eq!(print.status(), 404);
    assert!(!print.text().await.unwrap().contains("Blue Badge renewal"));

    let own_print = owner
        .client
        .get(format!("{}/connections/{source}/print", owner.base))
        .send()
        .await
        .unwrap();
    assert_eq!(own_print.status(), 200);
    let html = own_print.text().await.unwrap();
    assert!(html.contains("Blue Badge renewal"));
    assert!(html.contains("revision 1 · Sandbox"), "print header");
    assert!(!html.contains("Reviewer comments"), "no comments in print");
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_grid_spans_organisations(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (first, first_user, first_org) = subscriber(&app, "First Org", "a@first.example").await;
    let (_, second_user, second_org) = subscriber(&app, "Second Org", "b@second.example").await;
    seed(&pool, first_org, first_user, "First", 5).await;
    seed(&pool, second_org, second_user, "Second", 5).await;

    let staff = app.staff_browser("staff@operator.example", "Staff").await;
    let queue: Value = staff.form("staff_grid", &[]).await.json().await.unwrap();
    assert_eq!(queue["total"], 2, "requested ones from both organisations");
    let mut organisations: Vec<&str> = queue["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["organisation_name"].as_str().unwrap())
        .collect();
    organisations.sort();
    assert_eq!(organisations, ["First Org", "Second Org"]);

    let everything: Value = staff
        .form("staff_grid", &[("state", "any"), ("sort", "organisation")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        everything["total"], 8,
        "never-submitted drafts stay private"
    );
    assert!(states(&everything).iter().all(|s| s != "draft"));
    assert_eq!(everything["rows"][0]["organisation_name"], "First Org");

    let requested: Uuid =
        sqlx::query_scalar("SELECT connection_id FROM revisions WHERE state = 'requested' LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let view = staff
        .form("view_request", &[("connection_id", &requested.to_string())])
        .await;
    assert_eq!(view.status(), 200);

    assert_eq!(first.form("staff_grid", &[]).await.status(), 403);
    assert_eq!(staff.form("connection_grid", &[]).await.status(), 403);
    let visitor = app.browser();
    assert_eq!(visitor.form("connection_grid", &[]).await.status(), 401);
    assert_eq!(visitor.form("staff_grid", &[]).await.status(), 401);
    assert_eq!(
        visitor
            .form(
                "clone_connection",
                &[
                    ("connection_id", &requested.to_string()),
                    ("organisation_id", &first_org.to_string()),
                    ("name", "")
                ]
            )
            .await
            .status(),
        401
    );
}

async fn get_html(browser: &common::Browser, path: &str) -> (u16, String) {
    let response = browser
        .client
        .get(format!("{}{path}", browser.base))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[sqlx::test(migrations = "../migrations")]
async fn grid_and_view_pages_render_on_the_server(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (browser, user_id, organisation_id) = subscriber(&app, "Org", "html@example.org").await;
    seed(&pool, organisation_id, user_id, "Service", 30).await;

    let (status, html) = get_html(&browser, "/connections?sort=name&page=2").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Showing 26 to 30 of 30 connections"),
        "{html}"
    );
    assert!(html.contains("Service 00026"));
    assert!(!html.contains(">Service 00025<"), "first page not shown");
    assert!(html.contains("aria-sort=\"ascending\""));
    assert!(html.contains("Page 2 of 2"));
    // Services 00026 to 00030 are requested, sandbox, live, rejected and
    // draft: each row shows the actions its state allows.
    for action in [
        "Delete draft",
        "Withdraw",
        "Request promotion to live",
        "Clone",
        "Print",
    ] {
        assert!(html.contains(action), "{action} missing");
    }
    assert!(html.contains("Live v1"), "deployment summary");

    let (status, html) = get_html(&browser, "/connections?sort=password").await;
    assert_eq!(status, 422);
    assert!(
        html.contains("<li>Sort by one of: name, state, deployed, updated</li>"),
        "{html}"
    );

    let id: Uuid = sqlx::query_scalar("SELECT id FROM connections WHERE name = 'Service 00001'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, html) = get_html(
        &browser,
        &format!("/connections/{id}/view?section=contacts"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Section 2 of 7"), "{html}");
    assert!(html.contains("Next: Connection details"));

    let (_, empty) = get_html(&app.browser(), "/connections").await;
    assert!(empty.contains("Sign in to continue"));
    let newcomer = app.browser();
    newcomer.sign_up("Empty Org", "empty@example.org").await;
    let (_, html) = get_html(&newcomer, "/connections").await;
    assert!(html.contains("No connections yet"), "{html}");
}
