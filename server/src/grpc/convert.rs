//! Conversions between protobuf messages and service types. Conversions from requests validate
//! every field and report all violations at once.

use chrono::{DateTime, Utc};
use multitok_proto::v1 as pb;
use multitok_shared::{Role, Violations, validate};
use multitok_store::{ApiToken, Member, NewWorkspace, User, Workspace};

use crate::service::auth::{ApiTokenRequest, Credentials, Registration, Session};

pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

pub fn registration(policy: multitok_core::config::RegistrationPolicy) -> pb::Registration {
    use multitok_core::config::RegistrationPolicy as P;
    match policy {
        P::Open => pb::Registration::Open,
        P::Invite => pb::Registration::Invite,
        P::Closed => pb::Registration::Closed,
    }
}

pub fn role_to_pb(role: Role) -> pb::Role {
    match role {
        Role::Owner => pb::Role::Owner,
        Role::Admin => pb::Role::Admin,
        Role::Editor => pb::Role::Editor,
        Role::Viewer => pb::Role::Viewer,
    }
}

pub fn role_from_pb(value: i32) -> Result<Role, String> {
    match pb::Role::try_from(value) {
        Ok(pb::Role::Owner) => Ok(Role::Owner),
        Ok(pb::Role::Admin) => Ok(Role::Admin),
        Ok(pb::Role::Editor) => Ok(Role::Editor),
        Ok(pb::Role::Viewer) => Ok(Role::Viewer),
        Ok(pb::Role::Unspecified) => Err("is required".into()),
        Err(_) => Err("must be one of ROLE_OWNER, ROLE_ADMIN, ROLE_EDITOR, ROLE_VIEWER".into()),
    }
}

/// Checks an id field; the accepted value is the canonical form.
pub fn id(field: &str, raw: &str) -> Result<String, Violations> {
    validate::uuid_text(raw).map_err(|e| Violations::one(field, e))
}

pub fn user(u: &User) -> pb::UserSummary {
    pb::UserSummary {
        id: u.id.clone(),
        email: u.email.clone(),
        display_name: u.display_name.clone(),
    }
}

pub fn workspace(w: Workspace) -> pb::Workspace {
    pb::Workspace {
        id: w.id,
        name: w.name,
        time_zone: w.time_zone,
    }
}

pub fn membership((w, role): (Workspace, Role)) -> pb::WorkspaceMembership {
    pb::WorkspaceMembership {
        workspace: Some(workspace(w)),
        role: role_to_pb(role).into(),
    }
}

pub fn member(m: Member) -> pb::Member {
    pb::Member {
        user: Some(user(&m.user)),
        role: role_to_pb(m.role).into(),
    }
}

pub fn api_token(t: ApiToken) -> pb::ApiToken {
    pb::ApiToken {
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        created_at: Some(timestamp(t.created_at)),
        expires_at: Some(timestamp(t.expires_at)),
        last_used_at: t.last_used_at.map(timestamp),
    }
}

/// A session for the response body; browsers get the refresh token as a cookie instead.
pub fn session(s: &Session, include_refresh: bool) -> pb::Session {
    pb::Session {
        access_token: s.access_token.clone(),
        access_token_expires_at: Some(timestamp(s.access_expires_at)),
        refresh_token: if include_refresh {
            s.refresh_token.clone()
        } else {
            String::new()
        },
        refresh_token_expires_at: Some(timestamp(s.refresh_expires_at)),
    }
}

/// An invitation token as links carry it: empty (none) or up to 100 URL-safe characters.
pub fn invitation(raw: &str) -> Result<Option<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let url_safe = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if raw.len() > 100 || !raw.chars().all(url_safe) {
        return Err("must be the token of an invitation link".into());
    }
    Ok(Some(raw.to_owned()))
}

impl TryFrom<pb::RegisterRequest> for Registration {
    type Error = Violations;
    fn try_from(r: pb::RegisterRequest) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let email = v.check("email", validate::email(&r.email));
        let password = v.check("password", validate::password(&r.password));
        let display_name = v.check("display_name", validate::name(&r.display_name));
        let invitation = v.check("invitation", invitation(&r.invitation));
        match (email, password, display_name, invitation) {
            (Some(email), Some(password), Some(display_name), Some(invitation)) => {
                Ok(Registration {
                    email,
                    password,
                    display_name,
                    invitation,
                })
            }
            _ => Err(v),
        }
    }
}

