//! The publishing state machine of one post target (one post on one account), as stored.

/// Where a post target is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetState {
    Scheduled,
    Claimed,
    Initialized,
    Uploading,
    Processing,
    Published,
    Failed,
    NeedsAttention,
    Cancelled,
}

impl TargetState {
    pub const ALL: [TargetState; 9] = [
        TargetState::Scheduled,
        TargetState::Claimed,
        TargetState::Initialized,
        TargetState::Uploading,
        TargetState::Processing,
        TargetState::Published,
        TargetState::Failed,
        TargetState::NeedsAttention,
        TargetState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TargetState::Scheduled => "scheduled",
            TargetState::Claimed => "claimed",
            TargetState::Initialized => "initialized",
            TargetState::Uploading => "uploading",
            TargetState::Processing => "processing",
            TargetState::Published => "published",
            TargetState::Failed => "failed",
            TargetState::NeedsAttention => "needs_attention",
            TargetState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<TargetState> {
        TargetState::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Waiting for its time: can still be moved or cancelled.
    pub fn is_waiting(self) -> bool {
        self == TargetState::Scheduled
    }

    /// No further transition happens without a person.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TargetState::Published | TargetState::Failed | TargetState::Cancelled
        )
    }

    /// Uses (or used) one of the account's posting slots: everything but failed and cancelled.
    pub fn counts_toward_quota(self) -> bool {
        !matches!(self, TargetState::Failed | TargetState::Cancelled)
    }

    /// Still needs its video: waiting or publishing.
    pub fn needs_media(self) -> bool {
        !self.is_final()
    }

    /// States in which a target counts toward the quota, as stored.
    pub fn quota_states() -> Vec<&'static str> {
        Self::states_where(Self::counts_toward_quota)
    }

    /// States in which a target still needs its video, as stored.
    pub fn media_states() -> Vec<&'static str> {
        Self::states_where(Self::needs_media)
    }

    fn states_where(keep: fn(TargetState) -> bool) -> Vec<&'static str> {
        TargetState::ALL
            .into_iter()
            .filter(|s| keep(*s))
            .map(TargetState::as_str)
            .collect()
    }
}

/// Compares with a stored name, as it reads in a test or a log.
impl PartialEq<&str> for TargetState {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_round_trips_through_its_stored_name() {
        for s in TargetState::ALL {
            assert_eq!(TargetState::parse(s.as_str()), Some(s));
        }
        assert_eq!(TargetState::parse("draft"), None);
    }

    #[test]
    fn only_waiting_targets_move_and_failed_ones_free_their_slot() {
        assert!(TargetState::Scheduled.is_waiting());
        assert!(!TargetState::Claimed.is_waiting());
        assert!(TargetState::Published.counts_toward_quota());
        assert!(!TargetState::quota_states().contains(&"failed"));
        assert!(!TargetState::quota_states().contains(&"cancelled"));
        assert!(TargetState::media_states().contains(&"uploading"));
        assert!(!TargetState::media_states().contains(&"published"));
    }
}
