//! One post as its page shows it: loaded, then kept current by `WatchPost`, with its publishing
//! history read again after every change (retried when a read fails, so a change is never left
//! out of the history shown).

use std::cell::Cell;
use std::rc::Rc;

use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::api::{Api, sleep, spawn_cancellable};
use crate::error::ApiError;
use crate::hooks::{use_session, use_workspace_id};

/// The post, its history and any failure.
#[derive(Clone, PartialEq, Default)]
pub struct PostView {
    pub post: Option<pb::Post>,
    pub history: Vec<pb::PublishEvent>,
    pub error: Option<ApiError>,
}

/// What arrived.
pub enum Arrived {
    Post(pb::Post),
    History(Vec<pb::PublishEvent>),
    Failed(ApiError),
}

impl Reducible for PostView {
    type Action = Arrived;

    fn reduce(self: Rc<Self>, action: Arrived) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Arrived::Post(p) => next.post = Some(p),
            Arrived::History(h) => next.history = h,
            Arrived::Failed(e) => next.error = Some(e),
        }
        Rc::new(next)
    }
}

type Dispatch = UseReducerDispatcher<PostView>;

/// Reads the history until a read succeeds (a few tries), unless a newer read was asked for.
async fn read_history(
    api: Api,
    request: pb::ListPublishHistoryRequest,
    asked: Rc<Cell<u32>>,
    mine: u32,
    view: Dispatch,
) {
    for attempt in 0..4u32 {
        if asked.get() != mine {
            return;
        }
        if let Ok(h) = api.send(request.clone()).await {
            if asked.get() == mine {
                view.dispatch(Arrived::History(h.events));
            }
            return;
        }
        sleep(500 << attempt).await;
    }
}

/// Loads post `id` and follows it until the page is left or `version` changes.
#[hook]
pub fn use_post(id: String, version: u32) -> UseReducerHandle<PostView> {
    let api = use_session().api;
    let ws = use_workspace_id();
    let view = use_reducer(PostView::default);
    {
        let view = view.dispatcher();
        use_effect_with((id, ws, version), move |(id, ws, _)| {
            let (id, ws) = (id.clone(), ws.clone());
            spawn_cancellable(async move {
                if let Err(e) = follow(api, ws, id, view.clone()).await {
                    view.dispatch(Arrived::Failed(e));
                }
            })
        });
    }
    view
}

async fn follow(api: Api, ws: String, id: String, view: Dispatch) -> Result<(), ApiError> {
    let p = api
        .send(pb::GetPostRequest {
            workspace_id: ws.clone(),
            post_id: id.clone(),
        })
        .await?;
    let mut current = p.post.unwrap_or_default();
    view.dispatch(Arrived::Post(current.clone()));
    let history = pb::ListPublishHistoryRequest {
        workspace_id: ws.clone(),
        post_id: id.clone(),
    };
    // Changes come fast while a post publishes, and their history reads can answer out of
    // order: only the latest read's answer is shown.
    let asked = Rc::new(Cell::new(0u32));
    let watch = pb::WatchPostRequest {
        workspace_id: ws,
        post_id: id,
    };
    api.clone()
        .watch(watch, move |change| {
            let Some(t) = change.target else { return };
            if let Some(slot) = current.targets.iter_mut().find(|x| x.id == t.id) {
                *slot = t;
            }
            view.dispatch(Arrived::Post(current.clone()));
            let mine = asked.get().wrapping_add(1);
            asked.set(mine);
            let task = read_history(
                api.clone(),
                history.clone(),
                asked.clone(),
                mine,
                view.clone(),
            );
            wasm_bindgen_futures::spawn_local(task);
        })
        .await
}
