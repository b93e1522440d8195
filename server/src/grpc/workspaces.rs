//! `multitok.v1.WorkspaceService`.

use multitok_core::workspaces::Added;
use multitok_proto::v1 as pb;
use multitok_proto::v1::workspace_service_server::WorkspaceService;
use multitok_shared::validate;
use multitok_store::WorkspaceChange;
use tonic::{Request, Response, Status};

use super::{caller, convert, status};
use crate::service::Services;
use crate::service::access::{EditSettings, ManageMembers, View};

pub struct Workspaces {
    services: Services,
}

impl Workspaces {
    pub fn new(services: Services) -> Workspaces {
        Workspaces { services }
    }
}

#[tonic::async_trait]
impl WorkspaceService for Workspaces {
    async fn create_workspace(
        &self,
        request: Request<pb::CreateWorkspaceRequest>,
    ) -> Result<Response<pb::CreateWorkspaceResponse>, Status> {
        let caller = caller(&request)?;
        let new = convert::new_workspace(request.into_inner()).map_err(status)?;
        let workspace = self
            .services
            .create_workspace(&caller, new)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CreateWorkspaceResponse {
            workspace: Some(convert::workspace(workspace)),
        }))
    }

    async fn list_workspaces(
        &self,
        request: Request<pb::ListWorkspacesRequest>,
    ) -> Result<Response<pb::ListWorkspacesResponse>, Status> {
        let caller = caller(&request)?;
        let list = self
            .services
            .list_workspaces(&caller)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListWorkspacesResponse {
            workspaces: list.into_iter().map(convert::membership).collect(),
        }))
    }

    async fn get_workspace(
        &self,
        request: Request<pb::GetWorkspaceRequest>,
    ) -> Result<Response<pb::GetWorkspaceResponse>, Status> {
        let caller = caller(&request)?;
        let id = convert::id("workspace_id", &request.get_ref().workspace_id).map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetWorkspaceResponse {
            workspace: Some(convert::membership((access.workspace, access.role))),
        }))
    }

    async fn rename_workspace(
        &self,
        request: Request<pb::RenameWorkspaceRequest>,
    ) -> Result<Response<pb::RenameWorkspaceResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.get_ref();
        let (id, name) =
            convert::scoped(&r.workspace_id, "name", validate::name(&r.name)).map_err(status)?;
        let access = self
            .services
            .authorize::<EditSettings>(&caller, &id)
            .await
            .map_err(status)?;
        let change = WorkspaceChange {
            name: Some(name),
            ..Default::default()
        };
        let workspace = access
            .change(&self.services, change)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RenameWorkspaceResponse {
            workspace: Some(convert::workspace(workspace)),
        }))
    }

    async fn set_time_zone(
        &self,
        request: Request<pb::SetTimeZoneRequest>,
    ) -> Result<Response<pb::SetTimeZoneResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.get_ref();
        let (id, tz) = convert::scoped(
            &r.workspace_id,
            "time_zone",
            validate::time_zone(&r.time_zone),
        )
        .map_err(status)?;
        let access = self
            .services
            .authorize::<EditSettings>(&caller, &id)
            .await
            .map_err(status)?;
        let change = WorkspaceChange {
            time_zone: Some(tz),
            ..Default::default()
        };
        let workspace = access
            .change(&self.services, change)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::SetTimeZoneResponse {
            workspace: Some(convert::workspace(workspace)),
        }))
    }

    async fn list_members(
        &self,
        request: Request<pb::ListMembersRequest>,
    ) -> Result<Response<pb::ListMembersResponse>, Status> {
        let caller = caller(&request)?;
        let id = convert::id("workspace_id", &request.get_ref().workspace_id).map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &id)
            .await
            .map_err(status)?;
        let members = access.members(&self.services).await.map_err(status)?;
        Ok(Response::new(pb::ListMembersResponse {
            members: members.into_iter().map(convert::member).collect(),
        }))
    }

    async fn add_member(
        &self,
        request: Request<pb::AddMemberRequest>,
    ) -> Result<Response<pb::AddMemberResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.get_ref();
        let (id, (email, role)) =
            convert::scoped(&r.workspace_id, "email", validate::email(&r.email))
                .and_then(|(id, email)| {
                    convert::role_from_pb(r.role)
                        .map(|role| (id, (email, role)))
                        .map_err(|e| multitok_shared::Violations::one("role", e))
                })
                .map_err(status)?;
        let access = self
            .services
            .authorize::<ManageMembers>(&caller, &id)
            .await
            .map_err(status)?;
        let added = access
            .add_member(&self.services, &email, role)
            .await
            .map_err(status)?;
        Ok(Response::new(match added {
            Added::Member(member) => pb::AddMemberResponse {
                member: Some(convert::member(member)),
                invitation: None,
            },
            Added::Invited(i) => pb::AddMemberResponse {
                member: None,
                invitation: Some(pb::Invitation {
                    email: i.email,
                    role: convert::role_to_pb(i.role) as i32,
                    token: i.token,
                    expires_at: Some(convert::timestamp(i.expires_at)),
                }),
            },
        }))
    }

    async fn change_role(
        &self,
        request: Request<pb::ChangeRoleRequest>,
    ) -> Result<Response<pb::ChangeRoleResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.get_ref();
        let (id, user_id, role) =
            convert::member_role(&r.workspace_id, &r.user_id, r.role).map_err(status)?;
        let access = self
            .services
            .authorize::<ManageMembers>(&caller, &id)
            .await
            .map_err(status)?;
        let member = access
            .change_role(&self.services, &user_id, role)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ChangeRoleResponse {
            member: Some(convert::member(member)),
        }))
    }

    async fn remove_member(
        &self,
        request: Request<pb::RemoveMemberRequest>,
    ) -> Result<Response<pb::RemoveMemberResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.get_ref();
        let (id, user_id) = convert::ids(&r.workspace_id, "user_id", &r.user_id).map_err(status)?;
        let access = self
            .services
            .authorize::<ManageMembers>(&caller, &id)
            .await
            .map_err(status)?;
        access
            .remove_member(&self.services, &user_id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RemoveMemberResponse {}))
    }

    async fn leave_workspace(
        &self,
        request: Request<pb::LeaveWorkspaceRequest>,
    ) -> Result<Response<pb::LeaveWorkspaceResponse>, Status> {
        let caller = caller(&request)?;
        let id = convert::id("workspace_id", &request.get_ref().workspace_id).map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &id)
            .await
            .map_err(status)?;
        access.leave(&self.services).await.map_err(status)?;
        Ok(Response::new(pb::LeaveWorkspaceResponse {}))
    }
}
