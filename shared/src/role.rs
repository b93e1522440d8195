//! Workspace roles and the permission table that says what each role may do.
//!
//! `docs/permissions.md` renders the same table for people; a test keeps the two in step.

use std::fmt;

/// A member's role inside one workspace, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Owner,
    Admin,
    Editor,
    Viewer,
}

/// Everything a member may be allowed to do inside a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the workspace, its settings and its members.
    ViewWorkspace,
    /// Rename the workspace and change its time zone.
    EditSettings,
    /// Add members, change roles and remove members (within [`Role::can_manage`]).
    ManageMembers,
    /// Connect and disconnect TikTok accounts.
    ManageAccounts,
    /// Upload media, compose, schedule and publish posts.
    EditContent,
    /// Read analytics and export them.
    ViewAnalytics,
}

impl Action {
    /// Every action, in the order of the permission table.
    pub const ALL: [Action; 6] = [
        Action::ViewWorkspace,
        Action::EditSettings,
        Action::ManageMembers,
        Action::ManageAccounts,
        Action::EditContent,
        Action::ViewAnalytics,
    ];
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Editor, Role::Viewer];

    /// The permission table: whether a member with this role may perform `action`.
    pub const fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Owner => true,
            Role::Admin => true,
            Role::Editor => matches!(action, ViewWorkspace | EditContent | ViewAnalytics),
            Role::Viewer => matches!(action, ViewWorkspace | ViewAnalytics),
        }
    }

    /// Whether a member with this role may add, change or remove a member whose role is
    /// `other`, or give someone the role `other`. Only owners touch owners.
    pub const fn can_manage(self, other: Role) -> bool {
        match self {
            Role::Owner => true,
            Role::Admin => !matches!(other, Role::Owner),
            Role::Editor | Role::Viewer => false,
        }
    }

    /// Stable lower-case name, as stored in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(Role::Owner, Action::EditSettings, true)]
    #[case(Role::Admin, Action::ManageMembers, true)]
    #[case(Role::Editor, Action::ManageMembers, false)]
    #[case(Role::Editor, Action::EditContent, true)]
    #[case(Role::Editor, Action::ManageAccounts, false)]
    #[case(Role::Viewer, Action::EditContent, false)]
    #[case(Role::Viewer, Action::ViewAnalytics, true)]
    fn permission_table_rows(#[case] role: Role, #[case] action: Action, #[case] allowed: bool) {
        assert_eq!(role.allows(action), allowed);
    }

    #[test]
    fn only_owners_manage_owners() {
        assert!(Role::Owner.can_manage(Role::Owner));
        assert!(!Role::Admin.can_manage(Role::Owner));
        assert!(Role::Admin.can_manage(Role::Admin));
        assert!(!Role::Editor.can_manage(Role::Viewer));
    }

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    /// Keeps `docs/permissions.md` true: every cell there matches [`Role::allows`].
    #[test]
    fn permissions_doc_matches_table() {
        let doc = include_str!("../../docs/permissions.md");
        for action in Action::ALL {
            let label = format!("`{action:?}`");
            let row = doc
                .lines()
                .find(|line| line.starts_with(&format!("| {label}")))
                .unwrap_or_else(|| panic!("docs/permissions.md has no row for {label}"));
            let cells: Vec<&str> = row
                .split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            for (i, role) in Role::ALL.into_iter().enumerate() {
                let expected = if role.allows(action) { "yes" } else { "no" };
                assert_eq!(cells[i + 2], expected, "{label} for {role}");
            }
        }
    }
}
