//! Named leases: at most one owner holds a name until it expires or is released, whichever
//! process asks; taking one is a single conditional upsert, correct on SQLite and PostgreSQL.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::lease;
use crate::{Store, StoreError};

impl Store {
    /// Takes `name` for `owner` until `until` if nobody holds it (or the holder's time ran out,
    /// or `owner` holds it already). True when taken.
    pub async fn take_lease(
        &self,
        name: &str,
        owner: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let row = lease::ActiveModel {
            name: Set(name.to_owned()),
            owner: Set(owner.to_owned()),
            expires_at: Set(until),
        };
        let done = lease::Entity::insert(row)
            .on_conflict(
                OnConflict::column(lease::Column::Name)
                    .update_columns([lease::Column::Owner, lease::Column::ExpiresAt])
                    .action_and_where(
                        Expr::col((lease::Entity, lease::Column::ExpiresAt))
                            .lt(now)
                            .or(Expr::col((lease::Entity, lease::Column::Owner)).eq(owner)),
                    )
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        Ok(done == 1)
    }

    /// Gives `name` back if `owner` holds it.
    pub async fn release_lease(&self, name: &str, owner: &str) -> Result<(), StoreError> {
        lease::Entity::delete_many()
            .filter(lease::Column::Name.eq(name))
            .filter(lease::Column::Owner.eq(owner))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
