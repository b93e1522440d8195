//! A short-lived in-process cache of `Me` answers (the user and their workspaces), the hottest
//! read: every page load and most scripts ask it. Any change to workspaces or memberships made
//! through this process clears it; other replicas see such a change within [`TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use multitok_shared::Role;
use multitok_store::{User, Workspace};

/// Longest time a replica may answer from a stale entry.
pub const TTL: Duration = Duration::from_secs(5);
const MAX_ENTRIES: usize = 10_000;

pub type Profile = (User, Vec<(Workspace, Role)>);

#[derive(Debug, Default)]
pub struct ProfileCache {
    entries: Mutex<HashMap<String, (Instant, Profile)>>,
}

impl ProfileCache {
    pub fn get(&self, user_id: &str) -> Option<Profile> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(user_id)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, p)| p.clone())
    }

    pub fn put(&self, user_id: &str, profile: Profile) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (at, _)| at.elapsed() < TTL);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(user_id.to_owned(), (Instant::now(), profile));
    }

    /// Forgets everything (after any workspace or membership change).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str) -> Profile {
        let user = User {
            id: "u".into(),
            email: "u@example.com".into(),
            display_name: name.into(),
            password_hash: String::new(),
            created_at: chrono::Utc::now(),
            disabled_at: None,
        };
        (user, Vec::new())
    }

    #[test]
    fn entries_are_served_until_cleared() {
        let cache = ProfileCache::default();
        assert!(cache.get("u").is_none());
        cache.put("u", profile("Ana"));
        assert_eq!(cache.get("u").map(|p| p.0.display_name), Some("Ana".into()));
        cache.clear();
        assert!(cache.get("u").is_none());
    }
}
