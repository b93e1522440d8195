//! Whether a connected TikTok account can be used, as stored.

/// The health of an account's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountStatus {
    /// Its tokens work (or can be refreshed).
    Active,
    /// TikTok refused its tokens; a person must connect it again.
    ReauthRequired,
    /// Disconnected, or its authorization removed on TikTok; its tokens are gone.
    Revoked,
}

impl AccountStatus {
    pub const ALL: [AccountStatus; 3] = [
        AccountStatus::Active,
        AccountStatus::ReauthRequired,
        AccountStatus::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::ReauthRequired => "reauth_required",
            AccountStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<AccountStatus> {
        AccountStatus::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Compares with a stored name, as it reads in a test or a log.
impl PartialEq<&str> for AccountStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_stored_name() {
        for s in AccountStatus::ALL {
            assert_eq!(AccountStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AccountStatus::parse("paused"), None);
    }
}
