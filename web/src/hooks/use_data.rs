//! The data pages share, each loaded for the selected workspace: its accounts, its media
//! library and its calendar.

use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::hooks::use_load::{Load, use_load};
use crate::hooks::use_session;

/// The selected workspace's id ("" before one is chosen).
#[hook]
pub fn use_workspace_id() -> String {
    use_session()
        .workspace()
        .and_then(|m| m.workspace)
        .map(|w| w.id)
        .unwrap_or_default()
}

/// The workspace's accounts, loaded again when `version` changes.
#[hook]
pub fn use_accounts(version: u32) -> UseStateHandle<Load<Vec<pb::Account>>> {
    let api = use_session().api;
    let ws = use_workspace_id();
    use_load((ws, version), move |(workspace_id, _)| async move {
        let r = api.send(pb::ListAccountsRequest { workspace_id }).await?;
        Ok(r.accounts)
    })
}

/// The workspace's media library, loaded again when `version` changes.
#[hook]
pub fn use_media(version: u32) -> UseStateHandle<Load<Vec<pb::Media>>> {
    let api = use_session().api;
    let ws = use_workspace_id();
    use_load((ws, version), move |(workspace_id, _)| async move {
        let r = api.send(pb::ListMediaRequest { workspace_id }).await?;
        Ok(r.media)
    })
}

/// Which part of the calendar to load.
#[derive(Clone, PartialEq)]
pub struct CalendarRange {
    pub from: i64,
    pub to: i64,
    /// One account, or every account when empty.
    pub account: String,
    /// Changed to load the same range again (after a move).
    pub version: u32,
}

/// The workspace's calendar entries in a range.
#[hook]
pub fn use_calendar(range: CalendarRange) -> UseStateHandle<Load<Vec<pb::CalendarEntry>>> {
    let api = use_session().api;
    let ws = use_workspace_id();
    use_load((ws, range), move |(workspace_id, range)| async move {
        let at = |seconds| Some(prost_types::Timestamp { seconds, nanos: 0 });
        let r = api
            .send(pb::ListCalendarRequest {
                workspace_id,
                from: at(range.from),
                to: at(range.to),
                account_ids: if range.account.is_empty() {
                    vec![]
                } else {
                    vec![range.account]
                },
            })
            .await?;
        Ok(r.entries)
    })
}
