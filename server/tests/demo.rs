use server::demo;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn demo_seed_adds_partial_draft(pool: PgPool) {
    assert!(demo::seed_if_empty(&pool).await.unwrap());

    let (name, state, content_name): (String, String, String) = sqlx::query_as(
        "SELECT c.name, r.state, r.content->'connection'->>'name'
         FROM connections c
         JOIN organisations o ON o.id = c.organisation_id
         JOIN revisions r ON r.connection_id = c.id
         WHERE o.name = $1",
    )
    .bind(demo::DEMO_ORGANISATION)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(name, demo::DEMO_REQUEST);
    assert_eq!(state, "draft");
    assert_eq!(content_name, demo::DEMO_REQUEST);

    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE connection_id IS NOT NULL")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(actions, ["connection.created"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn demo_seed_skips_database_with_users(pool: PgPool) {
    assert!(demo::seed_if_empty(&pool).await.unwrap());
    assert!(!demo::seed_if_empty(&pool).await.unwrap());

    let connections: i64 = sqlx::query_scalar("SELECT count(*) FROM connections")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(connections, 1);
}
