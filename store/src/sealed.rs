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
