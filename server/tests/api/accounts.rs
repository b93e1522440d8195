//! Connecting TikTok accounts through the in-process sandbox: approve, deny, replayed state,
//! reconnect, missing scopes, creator info, disconnect, webhooks, permissions.

use multitok_proto::v1 as pb;
use multitok_proto::v1::account_service_client::AccountServiceClient;
use multitok_sandbox::{Sandbox, SandboxConfig};
use tonic::Code;
use tonic::transport::Channel;

use crate::helpers::{TestApp, TestUser, authed, unique_email};

pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) sandbox: Sandbox,
    pub(crate) http: reqwest::Client,
    pub(crate) owner: TestUser,
    /// The connection cookie of the last `start`, which this test's "browser" sends back.
    browser: std::sync::Mutex<Option<String>>,
}

pub const TOKEN_KEY: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

pub(crate) async fn world() -> World {
    world_with(|_| {}).await
}

/// A world whose server settings `configure` adjusts.
pub(crate) async fn world_with(configure: impl FnOnce(&mut multitok_server::Settings)) -> World {
    let sandbox = Sandbox::spawn(SandboxConfig {
        processing_ms: 0,
        moderation_ms: 0,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let (key, secret, base) = (
        sandbox.app.config.client_key.clone(),
        sandbox.app.config.client_secret.clone(),
        sandbox.url(),
    );
    let app = TestApp::spawn_with(move |s| {
        s.tiktok.client_key = key;
        s.tiktok.client_secret = secret;
        s.tiktok.api_base = base;
        s.tiktok.authorize_url = String::new();
        s.tiktok.token_keys = vec![TOKEN_KEY.into()];
        configure(s);
    })
    .await;
    let owner = app.register(&unique_email("owner")).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    World {
        app,
        sandbox,
        http,
        owner,
        browser: std::sync::Mutex::default(),
    }
}

impl World {
    fn accounts(&self) -> AccountServiceClient<Channel> {
        AccountServiceClient::new(self.app.channel.clone())
    }

    async fn start(&self, user: &TestUser, workspace_id: &str) -> Result<String, tonic::Status> {
        let r = self
            .accounts()
            .start_connect(authed(
                &user.access_token,
                pb::StartConnectRequest {
                    workspace_id: workspace_id.into(),
                },
            ))
            .await?;
        let cookie = r.metadata().get("set-cookie").expect("a connection cookie");
        let pair = cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        *self.browser.lock().unwrap() = Some(pair);
        Ok(r.into_inner().authorize_url)
    }

    /// Follows TikTok's consent page (with extra query) to the server's callback URL.
    async fn consent(&self, authorize_url: &str, extra: &str) -> String {
        let r = self
            .http
            .get(format!("{authorize_url}{extra}"))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{}", r.status());
        r.headers()["location"].to_str().unwrap().to_owned()
    }

    /// Calls the server's callback and returns where it sends the browser.
    async fn callback(&self, url: &str) -> String {
        let cookie = self.browser.lock().unwrap().clone().unwrap_or_default();
        let r = self
            .http
            .get(url)
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{}", r.status());
        r.headers()["location"].to_str().unwrap().to_owned()
    }

    pub(crate) async fn connect(&self, open_id: &str) -> String {
        let url = self
            .start(&self.owner, &self.owner.workspace_id)
            .await
            .unwrap();
        let back = self
            .consent(&url, &format!("&auto_approve={open_id}"))
            .await;
        let landing = self.callback(&back).await;
        assert!(landing.contains("connected="), "{landing}");
        landing.split("connected=").nth(1).unwrap().to_owned()
    }

    async fn list(&self) -> Vec<pb::Account> {
        let mut client = self.accounts();
        let request = authed(
            &self.owner.access_token,
            pb::ListAccountsRequest {
                workspace_id: self.owner.workspace_id.clone(),
            },
        );
        client
            .list_accounts(request)
            .await
            .unwrap()
            .into_inner()
            .accounts
    }
}

#[tokio::test]
async fn connecting_stores_the_account_with_encrypted_tokens() {
    let w = world().await;
    let id = w.connect("sbx-open-ana").await;
    let list = w.list().await;
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].id.as_str(), list[0].display_name.as_str()),
        (id.as_str(), "Ana Bakes")
    );
    assert_eq!(list[0].status, pb::AccountStatus::Active as i32);
    assert_eq!(list[0].daily_post_cap, 15);
    assert!(list[0].scopes.contains(&"video.publish".to_owned()));

    let store = multitok_store::Store::connect(&w.app.database_url, 1)
        .await
        .unwrap();
    let row = store
        .account(&w.owner.workspace_id, &id)
        .await
        .unwrap()
        .unwrap();
    let sealed = row.access_token_enc.unwrap();
    assert!(
        sealed.starts_with("k1:") && !sealed.contains("act."),
        "tokens are encrypted at rest"
    );

    let info = w
        .accounts()
        .get_creator_info(authed(
            &w.owner.access_token,
            pb::GetCreatorInfoRequest {
                workspace_id: w.owner.workspace_id.clone(),
                account_id: id,
            },
        ))
        .await;
    let info = info.unwrap().into_inner().creator_info.unwrap();
    assert_eq!(info.nickname, "Ana Bakes");
    assert!(
        info.privacy_level_options
            .contains(&"PUBLIC_TO_EVERYONE".to_owned())
    );
}

