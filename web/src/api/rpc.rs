//! Which request goes to which method, and what it answers: one line per RPC.

use multitok_proto::v1 as pb;

/// A request message of one RPC.
pub trait Rpc: prost::Message + Sized {
    /// `/package.Service/Method`.
    const PATH: &'static str;
    /// Callable without a session (no refresh-and-retry on `Unauthenticated`).
    const PUBLIC: bool = false;
    type Response: prost::Message + Default;
}

macro_rules! rpc {
    ($service:literal, $method:literal, $req:ident => $resp:ident $(, public = $public:literal)?) => {
        impl Rpc for pb::$req {
            const PATH: &'static str = concat!("/multitok.v1.", $service, "/", $method);
            $(const PUBLIC: bool = $public;)?
            type Response = pb::$resp;
        }
    };
}

rpc!("AuthService", "Register", RegisterRequest => RegisterResponse, public = true);
rpc!("AuthService", "Login", LoginRequest => LoginResponse, public = true);
rpc!("AuthService", "Refresh", RefreshRequest => RefreshResponse, public = true);
rpc!("AuthService", "Logout", LogoutRequest => LogoutResponse, public = true);
rpc!("AuthService", "Me", MeRequest => MeResponse);
rpc!("AuthService", "CreateApiToken", CreateApiTokenRequest => CreateApiTokenResponse);
rpc!("AuthService", "ListApiTokens", ListApiTokensRequest => ListApiTokensResponse);
rpc!("AuthService", "RevokeApiToken", RevokeApiTokenRequest => RevokeApiTokenResponse);
rpc!("AuthService", "GetSignUpPolicy", GetSignUpPolicyRequest => GetSignUpPolicyResponse);
rpc!("WorkspaceService", "CreateWorkspace", CreateWorkspaceRequest => CreateWorkspaceResponse);
rpc!("WorkspaceService", "ListMembers", ListMembersRequest => ListMembersResponse);
rpc!("WorkspaceService", "RenameWorkspace", RenameWorkspaceRequest => RenameWorkspaceResponse);
rpc!("WorkspaceService", "SetTimeZone", SetTimeZoneRequest => SetTimeZoneResponse);
rpc!("WorkspaceService", "AddMember", AddMemberRequest => AddMemberResponse);
rpc!("WorkspaceService", "ChangeRole", ChangeRoleRequest => ChangeRoleResponse);
rpc!("WorkspaceService", "RemoveMember", RemoveMemberRequest => RemoveMemberResponse);
rpc!("WorkspaceService", "LeaveWorkspace", LeaveWorkspaceRequest => LeaveWorkspaceResponse);
rpc!("AccountService", "StartConnect", StartConnectRequest => StartConnectResponse);
rpc!("AccountService", "ListAccounts", ListAccountsRequest => ListAccountsResponse);
rpc!("AccountService", "GetCreatorInfo", GetCreatorInfoRequest => GetCreatorInfoResponse);
rpc!("AccountService", "SyncAccount", SyncAccountRequest => SyncAccountResponse);
rpc!("AccountService", "DisconnectAccount", DisconnectAccountRequest => DisconnectAccountResponse);
rpc!("PublishingService", "BeginUpload", BeginUploadRequest => BeginUploadResponse);
rpc!("PublishingService", "UploadChunk", UploadChunkRequest => UploadChunkResponse);
rpc!("PublishingService", "GetUpload", GetUploadRequest => GetUploadResponse);
rpc!("PublishingService", "FinishUpload", FinishUploadRequest => FinishUploadResponse);
rpc!("PublishingService", "ListMedia", ListMediaRequest => ListMediaResponse);
rpc!("PublishingService", "DeleteMedia", DeleteMediaRequest => DeleteMediaResponse);
rpc!("PublishingService", "GetPost", GetPostRequest => GetPostResponse);
rpc!("PublishingService", "WatchPost", WatchPostRequest => WatchPostResponse);
rpc!("PublishingService", "ListPublishHistory", ListPublishHistoryRequest => ListPublishHistoryResponse);
rpc!("SchedulingService", "Schedule", ScheduleRequest => ScheduleResponse);
rpc!("SchedulingService", "Reschedule", RescheduleRequest => RescheduleResponse);
rpc!("SchedulingService", "Cancel", CancelRequest => CancelResponse);
rpc!("SchedulingService", "PublishNow", PublishNowRequest => PublishNowResponse);
rpc!("SchedulingService", "ListCalendar", ListCalendarRequest => ListCalendarResponse);
rpc!("PublishingService", "ResolveTarget", ResolveTargetRequest => ResolveTargetResponse);
rpc!("AnalyticsService", "GetAccountMetrics", GetAccountMetricsRequest => GetAccountMetricsResponse);
rpc!("AnalyticsService", "GetAccountTimeSeries", GetAccountTimeSeriesRequest => GetAccountTimeSeriesResponse);
rpc!("AnalyticsService", "GetPostAnalytics", GetPostAnalyticsRequest => GetPostAnalyticsResponse);
rpc!("AnalyticsService", "ListVideos", ListVideosRequest => ListVideosResponse);
rpc!("AnalyticsService", "GetBestTimes", GetBestTimesRequest => GetBestTimesResponse);
rpc!("AnalyticsService", "GetDashboard", GetDashboardRequest => GetDashboardResponse);
rpc!("AnalyticsService", "CompareAccounts", CompareAccountsRequest => CompareAccountsResponse);
rpc!("AnalyticsService", "RefreshAccount", RefreshAccountRequest => RefreshAccountResponse);
rpc!("AnalyticsService", "ExportAnalytics", ExportAnalyticsRequest => ExportAnalyticsResponse);
rpc!("AnalyticsService", "WatchDashboard", WatchDashboardRequest => WatchDashboardResponse);
rpc!("AnalyticsService", "RenderChart", RenderChartRequest => RenderChartResponse);
