#![recursion_limit = "256"]

//! Security suite: who may call each server function, cross-site request
//! forgery, session fixation, sign-in throttling, escaping of stored
//! input in server-rendered pages, and malformed or oversized bodies.

mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

use common::{Browser, TestApp};

const PASSWORD: &str = "correct horse battery staple";

// ---------------------------------------------------------------------------
// Authorisation matrix
// ---------------------------------------------------------------------------

/// What a role must get from one server function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// A 2xx response.
    Success,
    /// Authorisation passes, but the call may fail a business rule: any
    /// status except 401, 403, 404 and 5xx (for example 409 or 422).
    Allowed,
    /// 401, 403 or 404.
    Denied,
    /// 200 with an empty JSON list: the function filters out rows the
    /// caller may not see.
    Empty,
}

use Outcome::{Allowed, Denied, Empty, Success};

/// The roles of the matrix, in the order of [`Row::expect`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Anonymous,
    SubscriberUser,
    SubscriberAdmin,
    /// A subscriber admin of another organisation.
    Outsider,
    StaffReviewer,
    OperatorAdmin,
}

const ROLES: [Role; 6] = [
    Role::Anonymous,
    Role::SubscriberUser,
    Role::SubscriberAdmin,
    Role::Outsider,
    Role::StaffReviewer,
    Role::OperatorAdmin,
];

/// A resource that the runner creates in the target organisation before
/// each call, for functions that change or delete what they are given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fresh {
    Nothing,
    Draft,
    /// A draft moved to Requested.
    Requested,
    /// A subscriber user added to the organisation.
    Member,
    /// A sandbox API key issued to the organisation.
    ApiKey,
}

/// Ids of the organisation a call is aimed at.
#[derive(Clone, Debug)]
struct Ids {
    organisation: String,
    /// A draft of the organisation, named with its marker.
    draft: String,
    /// A request of the organisation in Requested.
    requested: String,
    /// A connection of the organisation deployed to the sandbox.
    deployed: String,
    /// The revision of the draft.
    revision: String,
    /// A sandbox API key of the organisation.
    api_key: String,
    /// A pending invitation into the organisation.
    invitation_token: String,
    terms_version: String,
    /// The resource named by the row's [`Fresh`], when it has one.
    fresh: String,
    /// A value unique to this call, for email addresses.
    unique: String,
}

