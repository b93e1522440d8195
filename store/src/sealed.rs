//! A secret as the store keeps it: sealed (encrypted) by the core before it arrives, opaque
//! here, and never printed.

use std::fmt;
use std::ops::Deref;

/// Ciphertext of a token; `Debug` shows no part of it.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(String);

impl Sealed {
    pub fn new(ciphertext: impl Into<String>) -> Sealed {
        Sealed(ciphertext.into())
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The sealed text, for the sealer that opens it.
impl Deref for Sealed {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Sealed {
    fn from(s: String) -> Sealed {
        Sealed(s)
    }
}

impl From<&str> for Sealed {
    fn from(s: &str) -> Sealed {
        Sealed(s.to_owned())
    }
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealed(…)")
    }
}

impl PartialEq<&str> for Sealed {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl crate::Store {
    /// One sealed TikTok token per key id in use (the text before the first `:`), so that a
    /// process can prove at start that its keys open every token stored.
    pub async fn sealed_token_samples(&self) -> Result<Vec<(String, Sealed)>, crate::StoreError> {
        use crate::entity::tiktok_account::{Column, Entity};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
        let rows: Vec<(Option<String>, Option<String>)> = Entity::find()
            .select_only()
            .column(Column::AccessTokenEnc)
            .column(Column::RefreshTokenEnc)
            .filter(
                sea_orm::Condition::any()
                    .add(Column::AccessTokenEnc.is_not_null())
                    .add(Column::RefreshTokenEnc.is_not_null()),
            )
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut samples: Vec<(String, Sealed)> = Vec::new();
        for sealed in rows.into_iter().flat_map(|(a, r)| [a, r]).flatten() {
            let id = sealed.split_once(':').map_or("", |(id, _)| id).to_owned();
            if !samples.iter().any(|(known, _)| *known == id) {
                samples.push((id, Sealed(sealed)));
            }
        }
        Ok(samples)
    }
}
