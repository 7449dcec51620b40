//! Command-line interface of the server binary.

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "server",
    about = "Connection Manager web server and admin commands"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations and serve the app (the default).
    Serve,
    /// Apply migrations and exit.
    Migrate,
    /// Create an operator staff account. Staff cannot sign up in the app.
    CreateStaff {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value = "reviewer")]
        role: StaffRole,
        /// Read from the environment so it stays out of shell history.
        #[arg(long, env = "STAFF_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Load the demo organisation and accounts if the database has no users.
    SeedDemo,
    /// Drop the database named by DATABASE_URL (used by the test script).
    DropDatabase,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StaffRole {
    Reviewer,
    OperatorAdmin,
}

impl StaffRole {
    pub fn as_db(self) -> &'static str {
        match self {
            StaffRole::Reviewer => "staff_reviewer",
            StaffRole::OperatorAdmin => "operator_admin",
        }
    }
}
