//! The people who sign in.

use chrono::{DateTime, Utc};

use crate::entity::user;

/// A registered person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    /// Set while an operator has disabled the user, who cannot sign in then.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> User {
        User {
            id: m.id,
            email: m.email,
            display_name: m.display_name,
            password_hash: m.password_hash,
            created_at: m.created_at,
            disabled_at: m.disabled_at,
        }
    }
}
