//! Multitok's storage: sea-orm entities and repositories over SQLite or PostgreSQL.
//!
//! The database URL's scheme picks the backend: `sqlite://path?mode=rwc` or `postgres://…`.

pub mod accounts;
pub mod admin;
pub mod analytics;
pub mod backup;
mod calendar;
mod census;
mod entity;
mod error;
pub mod gauges;
pub mod idempotency;
pub mod invitations;
mod leases;
pub mod media;
mod model;
pub mod notify;
mod params;
pub mod posts;
mod quota;
mod records;
mod rows;
mod sealed;
pub mod sync;
mod targets;
mod tokens;
mod users;
pub mod work;
mod workspaces;

use std::time::Duration;

use multitok_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

pub use analytics::history;
pub use error::StoreError;
pub use sealed::Sealed;
pub use targets::{claims, inits};
pub use tokens::{ApiToken, NewApiToken, NewRefreshToken, RotateOutcome, Successor};
pub use users::{NewUser, User};
pub use work::{Change, Record, Work};
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
    #[tracing::instrument(skip_all)]
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
    #[tracing::instrument(skip_all)]
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

    /// How many migrations the database has applied (none: not a Multitok database).
    pub async fn applied_migrations(&self) -> Result<usize, StoreError> {
        Ok(Migrator::get_applied_migrations(&self.db)
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

    /// Rolls back the newest `steps` migrations (tests of a migration's data changes).
    pub async fn migrate_down(&self, steps: u32) -> Result<(), StoreError> {
        Migrator::down(&self.db, Some(steps))
            .await
            .map_err(StoreError::unexpected)
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        match self.db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    /// Runs SQL statements as they are, outside any repository: maintenance such as
    /// `ANALYZE`, and tests that change rows behind the store's back.
    pub async fn execute_sql(&self, statements: &str) -> Result<(), StoreError> {
        use sea_orm::ConnectionTrait;
        self.db.execute_unprepared(statements).await?;
        Ok(())
    }

    /// Checks that the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await.map_err(StoreError::unexpected)
    }

    /// Creates database `name` on the PostgreSQL server of `admin_url` and answers its URL
    /// (tests and benchmarks get a fresh database each). `name` takes `[a-z0-9_]` only.
    pub async fn create_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
        Store::admin(
            admin_url,
            &format!("CREATE DATABASE {}", checked_name(name)?),
        )
        .await?;
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url, |(base, _)| base);
        Ok(format!("{base}/{name}"))
    }

    /// Drops database `name` (closing its connections) on the server of `admin_url`.
    pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
        Store::admin(
            admin_url,
            &format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                checked_name(name)?
            ),
        )
        .await
    }

    async fn admin(admin_url: &str, sql: &str) -> Result<(), StoreError> {
        use sea_orm::ConnectionTrait;
        let store = Store::connect(admin_url, 1).await?;
        let done = store
            .db
            .execute_unprepared(sql)
            .await
            .map(drop)
            .map_err(StoreError::unexpected);
        store.close().await.ok();
        done
    }

    /// Calls `callback` after every statement this handle (and its clones made afterwards) runs;
    /// for tests that count queries.
    pub fn on_query(&mut self, callback: impl Fn(&str) + Send + Sync + 'static) {
        self.db
            .set_metric_callback(move |info| callback(&info.statement.sql));
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await.map_err(StoreError::unexpected)
    }
}

fn checked_name(name: &str) -> Result<&str, StoreError> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(name)
    } else {
        Err(StoreError::Config(format!(
            "{name:?} is not a plain database name"
        )))
    }
}

/// A fresh id for a new row.
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
