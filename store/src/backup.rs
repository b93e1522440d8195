//! Online backup and restore of a SQLite database. A backup is `VACUUM INTO`: one consistent
//! copy, taken while the server and workers go on writing. Every process that opens a SQLite
//! database holds a shared lock on `<database>.lock` while it runs; restoring takes that lock
//! exclusively, so it refuses while any of them runs. PostgreSQL is backed up with `pg_dump`.

use std::fs::File;
use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Statement};

use crate::{Backend, Store, StoreError};

/// The database file a `sqlite:` URL names; `None` for PostgreSQL and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// `<database>` with `suffix` appended (`.lock`, `-wal`, `-shm`).
fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The database's lock file, created (with its folder) if missing, so that a first start in
/// an empty directory finds `data/` ready for the database too.
fn open_lock(db: &Path) -> std::io::Result<File> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(beside(db, ".lock"))
}

/// Held for as long as a process uses a SQLite database (shared with every other user).
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

/// Takes a shared lock on the database of `url`, if it is a SQLite file.
pub fn hold(url: &str) -> std::io::Result<Option<DatabaseLock>> {
    let Some(db) = sqlite_file(url) else {
        return Ok(None);
    };
    let file = open_lock(&db)?;
    file.lock_shared()?;
    Ok(Some(DatabaseLock { _file: file }))
}

impl Store {
    /// Writes a consistent copy of this SQLite database to `to`, which must not exist.
    pub async fn backup_sqlite(&self, to: &Path) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Config(
                "backup copies SQLite databases; back PostgreSQL up with pg_dump".into(),
            ));
        }
        if to.exists() {
            return Err(StoreError::Config(format!(
                "{} exists already",
                to.display()
            )));
        }
        let target = to.to_string_lossy().into_owned();
        self.db
            .execute_raw(Statement::from_sql_and_values(
                self.db.get_database_backend(),
                "VACUUM INTO ?",
                [target.into()],
            ))
            .await?;
        Ok(())
    }
}

/// Replaces the SQLite database of `url` with the backup `from`, unless a process holds it.
/// The backup is copied beside the database, checked there (it must be a migrated Multitok
/// database), and only then renamed over it; the backup file itself is never opened for
/// writing.
pub async fn restore_sqlite(url: &str, from: &Path) -> Result<(), StoreError> {
    let db = sqlite_file(url).ok_or_else(|| {
        StoreError::Config(
            "restore replaces SQLite databases; restore PostgreSQL with pg_restore".into(),
        )
    })?;
    let lock = open_lock(&db).map_err(io)?;
    if lock.try_lock().is_err() {
        return Err(StoreError::Config(format!(
            "a running server or worker holds {}; stop them before restoring",
            db.display()
        )));
    }
    let partial = db.with_extension("restoring");
    std::fs::copy(from, &partial).map_err(io)?;
    let checked = check_backup(&partial).await;
    if let Err(e) = checked {
        remove_journals(&partial);
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    remove_journals(&db);
    std::fs::rename(&partial, &db).map_err(io)?;
    Ok(())
}

/// Whether the copy is a Multitok database with migrations applied.
async fn check_backup(copy: &Path) -> Result<(), StoreError> {
    let not_ours = || StoreError::Config("the backup is not a Multitok database".into());
    let mut header = [0u8; 16];
    let read = File::open(copy).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header));
    if read.is_err() || &header != b"SQLite format 3\0" {
        return Err(not_ours());
    }
    let store = Store::connect(&format!("sqlite://{}", copy.display()), 1).await?;
    let applied = store.applied_migrations().await;
    store.close().await?;
    match applied {
        Ok(n) if n > 0 => Ok(()),
        _ => Err(not_ours()),
    }
}

/// Deletes a database file's `-wal` and `-shm` companions.
fn remove_journals(db: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(beside(db, suffix));
    }
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Config(e.to_string())
}
