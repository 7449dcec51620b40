//! Benchmarks against a running release server. `scripts/bench` runs every
//! step in order and writes the numbers to standard output.
//!
//! - `seed`: fills a database with organisations, connections in every
//!   state, deployments and audit events, in batched `INSERT ... SELECT`.
//! - `grid`: loads the manage grid page, a plain handler returning a body
//!   of the same size, and a handler that only loads the session and its
//!   user before returning that body, from concurrent clients, and
//!   compares them.
//! - `autosave`: concurrent editors saving distinct drafts, then one
//!   shared draft, and checks that every acknowledged save is stored. Each
//!   pair of runs is done twice: at the wizard's pace (one save a second
//!   at most, the autosave debounce) and with no pause between saves.
//! - `sizes`: raw, gzip and brotli sizes of the built WASM and JS.
//! - `memory`: the server's peak resident memory.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use serde_json::{json, Value};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

/// Password of every seeded user.
const PASSWORD: &str = "bench passphrase 2026";

/// States of the seeded connections, used in turn.
const STATES: [&str; 10] = [
    "draft",
    "requested",
    "in_review",
    "changes_requested",
    "rejected",
    "approved",
    "sandbox",
    "promotion_requested",
    "live",
    "suspended",
];

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fill the database named by DATABASE_URL, which must be migrated and
    /// hold no benchmark data yet.
    Seed {
        #[arg(long, default_value_t = 200)]
        organisations: i64,
        #[arg(long, default_value_t = 10_000)]
        connections: i64,
        #[arg(long, default_value_t = 1_000_000)]
        audit_events: i64,
    },
    /// Compare the grid page with a plain handler of the same body size.
    Grid {
        #[arg(long)]
        base: String,
        /// Path and query of the grid page with 50 rows.
        #[arg(long, default_value = "/connections?page_size=50")]
        path: String,
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Concurrent autosaves on distinct drafts and on one shared draft.
    Autosave {
        #[arg(long)]
        base: String,
        #[arg(long, default_value_t = 50)]
        editors: usize,
        #[arg(long, default_value_t = 20)]
        saves: usize,
        /// Pause of each editor between saves when paced, in milliseconds:
        /// the wizard's autosave debounce.
        #[arg(long, default_value_t = app::pages::wizard::autosave::DEBOUNCE_MS)]
        pause_ms: u32,
    },
    /// Sizes of the WASM and JS files in a built site's pkg folder.
    Sizes {
        #[arg(long, default_value = "target/site/pkg")]
        pkg: PathBuf,
    },
    /// Peak resident memory of a process, from /proc.
    Memory {
        #[arg(long)]
        pid: u32,
    },
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Cli::parse().command {
        Command::Seed {
            organisations,
            connections,
            audit_events,
        } => seed(&database().await?, organisations, connections, audit_events).await,
        Command::Grid {
            base,
            path,
            clients,
            seconds,
        } => grid(&base, &path, clients, Duration::from_secs(seconds)).await,
        Command::Autosave {
            base,
            editors,
            saves,
            pause_ms,
        } => {
            let pool = database().await?;
            let pause = Duration::from_millis(pause_ms.into());
            autosave(&pool, &base, editors, saves, Some(pause)).await?;
            autosave(&pool, &base, editors, saves, None).await
        }
        Command::Sizes { pkg } => sizes(&pkg),
        Command::Memory { pid } => memory(pid),
    }
}

async fn database() -> Result<PgPool, sqlx::Error> {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| server::config::DEFAULT_DATABASE_URL.to_string());
    PgPoolOptions::new().max_connections(4).connect(&url).await
}

