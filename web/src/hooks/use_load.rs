//! Loading a page's data: a request run when its inputs change, its answer kept as loading,
//! failed or ready. A newer run cancels an older one, so a late answer never overwrites a newer
//! one, and leaving the page cancels the request.

use std::future::Future;

use yew::prelude::*;

use crate::api::spawn_cancellable;
use crate::error::ApiError;

/// The state of one piece of loaded data.
#[derive(Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Failed(ApiError),
    Ready(T),
}

impl<T: Clone + Default> Load<T> {
    /// The data, or its default while loading or after a failure.
    pub fn data(&self) -> T {
        match self {
            Load::Ready(data) => data.clone(),
            _ => T::default(),
        }
    }
}

impl<T> Load<T> {
    pub fn error(&self) -> Option<ApiError> {
        match self {
            Load::Failed(e) => Some(e.clone()),
            _ => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading)
    }
}

/// Runs `load(deps)` whenever `deps` change; the answer of the latest run. While a new run is
/// on its way the previous answer stays, so a page does not blink.
#[hook]
pub fn use_load<D, T, F, Fut>(deps: D, load: F) -> UseStateHandle<Load<T>>
where
    D: PartialEq + Clone + 'static,
    T: 'static,
    F: FnOnce(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let state = use_state(|| Load::Loading);
    {
        let state = state.clone();
        use_effect_with(deps, move |deps| {
            let answer = load(deps.clone());
            spawn_cancellable(async move {
                state.set(match answer.await {
                    Ok(data) => Load::Ready(data),
                    Err(e) => Load::Failed(e),
                });
            })
        });
    }
    state
}