enum Call {
    Form(Vec<(&'static str, String)>),
    Json(Value),
}

fn form(fields: &[(&'static str, &str)]) -> Call {
    Call::Form(
        fields
            .iter()
            .map(|(name, value)| (*name, value.to_string()))
            .collect(),
    )
}

/// One server function of the matrix.
struct Row {
    endpoint: &'static str,
    fresh: Fresh,
    /// True when the arguments name resources of one organisation, so the
    /// call is also made with another organisation's ids, where subscribers
    /// get the [`Role::Outsider`] outcome.
    scoped: bool,
    /// True when the call ends the caller's session; such rows run last.
    signs_out: bool,
    arguments: fn(&Ids) -> Call,
    /// Outcomes in the order of [`ROLES`]. For unscoped rows, the outsider
    /// acts on its own organisation.
    expect: [Outcome; 6],
}

/// The matrix. Add a row for every new server function; the test
/// `matrix_lists_every_endpoint` fails until there is one.
fn rows() -> Vec<Row> {
    //                              anonymous user   admin    outsider reviewer operator
    const MEMBERS: [Outcome; 6] = [Denied, Success, Success, Denied, Denied, Denied];
    const MEMBERS_ALLOWED: [Outcome; 6] = [Denied, Allowed, Allowed, Denied, Denied, Denied];
    const OWN_MEMBERS: [Outcome; 6] = [Denied, Success, Success, Success, Denied, Denied];
    const STAFF: [Outcome; 6] = [Denied, Denied, Denied, Denied, Success, Success];
    const SIGNED_IN: [Outcome; 6] = [Denied, Success, Success, Success, Success, Success];
    const MEMBERS_AND_STAFF: [Outcome; 6] = [Denied, Success, Success, Denied, Success, Success];
    const OWN_ADMINS: [Outcome; 6] = [Denied, Denied, Success, Success, Denied, Denied];
    const ADMINS_ALLOWED: [Outcome; 6] = [Denied, Denied, Allowed, Denied, Denied, Denied];
    const EVERYONE: [Outcome; 6] = [Success; 6];
    const EVERYONE_ALLOWED: [Outcome; 6] = [Allowed; 6];

    fn row(
        endpoint: &'static str,
        fresh: Fresh,
        scoped: bool,
        arguments: fn(&Ids) -> Call,
        expect: [Outcome; 6],
    ) -> Row {
        Row {
            endpoint,
            fresh,
            scoped,
            signs_out: false,
            arguments,
            expect,
        }
    }
    vec![
        // Accounts. Sign-up, sign-in and invitation acceptance get invalid
        // arguments here, so that they do not switch the caller's session;
        // their success paths are tested in accounts.rs and
        // organisations.rs.
        row(
            "current_user",
            Fresh::Nothing,
            false,
            |_| form(&[]),
            EVERYONE,
        ),
        row(
            "sign_up",
            Fresh::Nothing,
            false,
            |_| {
                form(&[
                    ("organisation_name", ""),
                    ("display_name", ""),
                    ("email", ""),
                    ("password", ""),
                ])
            },
            EVERYONE_ALLOWED,
        ),
        row(
            "log_in",
            Fresh::Nothing,
            false,
            |_| form(&[("email", "nobody@example.org"), ("password", "")]),
            EVERYONE_ALLOWED,
        ),
        Row {
            endpoint: "log_out",
            fresh: Fresh::Nothing,
            scoped: false,
            signs_out: true,
            arguments: |_| form(&[]),
            expect: EVERYONE,
        },
        // Requests.
        row("terms", Fresh::Nothing, false, |_| form(&[]), EVERYONE),
        row(
            "create_connection",
            Fresh::Nothing,
            false,
            |_| form(&[]),
            OWN_MEMBERS,
        ),
        row(
            "list_connections",
            Fresh::Nothing,
            false,
            |_| form(&[]),
            OWN_MEMBERS,
        ),
        row(
            "load_request",
            Fresh::Nothing,
            true,
            |ids| form(&[("connection_id", ids.draft.as_str())]),
            MEMBERS,
        ),
        row(
            "save_request",
            Fresh::Draft,
            true,
            |ids| {
                Call::Json(json!({
                    "connection_id": ids.fresh,
                    "version": 1,
                    "content": { "connection": { "name": "Saved by the matrix" } },
                }))
            },
            MEMBERS,
        ),
        row(
            "accept_terms",
            Fresh::Draft,
            true,
            |ids| {
                form(&[
                    ("connection_id", ids.fresh.as_str()),
                    ("terms_version", ids.terms_version.as_str()),
                ])
            },
            MEMBERS,
        ),
        // The fresh draft is incomplete, so members get 422.
        row(
            "submit_request",
            Fresh::Draft,
            true,
            |ids| form(&[("connection_id", ids.fresh.as_str())]),
            MEMBERS_ALLOWED,
        ),
        row(
            "edit_request",
            Fresh::Requested,
            true,
            |ids| form(&[("connection_id", ids.fresh.as_str())]),
            MEMBERS,
        ),
        row(
            "delete_draft",
            Fresh::Draft,
            true,
            |ids| form(&[("connection_id", ids.fresh.as_str())]),
            MEMBERS,
        ),
        // Deployments. Credentials are shown once, so the second member to
        // ask gets 409.
        row(
            "list_deployments",
            Fresh::Nothing,
            true,
            |ids| form(&[("connection_id", ids.deployed.as_str())]),
            [Denied, Success, Success, Empty, Denied, Denied],
        ),
        row(
            "reveal_credentials",
            Fresh::Nothing,
            true,
            |ids| {
                form(&[
                    ("connection_id", ids.deployed.as_str()),
                    ("environment", "sandbox"),
                ])
            },
            MEMBERS_ALLOWED,
        ),
        // The admin gets 200 or 409, depending on whether a reveal ran
        // first. Either way, only the admin passes authorisation.
        row(
            "rotate_client_secret",
            Fresh::Nothing,
            true,
            |ids| {
                form(&[
                    ("connection_id", ids.deployed.as_str()),
                    ("environment", "sandbox"),
                    ("overlap_hours", "1"),
                ])
            },
            ADMINS_ALLOWED,
        ),
        // A draft cannot be promoted, so members get 409.
        row(
            "request_promotion",
            Fresh::Draft,
            true,
            |ids| {
                form(&[
                    ("connection_id", ids.fresh.as_str()),
                    ("version", "1"),
                    ("test_summary", "All sandbox tests pass."),
                ])
            },
            MEMBERS_ALLOWED,
        ),
        row(
            "withdraw_promotion",
            Fresh::Draft,
            true,
            |ids| form(&[("connection_id", ids.fresh.as_str()), ("version", "1")]),
            MEMBERS_ALLOWED,
        ),
        // Organisations.
        row(
            "switch_organisation",
            Fresh::Nothing,
            true,
            |ids| form(&[("organisation_id", ids.organisation.as_str())]),
            MEMBERS,
        ),
        row(
            "organisation_users",
            Fresh::Nothing,
            false,
            |_| form(&[]),
            OWN_MEMBERS,
        ),
        row(
            "invite_user",
            Fresh::Nothing,
            false,
            |ids| {
                let email = format!("invited-{}@example.org", ids.unique);
                form(&[("email", email.as_str())])
            },
            [Denied, Denied, Success, Success, Denied, Denied],
        ),
        row(
            "remove_user",
            Fresh::Member,
            true,
            |ids| form(&[("user_id", ids.fresh.as_str())]),
            [Denied, Denied, Success, Denied, Denied, Denied],
        ),
        // The token is the capability: whoever holds it may read it.
        row(
            "invitation_details",
            Fresh::Nothing,
            true,
            |ids| form(&[("token", ids.invitation_token.as_str())]),
            EVERYONE,
        ),
        row(
            "accept_invitation",
            Fresh::Nothing,
            false,
            |_| {
                form(&[
                    ("token", "not-a-real-invitation-token"),
                    ("display_name", ""),
                    ("password", ""),
                ])
            },
            // An unknown token is a 404 for everyone.
            [Denied; 6],
        ),
        // Review, audit and notifications.
        row(
            "connection_audit",
            Fresh::Nothing,
            true,
            |ids| form(&[("connection_id", ids.draft.as_str())]),
            [Denied, Denied, Success, Denied, Success, Success],
        ),
        row(
            "review_request",
            Fresh::Nothing,
            true,
            |ids| form(&[("connection_id", ids.requested.as_str())]),
            STAFF,
        ),
        row(
            "decide",
            Fresh::Requested,
            true,
            |ids| {
                form(&[
                    ("connection_id", ids.fresh.as_str()),
                    ("action", "start_review"),
                    ("version", "1"),
                ])
            },
            STAFF,
        ),
        row(
            "comment_on_request",
            Fresh::Nothing,
            true,
            |ids| {
                form(&[
                    ("connection_id", ids.requested.as_str()),
                    ("section", "data"),
                    ("comment", "Say why the service needs the address."),
                ])
            },
            STAFF,
        ),
        row(
            "request_feedback",
            Fresh::Nothing,
            true,
            |ids| form(&[("connection_id", ids.draft.as_str())]),
            MEMBERS,
        ),
        row(
            "notifications",
            Fresh::Nothing,
            false,
            |_| form(&[]),
            SIGNED_IN,
        ),
        row(
            "mark_notifications_read",
            Fresh::Nothing,
            false,
            |_| form(&[]),
            SIGNED_IN,
        ),
        row("review_queue", Fresh::Nothing, false, |_| form(&[]), STAFF),
        // Manage grid, views and clone.
        row(
            "connection_grid",
            Fresh::Nothing,
            false,
            |_| form(&[]),
            OWN_MEMBERS,
        ),
        row("staff_grid", Fresh::Nothing, false, |_| form(&[]), STAFF),
        row(
            "view_request",
            Fresh::Nothing,
            true,
            |ids| form(&[("connection_id", ids.draft.as_str())]),
            MEMBERS_AND_STAFF,
        ),
        // Clones the draft into its own organisation; an outsider may
        // neither read the source nor write into the organisation.
        row(
            "clone_connection",
            Fresh::Nothing,
            true,
            |ids| {
                let name = format!("Clone {}", ids.unique);
                form(&[
                    ("connection_id", ids.draft.as_str()),
                    ("organisation_id", ids.organisation.as_str()),
                    ("name", name.as_str()),
                ])
            },
            MEMBERS,
        ),
        // Revision history.
        row(
            "revision_history",
            Fresh::Nothing,
            true,
            |ids| form(&[("connection_id", ids.draft.as_str())]),
            MEMBERS_AND_STAFF,
        ),
        row(
            "compare_revisions",
            Fresh::Nothing,
            true,
            |ids| {
                form(&[
                    ("from_revision", ids.revision.as_str()),
                    ("to_revision", ids.revision.as_str()),
                ])
            },
            MEMBERS_AND_STAFF,
        ),
        // API keys: organisation admins manage their own keys.
        row(
            "list_api_keys",
            Fresh::Nothing,
            false,
            |_| form(&[]),
            OWN_ADMINS,
        ),
        row(
            "request_api_key",
            Fresh::Nothing,
            false,
            |ids| {
                let name = format!("Matrix key {}", ids.unique);
                form(&[("name", name.as_str()), ("environment", "sandbox")])
            },
            OWN_ADMINS,
        ),
        // A sandbox key was shown when it was issued, so the admin gets 409.
        row(
            "show_api_key",
            Fresh::Nothing,
            true,
            |ids| form(&[("key_id", ids.api_key.as_str())]),
            ADMINS_ALLOWED,
        ),
        row(
            "rotate_api_key",
            Fresh::ApiKey,
            true,
            |ids| form(&[("key_id", ids.fresh.as_str()), ("overlap_hours", "")]),
            [Denied, Denied, Success, Denied, Denied, Denied],
        ),
        // Operator admins may revoke any organisation's key.
        row(
            "revoke_api_key",
            Fresh::ApiKey,
            true,
            |ids| form(&[("key_id", ids.fresh.as_str())]),
            [Denied, Denied, Success, Denied, Denied, Success],
        ),
        row(
            "pending_api_keys",
            Fresh::Nothing,
            false,
            |_| form(&[]),
            STAFF,
        ),
        // The sandbox key is not waiting for a decision, so staff get 409.
        row(
            "decide_api_key",
            Fresh::Nothing,
            true,
            |ids| {
                form(&[
                    ("key_id", ids.api_key.as_str()),
                    ("decision", "decline"),
                    ("reason", "Not needed."),
                ])
            },
            [Denied, Denied, Denied, Denied, Allowed, Allowed],
        ),
    ]
}

/// Returns every endpoint that a `#[server(endpoint = "...")]` attribute
/// in app/src/api declares.
fn declared_endpoints() -> BTreeSet<String> {
    let directory = concat!(env!("CARGO_MANIFEST_DIR"), "/../app/src/api");
    let mut endpoints = BTreeSet::new();
    for entry in std::fs::read_dir(directory).expect("app/src/api") {
        let path = entry.expect("directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("source file");
        for line in source.lines() {
            let Some(rest) = line.trim().strip_prefix("#[server(endpoint = \"") else {
                continue;
            };
            if let Some(end) = rest.find('"') {
                endpoints.insert(rest[..end].to_string());
            }
        }
    }
    endpoints
}

#[test]
fn matrix_lists_every_endpoint() {
    let declared = declared_endpoints();
    assert!(
        declared.len() >= 30,
        "found only {} endpoints",
        declared.len()
    );
    let listed: BTreeSet<String> = rows().iter().map(|r| r.endpoint.to_string()).collect();
    let missing: Vec<_> = declared.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "add rows to the authorisation matrix for {missing:?}"
    );
    let unknown: Vec<_> = listed.difference(&declared).collect();
    assert!(unknown.is_empty(), "rows for unknown endpoints {unknown:?}");
}

/// One subscriber organisation and what the matrix aims at in it.
struct Organisation {
    id: Uuid,
    admin: Browser,
    ids: Ids,
    /// Text that only this organisation's members and staff may see.
    markers: Vec<String>,
}

async fn version_of(pool: &PgPool, connection_id: &str) -> String {
    let version: i32 = sqlx::query_scalar(
        "SELECT version FROM revisions WHERE connection_id = $1::uuid ORDER BY number DESC LIMIT 1",
    )
    .bind(connection_id)
    .fetch_one(pool)
    .await
    .unwrap();
    version.to_string()
}

async fn mark_requested(pool: &PgPool, connection_id: &str) {
    sqlx::query(
        "UPDATE revisions SET state = 'requested', ever_submitted = true, submitted_at = now()
         WHERE connection_id = $1::uuid",
    )
    .bind(connection_id)
    .execute(pool)
    .await
    .unwrap();
}

/// Signs up an organisation with a named draft, a request in Requested, a
/// sandbox deployment and a pending invitation.
async fn organisation(app: &TestApp, staff: &Browser, name: &str, marker: &str) -> Organisation {
    let admin = app.browser();
    let email = format!("admin@{}.example", name.to_lowercase());
    admin.sign_up(name, &email).await;
    let id: Uuid = sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let draft = admin.create_connection().await;
    let saved = admin
        .json(
            "save_request",
            &json!({ "connection_id": draft, "version": 1, "content": { "connection": { "name": marker } } }),
        )
        .await;
    assert_eq!(saved.status(), 200);

    let requested = admin.create_connection().await;
    mark_requested(&app.pool, &requested).await;

    let deployed = admin.create_connection().await;
    let content = json!({ "technical": { "sandbox": { "ip_ranges": ["192.0.2.10"], "callback_url": "https://sandbox.example/cb", "return_to_urls": [] } } });
    let saved = admin
        .json(
            "save_request",
            &json!({ "connection_id": deployed, "version": 1, "content": content }),
        )
        .await;
    assert_eq!(saved.status(), 200);
    mark_requested(&app.pool, &deployed).await;
    for action in ["start_review", "approve", "deploy_to_sandbox"] {
        let version = version_of(&app.pool, &deployed).await;
        let response = staff
            .form(
                "decide",
                &[
                    ("connection_id", deployed.as_str()),
                    ("action", action),
                    ("version", version.as_str()),
                ],
            )
            .await;
        assert_eq!(response.status(), 200, "{action}");
    }

    let link: String = admin
        .form(
            "invite_user",
            &[(
                "email",
                format!("pending@{}.example", name.to_lowercase()).as_str(),
            )],
        )
        .await
        .json()
        .await
        .unwrap();
    let invitation_token = link.rsplit('/').next().unwrap().to_string();
    let terms_version: i32 = sqlx::query_scalar("SELECT max(version) FROM terms_versions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let revision: Uuid =
        sqlx::query_scalar("SELECT id FROM revisions WHERE connection_id = $1::uuid")
            .bind(&draft)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let api_key = issue_api_key(&admin, "Standing key").await;

    Organisation {
        id,
        admin,
        ids: Ids {
            organisation: id.to_string(),
            draft,
            requested,
            deployed,
            revision: revision.to_string(),
            api_key,
            invitation_token,
            terms_version: terms_version.to_string(),
            fresh: String::new(),
            unique: String::new(),
        },
        markers: vec![marker.to_string(), email],
    }
}

/// Issues a sandbox API key through the admin's session and returns its id.
async fn issue_api_key(admin: &Browser, name: &str) -> String {
    let response = admin
        .form(
            "request_api_key",
            &[("name", name), ("environment", "sandbox")],
        )
        .await;
    assert_eq!(response.status(), 200, "request_api_key");
    let issued: Value = response.json().await.unwrap();
    issued["id"].as_str().unwrap().to_string()
}

/// Creates the resource a row needs and returns its id.
async fn create_fresh(app: &TestApp, owner: &Organisation, fresh: Fresh) -> String {
    match fresh {
        Fresh::Nothing => String::new(),
        Fresh::Draft => owner.admin.create_connection().await,
        Fresh::Requested => {
            let id = owner.admin.create_connection().await;
            mark_requested(&app.pool, &id).await;
            id
        }
        Fresh::Member => {
            let user_id = Uuid::new_v4();
            sqlx::query(
                "INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, 'Fresh Member', 'not a hash')",
            )
            .bind(user_id)
            .bind(format!("member-{user_id}@example.org"))
            .execute(&app.pool)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO memberships (organisation_id, user_id, role) VALUES ($1, $2, 'subscriber_user')",
            )
            .bind(owner.id)
            .bind(user_id)
            .execute(&app.pool)
            .await
            .unwrap();
            user_id.to_string()
        }
        Fresh::ApiKey => {
            issue_api_key(&owner.admin, &format!("Fresh key {}", Uuid::new_v4())).await
        }
    }
}

async fn send(browser: &Browser, endpoint: &str, call: &Call) -> (StatusCode, String) {
    let response = match call {
        Call::Form(fields) => {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            browser.form(endpoint, &fields).await
        }
        Call::Json(body) => browser.json(endpoint, body).await,
    };
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

fn check_outcome(expected: Outcome, status: StatusCode, body: &str, context: &str) {
    let code = status.as_u16();
    assert!(
        !status.is_server_error(),
        "{context}: server error {status}: {body}"
    );
    let denied = matches!(code, 401 | 403 | 404);
    match expected {
        Success => assert!(
            status.is_success(),
            "{context}: expected success, got {status}: {body}"
        ),
        Allowed => assert!(
            !denied,
            "{context}: expected to pass authorisation, got {status}: {body}"
        ),
        Denied => assert!(denied, "{context}: expected denial, got {status}: {body}"),
        Empty => {
            assert_eq!(status, 200, "{context}: {body}");
            assert_eq!(body.trim(), "[]", "{context}: expected an empty list");
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn authorisation_matrix(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let reviewer = app.staff_browser("reviewer@op.example", "Reviewer").await;
    let target = organisation(&app, &reviewer, "Kestrel", "Kestrel marker 7d1f").await;
    let other = organisation(&app, &reviewer, "Osprey", "Osprey marker 3c9e").await;

    // A subscriber user of the target organisation, through an invitation.
    let invite: String = target
        .admin
        .form("invite_user", &[("email", "user@kestrel.example")])
        .await
        .json()
        .await
        .unwrap();
    let user = app.browser();
    let accepted = user
        .form(
            "accept_invitation",
            &[
                ("token", invite.rsplit('/').next().unwrap()),
                ("display_name", "Kestrel User"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(accepted.status(), 200);

    let operator = app
        .staff_browser_as("operator@op.example", "Operator", "operator_admin")
        .await;

    let anonymous = app.browser();
    let browsers: [&Browser; 6] = [
        &anonymous,
        &user,
        &target.admin,
        &other.admin,
        &reviewer,
        &operator,
    ];

    let all_rows = rows();
    let (last, first): (Vec<&Row>, Vec<&Row>) = all_rows.iter().partition(|r| r.signs_out);
    let mut calls = 0;
    for row in first.into_iter().chain(last) {
        // Aimed at the target organisation.
        for (index, role) in ROLES.iter().enumerate() {
            let mut ids = target.ids.clone();
            ids.fresh = create_fresh(&app, &target, row.fresh).await;
            ids.unique = format!("{}-{index}-own", row.endpoint);
            let (status, body) = send(browsers[index], row.endpoint, &(row.arguments)(&ids)).await;
            let context = format!("{} as {role:?} on its target's ids", row.endpoint);
            check_outcome(row.expect[index], status, &body, &context);
            if matches!(role, Role::Anonymous | Role::Outsider) {
                for marker in &target.markers {
                    assert!(!body.contains(marker), "{context}: leaked {marker:?}");
                }
            }
            calls += 1;
        }
        if !row.scoped {
            continue;
        }
        // Aimed at another organisation: its admin is the owner now, and
        // the target organisation's members are outsiders.
        for (index, role) in ROLES.iter().enumerate() {
            let expected = match role {
                Role::SubscriberUser | Role::SubscriberAdmin => row.expect[3],
                Role::Outsider => row.expect[2],
                _ => row.expect[index],
            };
            let mut ids = other.ids.clone();
            ids.fresh = create_fresh(&app, &other, row.fresh).await;
            ids.unique = format!("{}-{index}-foreign", row.endpoint);
            let (status, body) = send(browsers[index], row.endpoint, &(row.arguments)(&ids)).await;
            let context = format!("{} as {role:?} on another organisation's ids", row.endpoint);
            check_outcome(expected, status, &body, &context);
            if matches!(
                role,
                Role::Anonymous | Role::SubscriberUser | Role::SubscriberAdmin
            ) {
                for marker in &other.markers {
                    assert!(!body.contains(marker), "{context}: leaked {marker:?}");
                }
            }
            calls += 1;
        }
    }
    assert!(calls > 200, "only {calls} calls made");
}

// ---------------------------------------------------------------------------
// Cross-site request forgery
// ---------------------------------------------------------------------------

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_posts_are_rejected(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let browser = app.browser();
    browser.sign_up("Org", "csrf@org.example").await;
    let url = format!("{}/api/create_connection", app.address);
    let cases: [(&str, Option<(&str, String)>); 6] = [
        (
            "foreign Origin",
            Some(("Origin", "https://attacker.example".into())),
        ),
        ("null Origin", Some(("Origin", "null".into()))),
        (
            "look-alike Origin",
            Some(("Origin", format!("{}.attacker.example", app.address))),
        ),
        ("no Origin or Referer", None),
        (
            "foreign Referer only",
            Some(("Referer", "https://attacker.example/form".into())),
        ),
        (
            "Referer on another port",
            Some(("Referer", "http://127.0.0.1:1/form".into())),
        ),
    ];
    for (case, header) in cases {
        let mut request = browser.client.post(&url);
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 403, "{case}");
    }
    let created: i64 = sqlx::query_scalar("SELECT count(*) FROM connections")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(created, 0, "a rejected request changed nothing");

    let same_site_referer = browser
        .client
        .post(&url)
        .header("Referer", format!("{}/connections", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(same_site_referer.status(), 200, "same-site Referer");
}

// ---------------------------------------------------------------------------
// Session fixation
// ---------------------------------------------------------------------------

/// Returns the `cm_session` value that a response sets, if any.
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("cm_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// Calls a server function with an explicit session cookie.
async fn call_with_session(
    app: &TestApp,
    session: &str,
    endpoint: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/api/{endpoint}", app.address))
        .header("Origin", &app.address)
        .header("Cookie", format!("cm_session={session}"))
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn signed_in_email(app: &TestApp, session: &str) -> Value {
    let me: Value = call_with_session(app, session, "current_user", &[])
        .await
        .json()
        .await
        .unwrap();
    me["email"].clone()
}

#[sqlx::test(migrations = "../migrations")]
async fn planted_session_does_not_survive_sign_in(pool: PgPool) {
    let app = common::spawn(pool).await;
    app.browser()
        .sign_up("Victim Org", "victim@org.example")
        .await;
    let credentials = [("email", "victim@org.example"), ("password", PASSWORD)];

    // A made-up id in the format the session layer accepts.
    let made_up = "AAAAAAAAAAAAAAAAAAAAAA";
    let response = call_with_session(&app, made_up, "log_in", &credentials).await;
    assert_eq!(response.status(), 200);
    let issued = session_cookie(&response).expect("session cookie at sign-in");
    assert_ne!(issued, made_up);
    assert_eq!(signed_in_email(&app, made_up).await, Value::Null);
    assert_eq!(signed_in_email(&app, &issued).await, "victim@org.example");

    // A real session of the attacker's, planted in the victim's browser.
    let attacker = app.browser();
    let signed_up = attacker
        .form(
            "sign_up",
            &[
                ("organisation_name", "Attacker Org"),
                ("display_name", "Attacker"),
                ("email", "attacker@org.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let planted = session_cookie(&signed_up).expect("attacker's session");
    let response = call_with_session(&app, &planted, "log_in", &credentials).await;
    assert_eq!(response.status(), 200);
    let victim_session = session_cookie(&response).expect("session cookie at sign-in");
    assert_ne!(victim_session, planted);
    assert_eq!(
        signed_in_email(&app, &planted).await,
        Value::Null,
        "the planted id is not signed in as anyone"
    );
    assert_eq!(
        signed_in_email(&app, &victim_session).await,
        "victim@org.example"
    );

    let logged_out = call_with_session(&app, &victim_session, "log_out", &[]).await;
    assert_eq!(logged_out.status(), 200);
    assert_eq!(
        signed_in_email(&app, &victim_session).await,
        Value::Null,
        "the id is worthless after sign-out"
    );
}

// ---------------------------------------------------------------------------
// Sign-in throttling
// ---------------------------------------------------------------------------

async fn log_in_status(browser: &Browser, email: &str, password: &str) -> u16 {
    browser
        .form("log_in", &[("email", email), ("password", password)])
        .await
        .status()
        .as_u16()
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_throttled_per_account(pool: PgPool) {
    use app::api::accounts::{MAX_FAILURES_PER_ACCOUNT, THROTTLE_WINDOW_MINUTES};
    assert_eq!(MAX_FAILURES_PER_ACCOUNT, 5);
    assert_eq!(THROTTLE_WINDOW_MINUTES, 15);
    let app = common::spawn(pool.clone()).await;
    app.browser().sign_up("Org", "target@org.example").await;
    app.browser()
        .sign_up("Other", "bystander@org.example")
        .await;
    let browser = app.browser();

    for attempt in 0..MAX_FAILURES_PER_ACCOUNT - 1 {
        let status = log_in_status(&browser, "TARGET@org.example", "wrong password").await;
        assert_eq!(status, 422, "attempt {attempt}");
    }
    // The last allowed failure, then even the right password is refused.
    assert_eq!(
        log_in_status(&browser, "target@org.example", "wrong password").await,
        422
    );
    assert_eq!(
        log_in_status(&browser, "target@org.example", PASSWORD).await,
        429
    );
    // Another account from the same address is not affected.
    assert_eq!(
        log_in_status(&browser, "bystander@org.example", PASSWORD).await,
        200
    );

    // Failures older than the window no longer count.
    sqlx::query("UPDATE login_failures SET failed_at = now() - make_interval(mins => $1)")
        .bind(THROTTLE_WINDOW_MINUTES as i32 + 1)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        log_in_status(&app.browser(), "target@org.example", PASSWORD).await,
        200
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_throttled_per_address(pool: PgPool) {
    use app::api::accounts::MAX_FAILURES_PER_ADDRESS;
    assert_eq!(MAX_FAILURES_PER_ADDRESS, 30);
    let app = common::spawn(pool.clone()).await;
    app.browser().sign_up("Org", "someone@org.example").await;
    // Failures against many accounts from this address, one short of the
    // limit, recorded directly because each real attempt costs a hash.
    sqlx::query(
        "INSERT INTO login_failures (email, client_ip)
         SELECT 'guess' || n || '@org.example', '127.0.0.1' FROM generate_series(1, $1) n",
    )
    .bind(MAX_FAILURES_PER_ADDRESS as i32 - 1)
    .execute(&pool)
    .await
    .unwrap();
    let browser = app.browser();
    assert_eq!(
        log_in_status(&browser, "one-more@org.example", "wrong password").await,
        422
    );
    assert_eq!(
        log_in_status(&browser, "someone@org.example", PASSWORD).await,
        429,
        "the address reached its limit"
    );
}

// ---------------------------------------------------------------------------
// Escaping of stored input in server-rendered pages
// ---------------------------------------------------------------------------

const SCRIPT_PAYLOAD: &str = "<script>alert(1)</script>";
const ATTRIBUTE_PAYLOAD: &str = "\"><img src=x onerror=alert(1)>";
const RAW_MARKUP: [&str; 3] = ["<script>alert(1)", "<img src=x", "\"><img"];

/// Request content with a payload in every free-text answer.
fn hostile_content() -> Value {
    let (s, a) = (SCRIPT_PAYLOAD, ATTRIBUTE_PAYLOAD);
    let contact = json!({ "name": s, "role": a, "email": s, "phone": a });
    let environment = json!({ "ip_ranges": [s, a], "callback_url": s, "return_to_urls": [a, s] });
    json!({
        "organisation": {
            "legal_name": s, "company_or_charity_number": a, "registered_address": s,
            "ico_registration": a, "website": s,
        },
        "contacts": { "business": contact, "technical": contact, "dpo": { "name": a, "email": s } },
        "connection": {
            "name": s, "member_description": a, "service_url": s, "category": a,
            "expected_members": s, "expected_calls_per_day": a,
        },
        "use_cases": [{
            "title": s, "description": a, "fields": ["field_personal_fname"], "lawful_basis": a,
            "special_category_condition": s, "retention": a, "recipients": s,
            "automated_decision_making": true, "automated_decision_logic": a,
            "international_transfers": true, "transfer_safeguard": s,
        }],
        "gdpr": {
            "controller_name": s, "privacy_notice_url": a, "dpia_done": true, "dpia_date": s,
            "dpia_summary_url": a, "dpia_not_needed_reason": s, "rights_contact": a,
            "security_summary": s, "breach_process": a, "declarations": ["purpose_limitation"],
        },
        "technical": { "sandbox": environment, "live": environment },
    })
}

async fn page(browser: &Browser, path: &str) -> String {
    let response = browser
        .client
        .get(format!("{}{path}", browser.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

fn assert_escaped(html: &str, path: &str) {
    for raw in RAW_MARKUP {
        if let Some(at) = html.find(raw) {
            let mut start = at.saturating_sub(300);
            while !html.is_char_boundary(start) {
                start -= 1;
            }
            panic!(
                "{path} contains raw {raw:?}: ...{}",
                &html[start..at + raw.len()]
            );
        }
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{path} shows no payload at all, so the check proves nothing"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn stored_markup_is_escaped_in_pages(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let subscriber = app.browser();
    let signed_up = subscriber
        .form(
            "sign_up",
            &[
                ("organisation_name", SCRIPT_PAYLOAD),
                ("display_name", ATTRIBUTE_PAYLOAD),
                ("email", "xss@org.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed_up.status(), 200);
    let id = subscriber.create_connection().await;
    let saved = subscriber
        .json(
            "save_request",
            &json!({ "connection_id": id, "version": 1, "content": hostile_content() }),
        )
        .await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());

    let mut paths = vec![
        "/".to_string(),
        "/connections".to_string(),
        format!("/connections/{id}"),
        format!("/connections/{id}/check"),
        "/organisation/users".to_string(),
    ];
    for section in [
        "organisation",
        "contacts",
        "connection",
        "data",
        "use_cases",
        "gdpr",
        "technical",
    ] {
        paths.push(format!("/connections/{id}/{section}"));
    }
    for path in &paths {
        assert_escaped(&page(&subscriber, path).await, path);
    }

    // Staff see the request in the queue and on the review page.
    mark_requested(&pool, &id).await;
    let staff = app.staff_browser("staff@op.example", "Staff").await;
    let version = version_of(&pool, &id).await;
    let started = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "start_review"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(started.status(), 200);
    let commented = staff
        .form(
            "comment_on_request",
            &[
                ("connection_id", id.as_str()),
                ("section", "connection"),
                ("comment", SCRIPT_PAYLOAD),
            ],
        )
        .await;
    assert_eq!(commented.status(), 200);
    for path in ["/staff".to_string(), format!("/staff/requests/{id}")] {
        assert_escaped(&page(&staff, &path).await, &path);
    }

    // The subscriber sees the comment and the reason once changes are
    // requested.
    let version = version_of(&pool, &id).await;
    let changes = staff
        .form(
            "decide",
            &[
                ("connection_id", id.as_str()),
                ("action", "request_changes"),
                ("version", version.as_str()),
                ("reason", ATTRIBUTE_PAYLOAD),
            ],
        )
        .await;
    assert_eq!(changes.status(), 200);
    for path in [
        format!("/connections/{id}"),
        format!("/connections/{id}/connection"),
    ] {
        assert_escaped(&page(&subscriber, &path).await, &path);
    }
}

// ---------------------------------------------------------------------------
// Malformed and oversized bodies
// ---------------------------------------------------------------------------

/// Checks a property on `cases` generated values, shrinking a failing value
/// with proptest before reporting it. `property` returns an error message
/// when the value breaks the property.
async fn check_property<S, F, Fut>(cases: u32, strategy: S, mut property: F)
where
    S: Strategy,
    S::Value: std::fmt::Debug,
    F: FnMut(S::Value) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let mut runner = TestRunner::new(Config::with_cases(cases));
    for _ in 0..cases {
        let mut tree = strategy.new_tree(&mut runner).expect("generated value");
        let Err(mut failure) = property(tree.current()).await else {
            continue;
        };
        let mut smallest = tree.current();
        for _ in 0..200 {
            if !tree.simplify() {
                break;
            }
            match property(tree.current()).await {
                Err(message) => {
                    failure = message;
                    smallest = tree.current();
                }
                Ok(()) => {
                    if !tree.complicate() {
                        break;
                    }
                }
            }
        }
        panic!("{failure}\nsmallest failing input: {smallest:?}");
    }
}

/// Sends a raw body and checks for a 4xx answer. A dropped connection or
/// a timeout makes `send` fail, which is reported as a failure too.
async fn expect_client_error(
    browser: &Browser,
    endpoint: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Result<(), String> {
    let response = browser
        .client
        .post(format!("{}/api/{endpoint}", browser.base))
        .header("Origin", &browser.base)
        .header("Content-Type", content_type)
        .timeout(std::time::Duration::from_secs(10))
        .body(body.clone())
        .send()
        .await
        .map_err(|error| format!("{endpoint}: request failed: {error}"))?;
    let status = response.status();
    if status.is_client_error() {
        Ok(())
    } else {
        let text = response.text().await.unwrap_or_default();
        Err(format!(
            "{endpoint} ({content_type}) answered {status}: {text}"
        ))
    }
}

/// Endpoints that take arguments, so that any body can be malformed.
fn endpoints_with_arguments() -> Vec<&'static str> {
    rows()
        .iter()
        .filter(|r| match (r.arguments)(&placeholder_ids()) {
            Call::Form(fields) => !fields.is_empty(),
            Call::Json(_) => true,
        })
        .map(|r| r.endpoint)
        .collect()
}

fn placeholder_ids() -> Ids {
    let id = Uuid::nil().to_string();
    Ids {
        organisation: id.clone(),
        draft: id.clone(),
        requested: id.clone(),
        deployed: id.clone(),
        revision: id.clone(),
        api_key: id.clone(),
        invitation_token: "token".into(),
        terms_version: "1".into(),
        fresh: id,
        unique: "unique".into(),
    }
}

/// A JSON value of bounded depth and size.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("connection_id".to_string()),
                    Just("version".to_string()),
                    Just("content".to_string()),
                    "[a-z_]{1,12}",
                ],
                inner,
                0..4
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

#[sqlx::test(migrations = "../migrations")]
async fn malformed_bodies_get_client_errors(pool: PgPool) {
    let app = common::spawn(pool).await;
    let browser = app.browser();
    browser.sign_up("Org", "fuzz@org.example").await;
    let endpoints = endpoints_with_arguments();
    assert!(endpoints.len() > 15, "{endpoints:?}");
    let endpoint = prop::sample::select(endpoints);

    // Random bytes, sent as a form and as JSON.
    let bytes = (
        endpoint.clone(),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..512),
    );
    check_property(48, bytes, |(endpoint, as_json, body)| {
        let content_type = if as_json {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        expect_client_error(&browser, endpoint, content_type, body)
    })
    .await;

    // Well-formed JSON of the wrong shape.
    check_property(48, (endpoint.clone(), json_value()), |(endpoint, value)| {
        expect_client_error(
            &browser,
            endpoint,
            "application/json",
            value.to_string().into_bytes(),
        )
    })
    .await;

    // Form bodies with the expected field names and random values, or
    // random names.
    let field = (
        prop_oneof![
            Just("connection_id".to_string()),
            Just("version".to_string()),
            Just("organisation_id".to_string()),
            Just("user_id".to_string()),
            Just("environment".to_string()),
            Just("terms_version".to_string()),
            "[a-z_\\[\\]]{1,12}",
        ],
        ".{0,40}",
    );
    let fields = prop::collection::vec(field, 0..5);
    check_property(48, (endpoint, fields), |(endpoint, fields)| {
        let body = form_body(&fields);
        expect_client_error(
            &browser,
            endpoint,
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        )
    })
    .await;
}

/// Encodes name and value pairs as an `application/x-www-form-urlencoded`
/// body, percent-encoding every byte other than ASCII letters and digits.
fn form_body(fields: &[(String, String)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|byte| {
                if byte.is_ascii_alphanumeric() {
                    (byte as char).to_string()
                } else {
                    format!("%{byte:02X}")
                }
            })
            .collect()
    };
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

#[sqlx::test(migrations = "../migrations")]
async fn oversized_bodies_get_413(pool: PgPool) {
    let app = common::spawn(pool).await;
    let browser = app.browser();
    browser.sign_up("Org", "big@org.example").await;
    let id = browser.create_connection().await;
    let limit = server::startup::MAX_BODY_BYTES;

    let padding = "x".repeat(limit);
    let json_body = json!({
        "connection_id": id,
        "version": 1,
        "content": { "connection": { "name": padding } },
    });
    let response = browser.json("save_request", &json_body).await;
    assert_eq!(response.status(), 413, "JSON save over the limit");

    let form_body = format!("connection_id={id}&padding={padding}");
    for endpoint in ["load_request", "log_in", "sign_up"] {
        let response = browser
            .client
            .post(format!("{}/api/{endpoint}", app.address))
            .header("Origin", &app.address)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form_body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413, "{endpoint}");
    }

    // Just under the limit is read, and rejected for its content instead.
    let under = json!({
        "connection_id": id,
        "version": 1,
        "content": { "connection": { "name": "x".repeat(limit - 1024) } },
    });
    let response = browser.json("save_request", &under).await;
    assert_eq!(response.status(), 422, "JSON save under the limit");
}