async fn seed(
    pool: &PgPool,
    organisations: i64,
    connections: i64,
    audit_events: i64,
) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let hash = app::server::passwords::hash(PASSWORD.to_string()).await?;
    let content = serde_json::to_value(app::domain::content::RequestContent::default())?;
    let states: Vec<String> = STATES.iter().map(|s| s.to_string()).collect();
    let mut tx = pool.begin().await?;
    let statements: [(&str, &str); 9] = [
        ("organisations", "CREATE TEMP TABLE bench_orgs ON COMMIT DROP AS
            SELECT n, gen_random_uuid() AS org_id, gen_random_uuid() AS user_id FROM generate_series(1, $1) AS n"),
        ("", "INSERT INTO organisations (id, name) SELECT org_id, 'Bench organisation ' || n FROM bench_orgs"),
        ("users", "INSERT INTO users (id, email, display_name, password_hash)
            SELECT user_id, 'bench' || n || '@bench.example', 'Bench user ' || n, $2 FROM bench_orgs"),
        ("", "INSERT INTO memberships (organisation_id, user_id, role) SELECT org_id, user_id, 'subscriber_admin' FROM bench_orgs"),
        ("connections", "CREATE TEMP TABLE bench_connections ON COMMIT DROP AS
            SELECT c, gen_random_uuid() AS id, gen_random_uuid() AS revision_id, o.org_id, o.user_id,
                   ($4::text[])[1 + (c / $1) % 10] AS state
            FROM generate_series(0, $3 - 1) AS c JOIN bench_orgs o ON o.n = 1 + c % $1"),
        ("", "INSERT INTO connections (id, organisation_id, name, created_by, updated_by, created_at, updated_at)
            SELECT id, org_id, 'Bench connection ' || c, user_id, user_id,
                   now() - c * interval '1 minute', now() - c * interval '1 minute' FROM bench_connections"),
        ("revisions", "INSERT INTO revisions (id, connection_id, number, state, content, created_by, updated_by, ever_submitted, updated_at)
            SELECT revision_id, id, 1, state, jsonb_set($5::jsonb, '{connection,name}', to_jsonb('Bench connection ' || c)),
                   user_id, user_id, state <> 'draft', now() - c * interval '1 minute' FROM bench_connections"),
        ("deployments", "INSERT INTO deployments (id, connection_id, environment, revision_id, revision_number, nid, client_id,
                api_base_url, callback_url, whitelisted, deployed_by)
            SELECT gen_random_uuid(), b.id, e.environment, b.revision_id, 1, nextval('connection_nid_seq'),
                   'bench-' || e.environment || '-' || b.c, 'https://' || e.environment || '.api.example',
                   'https://bench.example/callback', '[]'::jsonb, b.user_id
            FROM bench_connections b
            JOIN (VALUES ('sandbox'), ('live')) AS e (environment)
              ON e.environment = 'sandbox' AND b.state IN ('sandbox', 'promotion_requested', 'live', 'suspended')
              OR e.environment = 'live' AND b.state IN ('live', 'suspended')"),
        ("audit events", "INSERT INTO audit_events (occurred_at, actor_user_id, organisation_id, connection_id, revision_id, action, after)
            SELECT now() - e * interval '1 second', b.user_id, b.org_id, b.id, b.revision_id, 'request.saved',
                   jsonb_build_object('version', e)
            FROM generate_series(1, $6) AS e JOIN bench_connections b ON b.c = e % $3"),
    ];
    for (label, sql) in statements {
        let step = Instant::now();
        // Each statement uses a prefix of the parameters; Postgres rejects
        // unused ones, so bind only as many as the text names.
        let count = (1..=6)
            .filter(|n| sql.contains(&format!("${n}")))
            .max()
            .unwrap_or(0);
        let mut query = sqlx::query(sql);
        if count >= 1 {
            query = query.bind(organisations);
        }
        if count >= 2 {
            query = query.bind(&hash);
        }
        if count >= 3 {
            query = query.bind(connections);
        }
        if count >= 4 {
            query = query.bind(&states);
        }
        if count >= 5 {
            query = query.bind(&content);
        }
        if count >= 6 {
            query = query.bind(audit_events);
        }
        let rows = query.execute(&mut *tx).await?.rows_affected();
        if !label.is_empty() {
            println!(
                "seed {label}: {rows} rows in {:.1} s",
                step.elapsed().as_secs_f64()
            );
        }
    }
    tx.commit().await?;
    // Vacuumed and analysed, as autovacuum would leave a live database.
    sqlx::raw_sql("VACUUM ANALYZE").execute(pool).await?;
    println!(
        "seed_seconds: {:.1} (sign in as bench1@bench.example with password \"{PASSWORD}\")",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Signs in as the first seeded organisation's admin and returns a client
/// that carries the session cookie.
async fn signed_in(base: &str) -> Result<reqwest::Client, Box<dyn std::error::Error>> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(64)
        .build()?;
    let response = client
        .post(format!("{base}/api/log_in"))
        .header("Origin", base)
        .form(&[("email", "bench1@bench.example"), ("password", PASSWORD)])
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!(
            "sign-in as bench1@bench.example failed with HTTP {}: seed the database first",
            response.status()
        )
        .into());
    }
    Ok(client)
}

/// Latencies and throughput of one load run.
struct Load {
    requests: usize,
    failures: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Load {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn print(&self, label: &str) {
        println!(
            "{label}: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, {} requests, {} failed",
            self.per_second(),
            percentile(&self.latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&self.latencies, 0.99).as_secs_f64() * 1e3,
            self.requests,
            self.failures
        );
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Sends GET requests to `url` from `clients` tasks for `duration`.
async fn load(client: &reqwest::Client, url: &str, clients: usize, duration: Duration) -> Load {
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let client = client.clone();
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0;
            while started.elapsed() < duration {
                let sent = Instant::now();
                match client.get(&url).send().await {
                    Ok(response) if response.status().is_success() => {
                        if response.bytes().await.is_err() {
                            failures += 1;
                            continue;
                        }
                        latencies.push(sent.elapsed());
                    }
                    _ => failures += 1,
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        if let Ok((mut task_latencies, task_failures)) = task.await {
            latencies.append(&mut task_latencies);
            failures += task_failures;
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Load {
        requests: latencies.len(),
        failures,
        elapsed,
        latencies,
    }
}

async fn grid(
    base: &str,
    path: &str,
    clients: usize,
    duration: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    let client = signed_in(base).await?;
    let page = client.get(format!("{base}{path}")).send().await?;
    if !page.status().is_success() {
        return Err(format!("GET {path} failed with HTTP {}", page.status()).into());
    }
    let bytes = page.bytes().await?.len();
    let rows = String::from_utf8_lossy(
        &client
            .get(format!("{base}{path}"))
            .send()
            .await?
            .bytes()
            .await?,
    )
    .matches("<tr")
    .count();
    println!("grid page: {path}, {bytes} bytes, {rows} table rows including the header");

    // Warms both up so that neither pays for first connections.
    load(
        &client,
        &format!("{base}{path}"),
        clients,
        Duration::from_secs(1),
    )
    .await;
    let grid = load(&client, &format!("{base}{path}"), clients, duration).await;
    let plain_url = format!("{base}/bench/plain/{bytes}");
    load(&client, &plain_url, clients, Duration::from_secs(1)).await;
    let plain = load(&client, &plain_url, clients, duration).await;
    let signed_in_url = format!("{base}/bench/signed-in/{bytes}");
    load(&client, &signed_in_url, clients, Duration::from_secs(1)).await;
    let signed_in = load(&client, &signed_in_url, clients, duration).await;
    grid.print(&format!("grid page, {clients} clients"));
    plain.print(&format!("plain handler, {clients} clients"));
    signed_in.print(&format!(
        "signed-in handler (session and user only), {clients} clients"
    ));
    println!(
        "grid_to_plain_ratio: {:.1}%",
        grid.per_second() / plain.per_second() * 100.0
    );
    println!(
        "signed_in_to_plain_ratio: {:.1}%",
        signed_in.per_second() / plain.per_second() * 100.0
    );
    Ok(())
}

/// One editor's acknowledged saves: the version each returned and the
/// connection name it stored.
type Acks = Vec<(i32, String)>;

async fn save(
    client: &reqwest::Client,
    base: &str,
    connection_id: &str,
    version: i32,
    name: &str,
) -> Result<(reqwest::StatusCode, Value), reqwest::Error> {
    let mut content = serde_json::to_value(app::domain::content::RequestContent::default())
        .expect("default content serialises");
    content["connection"]["name"] = json!(name);
    let response = client
        .post(format!("{base}/api/save_request"))
        .header("Origin", base)
        .json(&json!({ "connection_id": connection_id, "version": version, "content": content }))
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

async fn current_version(pool: &PgPool, connection_id: &str) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT version FROM revisions WHERE connection_id = $1::uuid ORDER BY number DESC LIMIT 1",
    )
    .bind(connection_id)
    .fetch_one(pool)
    .await
}

/// Runs `editors` tasks; editor `e` saves `saves` times to `drafts[e % len]`,
/// reading the current version after a conflict. Returns the latencies of
/// all requests, the acknowledged saves per draft and the conflicts.
async fn run_editors(
    pool: &PgPool,
    client: &reqwest::Client,
    base: &str,
    drafts: &[String],
    editors: usize,
    saves: usize,
    pause: Option<Duration>,
) -> Result<(Vec<Duration>, HashMap<String, Acks>, usize), Box<dyn std::error::Error>> {
    let mut tasks = Vec::new();
    let drafts = Arc::new(drafts.to_vec());
    for editor in 0..editors {
        let (pool, client, base, drafts) = (
            pool.clone(),
            client.clone(),
            base.to_string(),
            drafts.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let draft = drafts[editor % drafts.len()].clone();
            let mut version = current_version(&pool, &draft).await.unwrap_or(1);
            let (mut latencies, mut acks, mut conflicts) = (Vec::new(), Acks::new(), 0);
            if let Some(pause) = pause {
                // Spread the editors' first saves over one pause.
                tokio::time::sleep(pause * editor as u32 / editors as u32).await;
            }
            for attempt in 0..saves {
                if let (Some(pause), true) = (pause, attempt > 0) {
                    tokio::time::sleep(pause).await;
                }
                let name = format!("Bench editor {editor} save {attempt}");
                let sent = Instant::now();
                let Ok((status, body)) = save(&client, &base, &draft, version, &name).await else {
                    continue;
                };
                latencies.push(sent.elapsed());
                if status.is_success() {
                    version = body["version"].as_i64().unwrap_or_default() as i32;
                    acks.push((version, name));
                } else if status.as_u16() == 409 {
                    conflicts += 1;
                    version = current_version(&pool, &draft).await.unwrap_or(version);
                } else {
                    eprintln!("editor {editor}: HTTP {status}: {body}");
                }
            }
            (draft, latencies, acks, conflicts)
        }));
    }
    let mut latencies = Vec::new();
    let mut acks: HashMap<String, Acks> = HashMap::new();
    let mut conflicts = 0;
    for task in tasks {
        let (draft, mut task_latencies, task_acks, task_conflicts) = task.await?;
        latencies.append(&mut task_latencies);
        acks.entry(draft).or_default().extend(task_acks);
        conflicts += task_conflicts;
    }
    latencies.sort();
    Ok((latencies, acks, conflicts))
}

/// Checks that each draft's stored version counts every acknowledged save
/// and that its stored content is the last acknowledged one.
async fn verify(
    pool: &PgPool,
    acks: &HashMap<String, Acks>,
    start_version: i32,
) -> Result<usize, Box<dyn std::error::Error>> {
    let mut checked = 0;
    for (draft, draft_acks) in acks {
        let (version, name): (i32, Option<String>) = sqlx::query_as(
            "SELECT version, content #>> '{connection,name}' FROM revisions
             WHERE connection_id = $1::uuid ORDER BY number DESC LIMIT 1",
        )
        .bind(draft)
        .fetch_one(pool)
        .await?;
        let last = draft_acks.iter().max_by_key(|(v, _)| *v);
        let expected_version = start_version + draft_acks.len() as i32;
        if version != expected_version || last.map(|(_, n)| n.as_str()) != name.as_deref() {
            return Err(format!(
                "draft {draft}: stored version {version} and name {name:?}, expected version {expected_version} and {last:?}"
            )
            .into());
        }
        let mut versions: Vec<i32> = draft_acks.iter().map(|(v, _)| *v).collect();
        versions.sort();
        versions.dedup();
        if versions.len() != draft_acks.len() {
            return Err(format!(
                "draft {draft}: two saves were acknowledged with the same version"
            )
            .into());
        }
        checked += draft_acks.len();
    }
    Ok(checked)
}

async fn autosave(
    pool: &PgPool,
    base: &str,
    editors: usize,
    saves: usize,
    pause: Option<Duration>,
) -> Result<(), Box<dyn std::error::Error>> {
    let pace = match pause {
        Some(pause) => format!("paced, {} ms between saves", pause.as_millis()),
        None => "no pause between saves".to_string(),
    };
    let client = signed_in(base).await?;
    let mut drafts = Vec::with_capacity(editors);
    for _ in 0..editors {
        let response = client
            .post(format!("{base}/api/create_connection"))
            .header("Origin", base)
            .send()
            .await?;
        drafts.push(response.json::<String>().await?);
    }

    let (latencies, acks, conflicts) =
        run_editors(pool, &client, base, &drafts, editors, saves, pause).await?;
    let checked = verify(pool, &acks, 1).await?;
    println!(
        "autosave ({pace}), {editors} editors on distinct drafts, {saves} saves each: p50 {:.2} ms, p99 {:.2} ms, {} requests, {conflicts} conflicts, {checked} acknowledged saves all stored",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.len(),
    );

    let shared = vec![drafts[0].clone()];
    let start_version = current_version(pool, &shared[0]).await?;
    let (latencies, acks, conflicts) =
        run_editors(pool, &client, base, &shared, editors, saves, pause).await?;
    let checked = verify(pool, &acks, start_version).await?;
    println!(
        "autosave ({pace}), {editors} editors on one shared draft, {saves} attempts each: p50 {:.2} ms, p99 {:.2} ms, {} requests, {conflicts} conflicts, {checked} acknowledged saves all stored",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.len(),
    );
    Ok(())
}

fn sizes(pkg: &PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    let mut total = (0, 0, 0);
    let mut entries: Vec<_> = std::fs::read_dir(pkg)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("wasm" | "js")))
        .collect();
    entries.sort();
    if entries.is_empty() {
        return Err(format!(
            "no .wasm or .js files in {}: build the release site first",
            pkg.display()
        )
        .into());
    }
    for path in entries {
        let raw = std::fs::read(&path)?;
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&raw)?;
        let gzip = gzip.finish()?.len();
        let mut brotli = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
            writer.write_all(&raw)?;
        }
        println!(
            "{}: raw {} KB, gzip {} KB, brotli {} KB",
            path.file_name().unwrap_or_default().to_string_lossy(),
            raw.len() / 1024,
            gzip / 1024,
            brotli.len() / 1024
        );
        total = (total.0 + raw.len(), total.1 + gzip, total.2 + brotli.len());
    }
    println!(
        "all_wasm_and_js_files: raw {} KB, gzip {} KB, brotli {} KB",
        total.0 / 1024,
        total.1 / 1024,
        total.2 / 1024
    );
    Ok(())
}

fn memory(pid: u32) -> Result<(), Box<dyn std::error::Error>> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    for line in status.lines() {
        if line.starts_with("VmHWM:") || line.starts_with("VmRSS:") {
            println!("server {line}");
        }
    }
    Ok(())
}
