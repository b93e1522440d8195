//! `multitok-server`: `serve` runs the server (migrating first), `migrate` only migrates.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use multitok_server::{Settings, launch, shutdown_signal};

#[derive(Parser)]
#[command(
    name = "multitok-server",
    version,
    about = "Multitok's gRPC / grpc-web server"
)]
struct Cli {
    /// TOML configuration file (settings from `MULTITOK_*` variables override it).
    #[arg(long, global = true, env = "MULTITOK_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve.
    Serve {
        #[arg(long, env = "MULTITOK_LISTEN")]
        listen: Option<SocketAddr>,
        #[arg(long, env = "MULTITOK_DATABASE_URL")]
        database_url: Option<String>,
        /// Folder with the built web app.
        #[arg(long, env = "MULTITOK_WEB_DIR")]
        web_dir: Option<PathBuf>,
    },
    /// Apply pending migrations and exit.
    Migrate {
        #[arg(long, env = "MULTITOK_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Copy the SQLite database, consistently, while servers and workers run.
    Backup {
        #[arg(long, env = "MULTITOK_DATABASE_URL")]
        database_url: Option<String>,
        /// The copy to write; it must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the SQLite database with a backup; refused while a server or worker runs on it.
    Restore {
        #[arg(long, env = "MULTITOK_DATABASE_URL")]
        database_url: Option<String>,
        #[arg(long)]
        from: PathBuf,
    },
    /// Manage users in the configured database (migrating it first).
    Admin {
        #[arg(long, env = "MULTITOK_DATABASE_URL")]
        database_url: Option<String>,
        #[command(subcommand)]
        command: Admin,
    },
}

#[derive(Subcommand)]
enum Admin {
    /// Create a user with a workspace of their own; prints a generated password unless
    /// `--password-stdin` gives one.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password_stdin: bool,
        /// Name of the user's first workspace.
        #[arg(long)]
        workspace: Option<String>,
    },
    /// Set a new password (read from standard input) and end the user's sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Every user with their status and number of workspaces.
    ListUsers,
    /// Stop a user from signing in; ends their sessions and API tokens.
    DisableUser {
        #[arg(long)]
        email: String,
    },
    /// Let a disabled user sign in again.
    EnableUser {
        #[arg(long)]
        email: String,
    },
    /// End every session of a user (they sign in again).
    RevokeSessions {
        #[arg(long)]
        email: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut settings = Settings::load(cli.config.as_deref()).context("loading configuration")?;
    let _telemetry = multitok_core::telemetry::init(&settings, "multitok-server")?;
    match cli.command {
        Command::Serve {
            listen,
            database_url,
            web_dir,
        } => {
            settings.listen = listen.unwrap_or(settings.listen);
            settings.database_url = database_url.unwrap_or(settings.database_url);
            settings.web_dir = web_dir.or(settings.web_dir);
            tracing::debug!(?settings, "settings");
            let listener = tokio::net::TcpListener::bind(settings.listen)
                .await
                .with_context(|| format!("binding {}", settings.listen))?;
            launch(settings, listener, shutdown_signal()).await
        }
        Command::Admin {
            database_url,
            command,
        } => {
            let url = database_url.unwrap_or(settings.database_url);
            let store = multitok_store::Store::connect(&url, 2).await?;
            store.migrate().await?;
            let said = admin(&store, command).await;
            store.close().await.ok();
            println!("{}", said?);
            Ok(())
        }
        Command::Backup { database_url, to } => {
            let url = database_url.unwrap_or(settings.database_url);
            let store = multitok_store::Store::connect(&url, 1).await?;
            let done = store.backup_sqlite(&to).await;
            store.close().await.ok();
            done?;
            println!("backed up to {}", to.display());
            Ok(())
        }
        Command::Restore { database_url, from } => {
            let url = database_url.unwrap_or(settings.database_url);
            multitok_store::backup::restore_sqlite(&url, &from).await?;
            println!(
                "restored {} into {}",
                from.display(),
                multitok_core::config::redact_url(&url)
            );
            Ok(())
        }
        Command::Migrate { database_url } => {
            let url = database_url.unwrap_or(settings.database_url);
            let store = multitok_store::Store::connect(&url, 1).await?;
            store.migrate().await?;
            tracing::info!("migrations applied");
            Ok(())
        }
    }
}

/// Runs one admin command; answers what to print.
async fn admin(store: &multitok_store::Store, command: Admin) -> anyhow::Result<String> {
    use multitok_server::admin as a;
    Ok(match command {
        Admin::CreateUser {
            email,
            password_stdin,
            workspace,
        } => {
            let password = password_stdin.then(read_password).transpose()?;
            let created = a::create_user(store, &email, password, workspace).await?;
            let mut said = format!(
                "created {} with the workspace \"{}\"",
                created.email, created.workspace
            );
            if let Some(password) = created.password {
                said.push_str(&format!("\npassword (shown once): {password}"));
            }
            said
        }
        Admin::ResetPassword { email, .. } => {
            let ended = a::reset_password(store, &email, &read_password()?).await?;
            format!("password of {email} reset; {ended} session(s) ended")
        }
        Admin::ListUsers => a::list_users(store).await?.trim_end().to_owned(),
        Admin::DisableUser { email } => {
            a::set_disabled(store, &email, true).await?;
            format!("{email} disabled; their sessions and API tokens are revoked")
        }
        Admin::EnableUser { email } => {
            a::set_disabled(store, &email, false).await?;
            format!("{email} enabled")
        }
        Admin::RevokeSessions { email } => {
            let ended = a::revoke_sessions(store, &email).await?;
            format!("{ended} session(s) of {email} ended")
        }
    })
}

/// One line from standard input, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
