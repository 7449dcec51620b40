//! Demo accounts for trying the app locally. Loaded only into a database
//! with no users, and only when asked (`SEED_DEMO=true` or `seed-demo`).

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
