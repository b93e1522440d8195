//! The storage edge: rows become domain values here, once. A stored name the domain does not
//! know (a state, a status) is a database error, never a silent default.

use sea_orm::DbErr;

use crate::StoreError;

/// Every row as its domain value.
pub(crate) fn all<M, D>(rows: Vec<M>) -> Result<Vec<D>, StoreError>
where
    D: TryFrom<M>,
    StoreError: From<D::Error>,
{
    rows.into_iter()
        .map(|m| D::try_from(m).map_err(StoreError::from))
        .collect()
}

/// The row, if any, as its domain value.
pub(crate) fn one<M, D>(row: Option<M>) -> Result<Option<D>, StoreError>
where
    D: TryFrom<M>,
    StoreError: From<D::Error>,
{
    row.map(|m| D::try_from(m).map_err(StoreError::from))
        .transpose()
}

/// The row as its domain value.
pub(crate) fn value<M, D>(row: M) -> Result<D, StoreError>
where
    D: TryFrom<M>,
    StoreError: From<D::Error>,
{
    D::try_from(row).map_err(StoreError::from)
}

/// A stored name that maps to nothing the domain knows.
pub(crate) fn unknown(what: &str, value: &str) -> StoreError {
    StoreError::Unexpected(DbErr::Type(format!(
        "unknown {what} {value:?} in the database"
    )))
}