#[tokio::test]
async fn reconnecting_the_same_creator_updates_the_account() {
    let w = world().await;
    let first = w.connect("sbx-open-ben").await;
    let second = w.connect("sbx-open-ben").await;
    assert_eq!(first, second);
    assert_eq!(w.list().await.len(), 1);
}

#[tokio::test]
async fn a_replayed_or_unknown_state_is_refused() {
    let w = world().await;
    let url = w.start(&w.owner, &w.owner.workspace_id).await.unwrap();
    let back = w.consent(&url, "&auto_approve=sbx-open-ana").await;
    assert!(w.callback(&back).await.contains("connected="));
    let replay = w.callback(&back).await;
    assert!(
        replay.starts_with("/accounts?error=") && replay.contains("already+used"),
        "{replay}"
    );
    let forged = w
        .callback(&format!(
            "http://{}/oauth/tiktok/callback?code=x&state=forged",
            w.app.addr
        ))
        .await;
    assert!(forged.contains("error="), "{forged}");
    assert_eq!(w.list().await.len(), 1);
}

#[tokio::test]
async fn denied_consent_ends_on_a_clear_message_and_stores_nothing() {
    let w = world().await;
    let url = w.start(&w.owner, &w.owner.workspace_id).await.unwrap();
    let page = w.http.get(&url).send().await.unwrap().text().await.unwrap();
    let deny = page
        .split("class=\"deny\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let back = w
        .http
        .get(format!("{}{deny}", w.sandbox.url()))
        .send()
        .await
        .unwrap()
        .headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let landing = w.callback(&back).await;
    assert!(landing.contains("cancelled"), "{landing}");
    assert!(w.list().await.is_empty());
}

#[tokio::test]
async fn missing_scopes_are_refused_and_nothing_is_half_stored() {
    let w = world().await;
    let url = w.start(&w.owner, &w.owner.workspace_id).await.unwrap();
    let back = w
        .consent(
            &url,
            "&auto_approve=sbx-open-ana&granted=user.info.basic,video.list",
        )
        .await;
    let landing = w.callback(&back).await;
    assert!(
        landing.contains("error=") && landing.contains("video.publish"),
        "{landing}"
    );
    assert!(w.list().await.is_empty());
}

#[tokio::test]
async fn disconnecting_revokes_at_tiktok_and_forgets_the_tokens() {
    let w = world().await;
    let id = w.connect("sbx-open-ana").await;
    let ws = w.owner.workspace_id.clone();
    w.accounts()
        .disconnect_account(authed(
            &w.owner.access_token,
            pb::DisconnectAccountRequest {
                workspace_id: ws.clone(),
                account_id: id.clone(),
                purge_history: false,
            },
        ))
        .await
        .unwrap();
    let list = w.list().await;
    assert_eq!(list[0].status, pb::AccountStatus::Revoked as i32);
    let store = multitok_store::Store::connect(&w.app.database_url, 1)
        .await
        .unwrap();
    assert!(
        store
            .account(&ws, &id)
            .await
            .unwrap()
            .unwrap()
            .access_token_enc
            .is_none()
    );
    assert!(
        w.sandbox
            .app
            .lock()
            .tokens
            .values()
            .all(|t| t.open_id != "sbx-open-ana"),
        "revoked at TikTok"
    );

    w.accounts()
        .disconnect_account(authed(
            &w.owner.access_token,
            pb::DisconnectAccountRequest {
                workspace_id: ws,
                account_id: id,
                purge_history: true,
            },
        ))
        .await
        .unwrap();
    assert!(w.list().await.is_empty());
}

#[tokio::test]
async fn disconnecting_in_one_workspace_keeps_the_creator_connected_in_another() {
    let w = world().await;
    let ours = w.connect("sbx-open-ana").await;
    let bob = w.app.register(&unique_email("bob")).await;
    let url = w.start(&bob, &bob.workspace_id).await.unwrap();
    let back = w.consent(&url, "&auto_approve=sbx-open-ana").await;
    let theirs = w
        .callback(&back)
        .await
        .split("connected=")
        .nth(1)
        .unwrap()
        .to_owned();
    let disconnect = |user: TestUser, account_id: String| {
        let mut accounts = w.accounts();
        async move {
            accounts
                .disconnect_account(authed(
                    &user.access_token,
                    pb::DisconnectAccountRequest {
                        workspace_id: user.workspace_id.clone(),
                        account_id,
                        purge_history: false,
                    },
                ))
                .await
                .unwrap()
                .into_inner()
        }
    };
    let first = disconnect(w.owner.clone(), ours).await;
    assert!(
        first.still_connected_elsewhere && !first.revoked_at_tiktok,
        "{first:?}"
    );
    let held_at_tiktok = || {
        w.sandbox
            .app
            .lock()
            .tokens
            .values()
            .any(|t| t.open_id == "sbx-open-ana")
    };
    assert!(
        held_at_tiktok(),
        "the other workspace's authorization is kept"
    );
    let bobs = w
        .accounts()
        .list_accounts(authed(
            &bob.access_token,
            pb::ListAccountsRequest {
                workspace_id: bob.workspace_id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .accounts;
    assert_eq!(bobs[0].status, pb::AccountStatus::Active as i32);
    let last = disconnect(bob.clone(), theirs).await;
    assert!(
        !last.still_connected_elsewhere && last.revoked_at_tiktok,
        "{last:?}"
    );
    assert!(!held_at_tiktok(), "the last connection revokes at TikTok");
}

pub(crate) fn signed(secret: &str, body: &str) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    multitok_tiktok::webhook::sign(secret, t, body.as_bytes())
}

#[tokio::test]
async fn webhooks_need_a_valid_signature_and_duplicates_are_harmless() {
    let w = world().await;
    w.connect("sbx-open-ana").await;
    let url = format!("http://{}/webhooks/tiktok", w.app.addr);
    let body = r#"{"client_key":"sbx-client-key","event":"authorization.removed","create_time":1,"user_openid":"sbx-open-ana","content":"{\"reason\":1}"}"#;
    let forged = w
        .http
        .post(&url)
        .header("TikTok-Signature", signed("wrong secret", body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    assert_eq!(w.list().await[0].status, pb::AccountStatus::Active as i32);

    let secret = w.sandbox.app.config.client_secret.clone();
    for _ in 0..2 {
        let r = w
            .http
            .post(&url)
            .header("TikTok-Signature", signed(&secret, body))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let account = &w.list().await[0];
    assert_eq!(account.status, pb::AccountStatus::Revoked as i32);
    assert!(
        account.status_reason.contains("disconnected"),
        "{}",
        account.status_reason
    );
}

#[tokio::test]
async fn a_delivery_whose_processing_was_cut_short_is_retried_from_its_body() {
    let w = world().await;
    w.connect("sbx-open-ana").await;
    let body = r#"{"client_key":"sbx-client-key","event":"authorization.removed","create_time":1,"user_openid":"sbx-open-ana","content":"{\"reason\":2}"}"#;
    let store = multitok_store::Store::connect(&w.app.database_url, 1)
        .await
        .unwrap();
    // Recorded, then the process stopped before its effect was committed.
    let received = chrono::Utc::now() - chrono::TimeDelta::minutes(5);
    store
        .record_delivery("cut-short", "authorization.removed", body, received)
        .await
        .unwrap();
    assert_eq!(w.list().await[0].status, pb::AccountStatus::Active as i32);
    let mut settings = multitok_server::Settings {
        database_url: w.app.database_url.clone(),
        media_dir: w.app.keys_file.parent().unwrap().join("media"),
        ..Default::default()
    };
    settings.tiktok.token_keys = vec![TOKEN_KEY.into()];
    let core = multitok_core::Core::new(store, &settings, multitok_core::Clock::system()).unwrap();
    assert_eq!(core.retry_webhooks().await.unwrap(), 1);
    let account = &w.list().await[0];
    assert_eq!(account.status, pb::AccountStatus::Revoked as i32);
    assert!(
        account.status_reason.contains("deleted"),
        "{}",
        account.status_reason
    );
    assert_eq!(core.retry_webhooks().await.unwrap(), 0, "processed once");
}

#[tokio::test]
async fn sync_requests_while_one_is_due_are_coalesced() {
    let w = world().await;
    let id = w.connect("sbx-open-ana").await;
    let sync = || {
        let mut accounts = w.accounts();
        let request = authed(
            &w.owner.access_token,
            pb::SyncAccountRequest {
                workspace_id: w.owner.workspace_id.clone(),
                account_id: id.clone(),
            },
        );
        async move {
            accounts
                .sync_account(request)
                .await
                .unwrap()
                .into_inner()
                .sync_at
                .unwrap()
        }
    };
    let first = sync().await;
    let store = multitok_store::Store::connect(&w.app.database_url, 1)
        .await
        .unwrap();
    let before = store.row_counts().await.unwrap();
    for _ in 0..3 {
        assert_eq!(sync().await, first, "the due sync is the one that runs");
    }
    assert_eq!(store.row_counts().await.unwrap(), before);
}

#[tokio::test]
async fn a_connection_completes_only_in_the_browser_that_started_it() {
    let w = world().await;
    let ben = w.app.register(&unique_email("ben")).await;
    w.start(&ben, &ben.workspace_id).await.unwrap();
    let bens_browser = w.browser.lock().unwrap().clone();
    // Ana starts connecting and sends the consent link to Ben, who approves it in a browser
    // without Ana's cookie: his own, or one with no cookie at all.
    for cookie in [bens_browser, None] {
        let url = w.start(&w.owner, &w.owner.workspace_id).await.unwrap();
        let back = w.consent(&url, "&auto_approve=sbx-open-ben").await;
        *w.browser.lock().unwrap() = cookie;
        let landing = w.callback(&back).await;
        assert!(landing.contains("error="), "{landing}");
        assert!(landing.contains("another+browser"), "{landing}");
    }
    assert!(
        w.list().await.is_empty(),
        "nothing was connected to Ana's workspace"
    );
    // In Ana's own browser the whole flow works.
    w.connect("sbx-open-ana").await;
    assert_eq!(w.list().await.len(), 1);
}

#[tokio::test]
async fn viewers_cannot_connect_and_other_workspaces_see_nothing() {
    let w = world().await;
    let id = w.connect("sbx-open-ana").await;
    let viewer = w.app.register(&unique_email("viewer")).await;
    w.app
        .add(&w.owner, &w.owner.workspace_id, &viewer, pb::Role::Viewer)
        .await;
    assert_eq!(
        w.start(&viewer, &w.owner.workspace_id)
            .await
            .unwrap_err()
            .code(),
        Code::PermissionDenied
    );
    let listed = w
        .accounts()
        .list_accounts(authed(
            &viewer.access_token,
            pb::ListAccountsRequest {
                workspace_id: w.owner.workspace_id.clone(),
            },
        ))
        .await;
    assert_eq!(
        listed.unwrap().into_inner().accounts.len(),
        1,
        "viewers may look"
    );

    let stranger = w.app.register(&unique_email("stranger")).await;
    let foreign = w
        .accounts()
        .get_account(authed(
            &stranger.access_token,
            pb::GetAccountRequest {
                workspace_id: w.owner.workspace_id.clone(),
                account_id: id.clone(),
            },
        ))
        .await;
    assert_eq!(foreign.unwrap_err().code(), Code::NotFound);
    let own_ws = w
        .accounts()
        .get_account(authed(
            &stranger.access_token,
            pb::GetAccountRequest {
                workspace_id: stranger.workspace_id.clone(),
                account_id: id,
            },
        ))
        .await;
    assert_eq!(
        own_ws.unwrap_err().code(),
        Code::NotFound,
        "an account id from another workspace is not found"
    );
}

#[tokio::test]
async fn a_rejected_access_token_is_refreshed_once_then_the_account_asks_to_reconnect() {
    let w = world().await;
    let id = w.connect("sbx-open-ana").await;
    let ws = w.owner.workspace_id.clone();
    let store = multitok_store::Store::connect(&w.app.database_url, 1)
        .await
        .unwrap();
    let before = store.account(&ws, &id).await.unwrap().unwrap();
    w.http
        .post(format!(
            "{}/admin/expire-tokens/sbx-open-ana",
            w.sandbox.url()
        ))
        .send()
        .await
        .unwrap();
    let info = w
        .accounts()
        .get_creator_info(authed(
            &w.owner.access_token,
            pb::GetCreatorInfoRequest {
                workspace_id: ws.clone(),
                account_id: id.clone(),
            },
        ))
        .await;
    assert_eq!(
        info.unwrap().into_inner().creator_info.unwrap().nickname,
        "Ana Bakes",
        "answered after a refresh"
    );
    let after = store.account(&ws, &id).await.unwrap().unwrap();
    assert_ne!(
        before.refresh_token_enc, after.refresh_token_enc,
        "the rotated refresh token is stored"
    );

    // Ben's authorization is gone at TikTok: the refresh is refused and the account is marked.
    let ben = w.connect("sbx-open-ben").await;
    {
        let mut sandbox = w.sandbox.app.lock();
        sandbox.tokens.retain(|_, t| t.open_id != "sbx-open-ben");
        sandbox.refresh.retain(|_, r| r.open_id != "sbx-open-ben");
    }
    let refused = w
        .accounts()
        .get_creator_info(authed(
            &w.owner.access_token,
            pb::GetCreatorInfoRequest {
                workspace_id: ws.clone(),
                account_id: ben.clone(),
            },
        ))
        .await;
    assert_eq!(refused.unwrap_err().code(), Code::FailedPrecondition);
    let listed = w.list().await.into_iter().find(|a| a.id == ben).unwrap();
    assert_eq!(listed.status, pb::AccountStatus::ReauthRequired as i32);
}
