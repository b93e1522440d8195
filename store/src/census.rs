//! Row counts per table: how the fuzz and fault tests prove that a refused call wrote nothing
//! and that a burst left exactly the rows it should.

use sea_orm::{ConnectionTrait, Statement};

use crate::{Backend, Store, StoreError};

impl Store {
    /// Every table of the schema with its number of rows, sorted by table name.
    pub async fn row_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let list = match self.backend() {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT tablename AS name FROM pg_tables \
                 WHERE schemaname = current_schema() ORDER BY tablename"
            }
        };
        let backend = self.db.get_database_backend();
        let tables = self
            .db
            .query_all_raw(Statement::from_string(backend, list))
            .await?;
        let mut counts = Vec::with_capacity(tables.len());
        for row in tables {
            let name: String = row.try_get("", "name")?;
            let sql = format!(
                "SELECT COUNT(*) AS n FROM \"{}\"",
                name.replace('"', "\"\"")
            );
            let n: i64 = self
                .db
                .query_one_raw(Statement::from_string(backend, sql))
                .await?
                .map(|r| r.try_get("", "n"))
                .transpose()?
                .unwrap_or_default();
            counts.push((name, n));
        }
        Ok(counts)
    }
}
