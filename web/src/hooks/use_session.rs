//! Login state in a context: who is logged in, their workspaces, and the selected workspace.

use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::api::Api;
use crate::error::ApiError;

const WORKSPACE_KEY: &str = "multitok.workspace";

/// The signed-in user and their workspaces.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub user: pb::UserSummary,
    pub workspaces: Vec<pb::WorkspaceMembership>,
}

impl From<pb::MeResponse> for Profile {
    fn from(me: pb::MeResponse) -> Profile {
        Profile {
            user: me.user.unwrap_or_default(),
            workspaces: me.workspaces,
        }
    }
}

impl Profile {
    /// The profile as the `Me` call answers it (how it passes between the app's modules).
    pub fn to_me(&self) -> pb::MeResponse {
        pb::MeResponse {
            user: Some(self.user.clone()),
            workspaces: self.workspaces.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Session {
    /// Trying the session cookie at start.
    Loading,
    LoggedOut,
    LoggedIn(Profile),
}

/// Login state plus intent methods; obtained with [`use_session`].
#[derive(Clone, PartialEq)]
pub struct SessionHandle {
    pub api: Api,
    pub session: UseStateHandle<Session>,
    selected: UseStateHandle<Option<String>>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

impl SessionHandle {
    pub fn new(
        api: Api,
        session: UseStateHandle<Session>,
        selected: UseStateHandle<Option<String>>,
    ) -> Self {
        SessionHandle {
            api,
            session,
            selected,
        }
    }

    pub fn profile(&self) -> Option<Profile> {
        match &*self.session {
            Session::LoggedIn(profile) => Some(profile.clone()),
            _ => None,
        }
    }

    /// The selected workspace (or the first one) with the caller's role.
    pub fn workspace(&self) -> Option<pb::WorkspaceMembership> {
        let profile = self.profile()?;
        let selected = (*self.selected)
            .clone()
            .or_else(|| storage()?.get_item(WORKSPACE_KEY).ok()?);
        let find = |id: &str| {
            profile
                .workspaces
                .iter()
                .find(|m| m.workspace.as_ref().is_some_and(|w| w.id == id))
        };
        selected
            .as_deref()
            .and_then(find)
            .or(profile.workspaces.first())
            .cloned()
    }

    pub fn select_workspace(&self, id: String) {
        if let Some(s) = storage() {
            let _ = s.set_item(WORKSPACE_KEY, &id);
        }
        if let Some(host) = self.api.host() {
            host.workspace_selected(&id);
        }
        self.selected.set(Some(id));
    }

    /// Stores a fresh access token and loads the profile.
    pub async fn logged_in(&self, access_token: String) -> Result<(), ApiError> {
        self.api.set_token(Some(access_token));
        self.reload().await
    }

    /// Loads the profile again (after a change to workspaces).
    pub async fn reload(&self) -> Result<(), ApiError> {
        let me = self.api.send(pb::MeRequest {}).await?;
        if let Some(host) = self.api.host() {
            host.profile_changed(&me);
        }
        self.session.set(Session::LoggedIn(Profile::from(me)));
        Ok(())
    }

    /// On start: a reload keeps you logged in through the session cookie.
    pub async fn resume(&self) {
        let resumed = match self.api.refresh().await {
            Ok(()) => self.reload().await.is_ok(),
            Err(_) => false,
        };
        if !resumed {
            self.session.set(Session::LoggedOut);
        }
    }

    pub async fn logout(&self) {
        if let Some(host) = self.api.host() {
            host.logout();
            return;
        }
        let _ = self.api.send(pb::LogoutRequest::default()).await;
        self.api.set_token(None);
        self.session.set(Session::LoggedOut);
    }
}

/// The login state; panics only if used outside the app's provider (a programming error).
#[hook]
pub fn use_session() -> SessionHandle {
    #[allow(clippy::expect_used)]
    use_context::<SessionHandle>().expect("SessionHandle context is provided by App")
}
