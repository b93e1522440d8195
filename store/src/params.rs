//! Positional parameters for hand-written SQL: `$1, $2, …` on PostgreSQL, `?` on SQLite, with
//! the values in the order of their placeholders.

use sea_orm::{DatabaseBackend, Statement, Value};

pub(crate) struct Params {
    backend: DatabaseBackend,
    values: Vec<Value>,
}

impl Params {
    pub(crate) fn new(backend: DatabaseBackend) -> Params {
        Params {
            backend,
            values: Vec::new(),
        }
    }

    /// Adds `value` and answers its placeholder; call in the order the placeholders appear.
    pub(crate) fn push(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        if self.backend == DatabaseBackend::Postgres {
            format!("${}", self.values.len())
        } else {
            "?".to_owned()
        }
    }

    pub(crate) fn backend(&self) -> DatabaseBackend {
        self.backend
    }

    pub(crate) fn statement(self, sql: String) -> Statement {
        Statement::from_sql_and_values(self.backend, sql, self.values)
    }
}
