//! Demo accounts for trying the app locally, and a partly filled-in draft
//! request for the demo organisation. Loaded only into a database with no users,
//! and only when asked (`SEED_DEMO=true` or `seed-demo`).

use app::domain::content::RequestContent;
use app::server::audit::{self, AuditEvent};
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

/// (email, display name, password, staff role) of the demo staff.
pub const DEMO_STAFF: [(&str, &str, &str, &str); 2] = [
    (
        "reviewer@operator.example",
        "Sam Reviewer",
        "reviewer-demo-pass",
        "staff_reviewer",
    ),
    (
        "admin@operator.example",
        "Alex Operator",
        "operator-demo-pass",
        "operator_admin",
    ),
];

/// (email, display name, password) of the demo subscriber admin.
pub const DEMO_SUBSCRIBER: (&str, &str, &str) = (
    "priya.raman@northshire.example",
    "Priya Raman",
    "subscriber-demo-pass",
);
pub const DEMO_ORGANISATION: &str = "Northshire County Council";

/// The demo organisation's draft. The organisation, contacts, connection
/// and technical sections are filled in from the sample request of that
/// name. The datasets, use cases and most of the GDPR declaration are left
/// for the user, so the wizard shows what is still to do.
pub const DEMO_REQUEST: &str = "Blue Badge renewal";

/// Realistic, fictional requests, also used by the end-to-end tests.
const SAMPLE_REQUESTS: &str = include_str!("../../fixtures/sample-requests.json");

/// Returns the demo draft's content, taken from the sample request named
/// [`DEMO_REQUEST`].
fn demo_request_content() -> Result<RequestContent, Box<dyn std::error::Error>> {
    let samples: Value = serde_json::from_str(SAMPLE_REQUESTS)?;
    let sample = samples["requests"]
        .as_array()
        .and_then(|requests| {
            requests
                .iter()
                .find(|request| request["connection"]["name"] == DEMO_REQUEST)
        })
        .ok_or_else(|| {
            format!("sample request '{DEMO_REQUEST}' not found in fixtures/sample-requests.json")
        })?;
    // The wizard keeps numbers as typed, so the connection's counts are text.
    let mut connection = sample["connection"].clone();
    for field in ["expected_members", "expected_calls_per_day"] {
        if let Some(number) = connection[field].as_u64() {
            connection[field] = Value::String(number.to_string());
        }
    }
    let content = json!({
        "organisation": sample["organisation"],
        "contacts": sample["contacts"],
        "connection": connection,
        "gdpr": {
            "controller_name": sample["gdpr"]["controller_name"],
            "privacy_notice_url": sample["gdpr"]["privacy_notice_url"],
        },
        "technical": sample["technical"],
    });
    Ok(serde_json::from_value(content)?)
}

/// Inserts a staff user; fails on a duplicate email.
pub async fn create_staff(
    pool: &PgPool,
    email: &str,
    name: &str,
    password: &str,
    role: &str,
) -> Result<Uuid, Box<dyn std::error::Error>> {
    if let Err(message) = app::api::accounts::check_new_password(password, email) {
        return Err(message.into());
    }
    let hash = app::server::passwords::hash(password.to_string()).await?;
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO users (id, email, display_name, password_hash, staff_role) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(email)
        .bind(name)
        .bind(hash)
        .bind(role)
        .execute(pool)
        .await?;
    Ok(id)
}

/// Loads the demo accounts when the database has no users; returns
/// whether it did.
pub async fn seed_if_empty(pool: &PgPool) -> Result<bool, Box<dyn std::error::Error>> {
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(pool)
        .await?;
    if users > 0 {
        return Ok(false);
    }
    for (email, name, password, role) in DEMO_STAFF {
        create_staff(pool, email, name, password, role).await?;
    }
    let (email, name, password) = DEMO_SUBSCRIBER;
    let user_id = Uuid::new_v4();
    let organisation_id = Uuid::new_v4();
    let hash = app::server::passwords::hash(password.to_string()).await?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(email)
    .bind(name)
    .bind(hash)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO organisations (id, name) VALUES ($1, $2)")
        .bind(organisation_id)
        .bind(DEMO_ORGANISATION)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO memberships (organisation_id, user_id, role) VALUES ($1, $2, 'subscriber_admin')")
        .bind(organisation_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let connection_id = Uuid::new_v4();
    sqlx::query("INSERT INTO connections (id, organisation_id, name, created_by, updated_by) VALUES ($1, $2, $3, $4, $4)")
        .bind(connection_id)
        .bind(organisation_id)
        .bind(DEMO_REQUEST)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let revision_id = Uuid::new_v4();
    app::server::requests::insert_first_revision(
        &mut tx,
        revision_id,
        connection_id,
        &demo_request_content()?,
        user_id,
    )
    .await?;
    // The same event as a connection created in the app, so the draft's
    // audit trail starts where every other one does.
    audit::record(
        &mut tx,
        AuditEvent {
            actor_user_id: Some(user_id),
            organisation_id: Some(organisation_id),
            connection_id: Some(connection_id),
            revision_id: Some(revision_id),
            action: "connection.created",
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Prints the demo sign-ins to standard output.
pub fn print_logins() {
    println!("Demo sign-ins (local use only):");
    for (email, _, password, role) in DEMO_STAFF {
        println!("  {role:<17} {email:<32} password: {password}");
    }
    let (email, _, password) = DEMO_SUBSCRIBER;
    println!(
        "  {:<17} {email:<32} password: {password}",
        "subscriber_admin"
    );
}
