//! An account's analytics version, raised whenever what its analytics read from changes; cached
//! answers carry the version in their key, so none computed before a change is served after it.
//! Only the unit of work's analytics records call these.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::StoreError;
use crate::entity::{post_target, tiktok_account};

/// Raises the accounts' analytics versions.
pub(crate) async fn raise(
    db: &impl ConnectionTrait,
    account_ids: impl IntoIterator<Item = String>,
) -> Result<(), StoreError> {
    use tiktok_account::Column as C;
    tiktok_account::Entity::update_many()
        .col_expr(C::AnalyticsVersion, Expr::col(C::AnalyticsVersion).add(1))
        .filter(C::Id.is_in(account_ids))
        .exec(db)
        .await?;
    Ok(())
}

/// Raises the analytics version of the target's account.
pub(crate) async fn raise_for_target(
    db: &impl ConnectionTrait,
    target_id: &str,
) -> Result<(), StoreError> {
    use tiktok_account::Column as C;
    tiktok_account::Entity::update_many()
        .col_expr(C::AnalyticsVersion, Expr::col(C::AnalyticsVersion).add(1))
        .filter(
            C::Id.in_subquery(
                Query::select()
                    .column(post_target::Column::AccountId)
                    .from(post_target::Entity)
                    .and_where(post_target::Column::Id.eq(target_id))
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    Ok(())
}