impl TryFrom<pb::LoginRequest> for Credentials {
    type Error = Violations;
    fn try_from(r: pb::LoginRequest) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let email = v.check("email", validate::email(&r.email));
        if r.password.is_empty() {
            v.add("password", "is required");
        } else if r.password.chars().count() > validate::PASSWORD_MAX_CHARS {
            v.add(
                "password",
                format!(
                    "must be at most {} characters",
                    validate::PASSWORD_MAX_CHARS
                ),
            );
        }
        match email {
            Some(email) if v.is_empty() => Ok(Credentials {
                email,
                password: r.password,
            }),
            _ => Err(v),
        }
    }
}

impl TryFrom<pb::CreateApiTokenRequest> for ApiTokenRequest {
    type Error = Violations;
    fn try_from(r: pb::CreateApiTokenRequest) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let name = v.check("name", validate::name(&r.name));
        if !(1..=365).contains(&r.expires_in_days) {
            v.add("expires_in_days", "must be between 1 and 365");
        }
        match name {
            Some(name) if v.is_empty() => Ok(ApiTokenRequest {
                name,
                lifetime_days: r.expires_in_days,
            }),
            _ => Err(v),
        }
    }
}

/// Validates a new workspace; an empty time zone means UTC.
pub fn new_workspace(r: pb::CreateWorkspaceRequest) -> Result<NewWorkspace, Violations> {
    {
        let mut v = Violations::new();
        let name = v.check("name", validate::name(&r.name));
        let time_zone = if r.time_zone.trim().is_empty() {
            Some("UTC".to_owned())
        } else {
            v.check("time_zone", validate::time_zone(&r.time_zone))
        };
        match (name, time_zone) {
            (Some(name), Some(time_zone)) => Ok(NewWorkspace { name, time_zone }),
            _ => Err(v),
        }
    }
}

/// A workspace id plus one more validated field, for the many requests of that shape.
pub fn scoped<T>(
    workspace_id: &str,
    field: &str,
    value: Result<T, String>,
) -> Result<(String, T), Violations> {
    let mut v = Violations::new();
    let id = v.check("workspace_id", validate::uuid_text(workspace_id));
    let value = v.check(field, value);
    match (id, value) {
        (Some(id), Some(value)) => Ok((id, value)),
        _ => Err(v),
    }
}

/// A workspace id and the id of something inside it (`field` names the second for errors).
pub fn ids(workspace_id: &str, field: &str, id: &str) -> Result<(String, String), Violations> {
    scoped(workspace_id, field, validate::uuid_text(id))
}

/// A workspace id, a member's user id and a role.
pub fn member_role(
    workspace_id: &str,
    user_id: &str,
    role: i32,
) -> Result<(String, String, Role), Violations> {
    let mut v = Violations::new();
    let ws = v.check("workspace_id", validate::uuid_text(workspace_id));
    let user = v.check("user_id", validate::uuid_text(user_id));
    let role = v.check("role", role_from_pb(role));
    match (ws, user, role) {
        (Some(ws), Some(user), Some(role)) => Ok((ws, user, role)),
        _ => Err(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_reports_every_bad_field() {
        let err = Registration::try_from(pb::RegisterRequest {
            email: "nope".into(),
            password: "short".into(),
            display_name: " ".into(),
            invitation: String::new(),
        })
        .unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["email", "password", "display_name"]);
    }

    #[test]
    fn unknown_role_values_are_rejected() {
        assert!(role_from_pb(0).is_err());
        assert!(role_from_pb(42).is_err());
        assert_eq!(role_from_pb(pb::Role::Editor as i32), Ok(Role::Editor));
    }

    proptest::proptest! {
        /// Any input converts to a value or to field violations; nothing panics.
        #[test]
        fn conversions_never_panic(a in ".*", b in ".*", c in ".*", n in proptest::num::u32::ANY, r in proptest::num::i32::ANY) {
            let _ = Registration::try_from(pb::RegisterRequest { email: a.clone(), password: b.clone(), display_name: c.clone(), invitation: String::new() });
            let _ = Credentials::try_from(pb::LoginRequest { email: a.clone(), password: b.clone() });
            let _ = ApiTokenRequest::try_from(pb::CreateApiTokenRequest { name: c.clone(), expires_in_days: n });
            let _ = new_workspace(pb::CreateWorkspaceRequest { name: a.clone(), time_zone: b.clone() });
            let _ = member_role(&a, &b, r);
            let _ = scoped(&a, "name", multitok_shared::validate::name(&c));
            let _ = role_from_pb(r);
        }
    }

    #[test]
    fn api_token_lifetime_is_bounded() {
        let req = |days| pb::CreateApiTokenRequest {
            name: "ci".into(),
            expires_in_days: days,
        };
        assert!(ApiTokenRequest::try_from(req(0)).is_err());
        assert!(ApiTokenRequest::try_from(req(366)).is_err());
        assert!(ApiTokenRequest::try_from(req(30)).is_ok());
    }
}
