//! `multitok.v1.AccountService`.

use multitok_proto::v1 as pb;
use multitok_proto::v1::account_service_server::AccountService;
use multitok_shared::AccountStatus;
use multitok_store::accounts::Account;
use multitok_tiktok::CreatorInfo;
use tonic::{Request, Response, Status};

use super::{caller, convert, status};
use crate::service::Services;
use crate::service::access::{EditContent, ManageAccounts, View};

pub struct Accounts {
    services: Services,
    secure_cookie: bool,
}

impl Accounts {
    pub fn new(services: Services, secure_cookie: bool) -> Accounts {
        Accounts {
            services,
            secure_cookie,
        }
    }

    /// The cookie that binds a connection to the browser that starts it: sent back only to the
    /// callback's path, on TikTok's redirect (a top-level navigation, so `SameSite=Lax`).
    fn connect_cookie(&self, secret: &str) -> Result<tonic::metadata::AsciiMetadataValue, Status> {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        format!(
            "{}={secret}; Path={}; Max-Age=600; HttpOnly; SameSite=Lax{secure}",
            crate::http::CONNECT_COOKIE,
            crate::http::CALLBACK_PATH
        )
        .parse()
        .map_err(|_| Status::internal("internal error"))
    }
}

fn account((a, posts_today): (Account, u32), cap: u32) -> pb::Account {
    let status = match a.status {
        AccountStatus::Active => pb::AccountStatus::Active,
        AccountStatus::ReauthRequired => pb::AccountStatus::ReauthRequired,
        AccountStatus::Revoked => pb::AccountStatus::Revoked,
    };
    pb::Account {
        id: a.id,
        workspace_id: a.workspace_id,
        open_id: a.open_id,
        display_name: a.display_name,
        username: a.username,
        avatar_url: a.avatar_url,
        status: status.into(),
        scopes: a.scopes,
        access_token_expires_at: a.access_expires_at.map(convert::timestamp),
        refresh_token_expires_at: a.refresh_expires_at.map(convert::timestamp),
        posts_today,
        daily_post_cap: cap,
        last_synced_at: a.last_synced_at.map(convert::timestamp),
        connected_at: Some(convert::timestamp(a.created_at)),
        status_reason: a.status_reason,
    }
}

fn creator_info(c: CreatorInfo) -> pb::CreatorInfo {
    pb::CreatorInfo {
        nickname: c.creator_nickname,
        username: c.creator_username,
        avatar_url: c.creator_avatar_url,
        privacy_level_options: c.privacy_level_options,
        comment_disabled: c.comment_disabled,
        duet_disabled: c.duet_disabled,
        stitch_disabled: c.stitch_disabled,
        max_video_post_duration_sec: u32::try_from(c.max_video_post_duration_sec).unwrap_or(0),
    }
}

#[tonic::async_trait]
impl AccountService for Accounts {
    async fn start_connect(
        &self,
        request: Request<pb::StartConnectRequest>,
    ) -> Result<Response<pb::StartConnectResponse>, Status> {
        let caller = caller(&request)?;
        let id = convert::id("workspace_id", &request.get_ref().workspace_id).map_err(status)?;
        let access = self
            .services
            .authorize::<ManageAccounts>(&caller, &id)
            .await
            .map_err(status)?;
        let secret = multitok_core::crypto::new_secret("mtc_");
        let (url, expires) = access
            .start_connect(&self.services, &secret)
            .await
            .map_err(status)?;
        let mut response = Response::new(pb::StartConnectResponse {
            authorize_url: url,
            expires_at: Some(convert::timestamp(expires)),
        });
        response
            .metadata_mut()
            .insert("set-cookie", self.connect_cookie(&secret)?);
        Ok(response)
    }

    async fn list_accounts(
        &self,
        request: Request<pb::ListAccountsRequest>,
    ) -> Result<Response<pb::ListAccountsResponse>, Status> {
        let caller = caller(&request)?;
        let id = convert::id("workspace_id", &request.get_ref().workspace_id).map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &id)
            .await
            .map_err(status)?;
        let list = access.accounts(&self.services).await.map_err(status)?;
        let cap = self.services.daily_post_cap;
        Ok(Response::new(pb::ListAccountsResponse {
            accounts: list.into_iter().map(|a| account(a, cap)).collect(),
        }))
    }

    async fn get_account(
        &self,
        request: Request<pb::GetAccountRequest>,
    ) -> Result<Response<pb::GetAccountResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.get_ref();
        let (ws, id) =
            convert::ids(&r.workspace_id, "account_id", &r.account_id).map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &ws)
            .await
            .map_err(status)?;
        let a = access.account(&self.services, &id).await.map_err(status)?;
        Ok(Response::new(pb::GetAccountResponse {
            account: Some(account(a, self.services.daily_post_cap)),
        }))
    }

    async fn get_creator_info(
        &self,
        request: Request<pb::GetCreatorInfoRequest>,
    ) -> Result<Response<pb::GetCreatorInfoResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.get_ref();
        let (ws, id) =
            convert::ids(&r.workspace_id, "account_id", &r.account_id).map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &ws)
            .await
            .map_err(status)?;
        let info = access
            .creator_info(&self.services, &id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetCreatorInfoResponse {
            creator_info: Some(creator_info(info)),
        }))
    }

    async fn sync_account(
        &self,
        request: Request<pb::SyncAccountRequest>,
    ) -> Result<Response<pb::SyncAccountResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.get_ref();
        let (ws, id) =
            convert::ids(&r.workspace_id, "account_id", &r.account_id).map_err(status)?;
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        let (a, used, at) = access.sync(&self.services, &id).await.map_err(status)?;
        Ok(Response::new(pb::SyncAccountResponse {
            account: Some(account((a, used), self.services.daily_post_cap)),
            sync_at: Some(convert::timestamp(at)),
        }))
    }

    async fn disconnect_account(
        &self,
        request: Request<pb::DisconnectAccountRequest>,
    ) -> Result<Response<pb::DisconnectAccountResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.get_ref();
        let (ws, id) =
            convert::ids(&r.workspace_id, "account_id", &r.account_id).map_err(status)?;
        let access = self
            .services
            .authorize::<ManageAccounts>(&caller, &ws)
            .await
            .map_err(status)?;
        let done = access
            .disconnect(&self.services, &id, r.purge_history)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DisconnectAccountResponse {
            revoked_at_tiktok: done.revoked_at_tiktok,
            still_connected_elsewhere: done.still_connected_elsewhere,
        }))
    }
}
