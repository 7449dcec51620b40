#![recursion_limit = "256"]

use clap::Parser;
use leptos::prelude::get_configuration;
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::PostgresStore;

use server::cli::{Cli, Command};
use server::config::Config;
use server::outbox::{Outbox, Transport};
use server::{demo, startup, telemetry};
use tokio::sync::watch;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    fix_mmap_threshold();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    telemetry::init();
    let cli = Cli::parse();
    let leptos_options = get_configuration(None)?.leptos_options;
    let config = Config::from_env(leptos_options.site_addr);

    if let Some(Command::DropDatabase) = cli.command {
        startup::drop_database(&config.database_url).await?;
        return Ok(());
    }
    startup::create_database_if_missing(&config.database_url).await.map_err(|error| {
        format!("could not reach the database server named by DATABASE_URL ({error}); start Postgres or set DATABASE_URL")
    })?;
    let pool = startup::connect(&config.database_url).await.map_err(|error| {
        format!("could not connect to the database named by DATABASE_URL ({error}); start Postgres or set DATABASE_URL")
    })?;
    startup::migrate(&pool).await?;

    match cli.command.unwrap_or(Command::Serve) {
        Command::DropDatabase => {}
        Command::Migrate => {
            println!("Migrations applied.");
        }
        Command::CreateStaff {
            email,
            name,
            role,
            password,
        } => {
            demo::create_staff(&pool, &email, &name, &password, role.as_db()).await?;
            println!("Created {} account for {email}.", role.as_db());
        }
        Command::SeedDemo => {
            if demo::seed_if_empty(&pool).await? {
                demo::print_logins();
            } else {
                println!("The database already has users; demo data not loaded.");
            }
        }
        Command::Serve => {
            if config.seed_demo {
                demo::seed_if_empty(&pool).await?;
                demo::print_logins();
            }
            let deletion = tokio::task::spawn(
                PostgresStore::new(pool.clone())
                    .continuously_delete_expired(tokio::time::Duration::from_secs(300)),
            );
            let outbox = Outbox {
                pool: pool.clone(),
                transport: Transport::from_url(config.smtp_url.as_deref())
                    .map_err(|error| format!("SMTP_URL is not a valid SMTP address: {error}"))?,
                from: config
                    .mail_from
                    .parse()
                    .map_err(|error| format!("MAIL_FROM is not a valid sender address: {error}"))?,
                public_url: config.public_url.clone(),
            };
            if config.smtp_url.is_none() {
                tracing::info!("no SMTP_URL set: notification emails are written to the log");
            }
            let (stop_outbox, outbox_stopped) = watch::channel(false);
            let outbox_worker = tokio::spawn(outbox.run(outbox_stopped));
            let router = startup::router(pool, leptos_options, config.secure_cookies);
            println!(
                "Connection Manager is running at http://{}",
                config.site_addr
            );
            startup::serve(router, config.site_addr).await?;
            deletion.abort();
            // Lets the email being sent, if any, finish and be marked sent.
            let _ = stop_outbox.send(true);
            let _ = outbox_worker.await;
        }
    }
    Ok(())
}

/// Keeps glibc's threshold for serving large allocations with mmap at its
/// initial 128 KiB. Each password hash allocates 19 MiB on a blocking
/// thread. Once the first is freed, glibc would raise the threshold, so
/// later blocks would stay resident in per-thread arenas. Measured with the
/// hydration benchmark: peak memory 214 MB with the default, 56 MB fixed.
fn fix_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter, and main calls this
    // before it starts any other thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
