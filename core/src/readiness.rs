//! Readiness of a process: the database answers, its migrations are current, and the key file
//! (when keys come from it) is readable. `/readyz` answers these checks, and the gRPC health
//! service follows them. The server adds its own (Redis, when configured).

use std::path::Path;

use multitok_store::Store;
use serde::Serialize;

/// One check's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

impl Check {
    /// A check from a result: its error's text is the detail.
    pub fn from_result(name: &'static str, result: Result<String, String>) -> Check {
        match result {
            Ok(detail) => Check {
                name,
                ok: true,
                detail,
            },
            Err(detail) => Check {
                name,
                ok: false,
                detail,
            },
        }
    }
}

/// Every check, and whether all passed.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    pub ready: bool,
    pub checks: Vec<Check>,
}

impl Readiness {
    pub fn new(checks: Vec<Check>) -> Readiness {
        Readiness {
            ready: checks.iter().all(|c| c.ok),
            checks,
        }
    }
}

/// What every process checks: the database, its migrations, and the key file in use.
pub async fn checks(store: &Store, key_file: Option<&Path>) -> Vec<Check> {
    let database = match store.ping().await {
        Ok(()) => Ok("reachable".to_owned()),
        Err(e) => Err(format!("unreachable: {e}")),
    };
    let migrations = match store.pending_migrations().await {
        Ok(0) => Ok("current".to_owned()),
        Ok(n) => Err(format!("{n} pending")),
        Err(e) => Err(format!("cannot be read: {e}")),
    };
    vec![
        Check::from_result("database", database),
        Check::from_result("migrations", migrations),
        Check::from_result("keys", keys(key_file)),
    ]
}

fn keys(key_file: Option<&Path>) -> Result<String, String> {
    match key_file {
        None => Ok("configured".to_owned()),
        Some(path) => crate::keys::readable(path)
            .map(|()| format!("{} readable", path.display()))
            .map_err(|e| format!("{e:#}")),
    }
}
