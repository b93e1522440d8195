//! The operator's `multitok-server admin …` commands against the configured database: create a
//! user (the first admin on a closed server), reset a password, list users, disable or enable a
//! user, and end a user's sessions. Each validates its input as the API does and changes the
//! database in one unit of work.

use anyhow::bail;
use chrono::Utc;
use multitok_shared::validate;
use multitok_store::{NewUser, NewWorkspace, Store, User};

use crate::service::secrets::new_secret;

/// What `create-user` made; `password` is set when it was generated.
#[derive(Debug)]
pub struct Created {
    pub email: String,
    pub workspace: String,
    pub password: Option<String>,
}

/// Creates a user with a workspace of their own (named `workspace`, or after them). Without a
/// password, a random one is generated and answered once.
pub async fn create_user(
    store: &Store,
    email: &str,
    password: Option<String>,
    workspace: Option<String>,
) -> anyhow::Result<Created> {
    let email = validate::email(email).map_err(|e| anyhow::anyhow!("--email {e}"))?;
    let generated = password.is_none();
    let password = password.unwrap_or_else(|| new_secret("").chars().take(20).collect());
    let password = validate::password(&password).map_err(|e| anyhow::anyhow!("password {e}"))?;
    let display_name = email.split('@').next().unwrap_or("admin").to_owned();
    let name = workspace.unwrap_or_else(|| format!("{display_name}'s workspace"));
    let name = validate::name(&name).map_err(|e| anyhow::anyhow!("--workspace {e}"))?;
    let hash = hash_off_runtime(password.clone()).await?;
    let new = NewUser {
        email: email.clone(),
        display_name,
        password_hash: hash,
    };
    let first = NewWorkspace {
        name,
        time_zone: "UTC".into(),
    };
    let (_, ws) = store
        .register_user(new, first, Utc::now())
        .await
        .map_err(|e| match e {
            multitok_store::StoreError::Conflict => {
                anyhow::anyhow!("{email} already has an account")
            }
            other => anyhow::Error::new(other),
        })?;
    Ok(Created {
        email,
        workspace: ws.name,
        password: generated.then_some(password),
    })
}

/// Sets a new password and ends every session of the user.
pub async fn reset_password(store: &Store, email: &str, password: &str) -> anyhow::Result<u64> {
    let user = user(store, email).await?;
    let password = validate::password(password).map_err(|e| anyhow::anyhow!("password {e}"))?;
    let hash = hash_off_runtime(password).await?;
    let work = store.begin_work().await?;
    store.set_password_in(&work, &user.id, &hash).await?;
    let ended = store
        .revoke_sessions_in(&work, &user.id, Utc::now())
        .await?;
    work.commit().await?;
    Ok(ended)
}

/// Every user as a table: email, name, status, workspaces, created.
pub async fn list_users(store: &Store) -> anyhow::Result<String> {
    let mut out = format!(
        "{:<40} {:<24} {:<9} {:>10}  created\n",
        "email", "name", "status", "workspaces"
    );
    for u in store.users_overview().await? {
        let status = if u.disabled_at.is_some() {
            "disabled"
        } else {
            "active"
        };
        out.push_str(&format!(
            "{:<40} {:<24} {:<9} {:>10}  {}\n",
            u.email,
            u.display_name,
            status,
            u.workspaces,
            u.created_at.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    Ok(out)
}

/// Disables a user (they cannot sign in; their sessions and API tokens end) or enables them.
pub async fn set_disabled(store: &Store, email: &str, disabled: bool) -> anyhow::Result<()> {
    let user = user(store, email).await?;
    let now = Utc::now();
    let work = store.begin_work().await?;
    store
        .set_disabled_in(&work, &user.id, disabled.then_some(now))
        .await?;
    if disabled {
        store.revoke_sessions_in(&work, &user.id, now).await?;
        store.revoke_api_tokens_in(&work, &user.id, now).await?;
    }
    work.commit().await?;
    Ok(())
}

/// Ends every session of the user; answers how many were live.
pub async fn revoke_sessions(store: &Store, email: &str) -> anyhow::Result<u64> {
    let user = user(store, email).await?;
    let work = store.begin_work().await?;
    let ended = store
        .revoke_sessions_in(&work, &user.id, Utc::now())
        .await?;
    work.commit().await?;
    Ok(ended)
}

async fn user(store: &Store, email: &str) -> anyhow::Result<User> {
    let email = validate::email(email).map_err(|e| anyhow::anyhow!("--email {e}"))?;
    match store.user_by_email(&email).await? {
        Some(user) => Ok(user),
        None => bail!("no user with the email {email}"),
    }
}

async fn hash_off_runtime(password: String) -> anyhow::Result<String> {
    crate::service::secrets::hash_off_runtime(password)
        .await
        .map_err(|e| anyhow::anyhow!("hashing the password: {e:?}"))
}
