//! `multitok.v1.SchedulingService`: schedule, move, cancel, publish now, calendar, slots, import.

use multitok_proto::v1 as pb;
use multitok_proto::v1::scheduling_service_server::SchedulingService;
use multitok_shared::{Violations, validate};
use tonic::{Request, Response, Status};

use super::{caller, convert, posts, status};
use crate::service::Services;
use crate::service::access::{EditContent, View};

pub struct Scheduling {
    services: Services,
}

impl Scheduling {
    pub fn new(services: Services) -> Scheduling {
        Scheduling { services }
    }
}

#[tonic::async_trait]
impl SchedulingService for Scheduling {
    async fn schedule(
        &self,
        request: Request<pb::ScheduleRequest>,
    ) -> Result<Response<pb::ScheduleResponse>, Status> {
        let caller = caller(&request)?;
        let (ws, draft, when, accept) = posts::schedule(request.into_inner()).map_err(status)?;
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        let post = access
            .schedule(&self.services, draft, when, accept)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ScheduleResponse {
            post: Some(posts::post(post)),
        }))
    }

    async fn reschedule(
        &self,
        request: Request<pb::RescheduleRequest>,
    ) -> Result<Response<pb::RescheduleResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let (ws, id) = convert::ids(&r.workspace_id, "post_id", &r.post_id).map_err(status)?;
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        let post = access
            .reschedule(
                &self.services,
                &id,
                posts::when_at(r.at),
                r.accept_quota_warning,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RescheduleResponse {
            post: Some(posts::post(post)),
        }))
    }

    async fn cancel(
        &self,
        request: Request<pb::CancelRequest>,
    ) -> Result<Response<pb::CancelResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let (ws, id) = convert::ids(&r.workspace_id, "post_id", &r.post_id).map_err(status)?;
        let target = if r.target_id.is_empty() {
            None
        } else {
            Some(convert::id("target_id", &r.target_id).map_err(status)?)
        };
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        let post = access
            .cancel(&self.services, &id, target.as_deref())
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CancelResponse {
            post: Some(posts::post(post)),
        }))
    }

    async fn publish_now(
        &self,
        request: Request<pb::PublishNowRequest>,
    ) -> Result<Response<pb::PublishNowResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let (ws, id) = convert::ids(&r.workspace_id, "post_id", &r.post_id).map_err(status)?;
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        let post = access
            .publish_now(&self.services, &id, r.accept_quota_warning)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::PublishNowResponse {
            post: Some(posts::post(post)),
        }))
    }

    async fn list_calendar(
        &self,
        request: Request<pb::ListCalendarRequest>,
    ) -> Result<Response<pb::ListCalendarResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let mut v = Violations::new();
        let ws = v.check("workspace_id", validate::uuid_text(&r.workspace_id));
        let from = posts::instant(&mut v, "from", r.from);
        let to = posts::instant(&mut v, "to", r.to);
        let accounts = posts::id_list(&mut v, "account_ids", &r.account_ids);
        if from.is_none() {
            v.add("from", "is required");
        }
        if to.is_none() {
            v.add("to", "is required");
        }
        let (Some(ws), Some(from), Some(to)) = (ws, from, to) else {
            return Err(status(v));
        };
        v.into_result().map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &ws)
            .await
            .map_err(status)?;
        let rows = access
            .calendar(&self.services, from, to, &accounts)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListCalendarResponse {
            entries: rows.into_iter().map(posts::calendar_entry).collect(),
        }))
    }

    async fn suggest_slots(
        &self,
        request: Request<pb::SuggestSlotsRequest>,
    ) -> Result<Response<pb::SuggestSlotsResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let mut v = Violations::new();
        let ws = v.check("workspace_id", validate::uuid_text(&r.workspace_id));
        let from = posts::instant(&mut v, "from", r.from);
        let accounts = posts::id_list(&mut v, "account_ids", &r.account_ids);
        let Some(ws) = ws else {
            return Err(status(v));
        };
        v.into_result().map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &ws)
            .await
            .map_err(status)?;
        let slots = access
            .suggest_slots(&self.services, &accounts, from, r.count, r.step_minutes)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::SuggestSlotsResponse {
            accounts: slots
                .into_iter()
                .map(|(account_id, slots)| pb::AccountSlots {
                    account_id,
                    slots: slots.into_iter().map(convert::timestamp).collect(),
                })
                .collect(),
        }))
    }

    async fn import_csv(
        &self,
        request: Request<pb::ImportCsvRequest>,
    ) -> Result<Response<pb::ImportCsvResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let ws = convert::id("workspace_id", &r.workspace_id).map_err(status)?;
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        let stored = access
            .import_csv(&self.services, &r.csv, r.accept_quota_warning)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ImportCsvResponse {
            posts: stored.into_iter().map(posts::post).collect(),
        }))
    }
}
