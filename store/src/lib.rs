//! Multitok's storage: sea-orm entities and repositories over SQLite or PostgreSQL.
//!
//! The database URL's scheme picks the backend: `sqlite://path?mode=rwc` or `postgres://…`.

pub mod accounts;
pub mod entity;
mod error;
pub mod media;
mod tokens;
mod users;
mod workspaces;

use std::time::Duration;

use multitok_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

pub use error::StoreError;
pub use tokens::{ApiToken, NewApiToken, NewRefreshToken, RotateOutcome};
pub use users::{NewUser, User};
pub use workspaces::{Member, NewWorkspace, Workspace, WorkspaceChange};

/// Handle to the database; cheap to clone (a connection pool inside).
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
}

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from the URL's scheme.
    pub fn of(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Config(
                "database URL must start with sqlite: or postgres://".into(),
            ))
        }
    }
}

impl Store {
    /// Connects with the settings each backend needs: SQLite in WAL mode with a busy timeout and
    /// foreign keys on; PostgreSQL with a pool sized for the server.
    #[tracing::instrument(skip_all, err)]
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        let backend = Backend::of(url)?;
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .acquire_timeout(Duration::from_secs(10));
        match backend {
            Backend::Sqlite => {
                options
                    .max_connections(max_connections.max(1))
                    .map_sqlx_sqlite_opts(|o| {
                        o.create_if_missing(true)
                            .journal_mode(SqliteJournalMode::Wal)
                            .synchronous(SqliteSynchronous::Normal)
                            .busy_timeout(Duration::from_secs(5))
                            .foreign_keys(true)
                    });
            }
            Backend::Postgres => {
                options
                    .max_connections(max_connections.max(2))
                    .min_connections(1);
            }
        }
        let db = Database::connect(options)
            .await
            .map_err(StoreError::unexpected)?;
        Ok(Store { db })
    }

    /// Applies every pending migration.
    #[tracing::instrument(skip_all, err)]
    pub async fn migrate(&self) -> Result<(), StoreError> {
        Migrator::up(&self.db, None)
            .await
            .map_err(StoreError::unexpected)
    }

    /// Number of migrations not yet applied.
    pub async fn pending_migrations(&self) -> Result<usize, StoreError> {
        Ok(Migrator::get_pending_migrations(&self.db)
            .await
            .map_err(StoreError::unexpected)?
            .len())
    }

    /// Rolls back every migration (tests and `migrate --down`).
    pub async fn migrate_down_all(&self) -> Result<(), StoreError> {
        Migrator::down(&self.db, None)
            .await
            .map_err(StoreError::unexpected)
    }

    /// Checks that the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await.map_err(StoreError::unexpected)
    }

    /// Runs one SQL statement as it is; for administration tools and tests (creating a
    /// database), never with user input.
    pub async fn execute_unprepared(&self, sql: &str) -> Result<(), StoreError> {
        use sea_orm::ConnectionTrait;
        self.db
            .execute_unprepared(sql)
            .await
            .map(|_| ())
            .map_err(StoreError::unexpected)
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await.map_err(StoreError::unexpected)
    }
}

/// A fresh id for a new row.
fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
