//! Long-lived server streams (`WatchPost`, `WatchDashboard`) under limits: at most
//! `streams.max_per_user` open at once per user, the caller's membership checked again every
//! `RECHECK` and before every change (a member who leaves or is removed gets `PermissionDenied`
//! and the stream ends), and a stream that sent nothing for `streams.idle_seconds` ends so that
//! the client opens a fresh one.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{Stream, StreamExt};
use multitok_core::CoreError;
use multitok_core::access::View;

use super::{Caller, Services};

/// How often an open stream checks that its caller may still see the workspace.
const RECHECK: Duration = Duration::from_secs(10);

/// Open streams per user.
#[derive(Debug, Default)]
pub struct StreamSlots {
    open: Mutex<HashMap<String, usize>>,
}

/// One user's open stream; dropping it frees the slot.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<StreamSlots>,
    user_id: String,
}

impl StreamSlots {
    /// A slot for `user_id`, unless `max` of theirs are open.
    pub fn take(self: &Arc<Self>, user_id: &str, max: usize) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(user_id.to_owned()).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Slot {
            slots: self.clone(),
            user_id: user_id.to_owned(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.user_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.user_id);
            }
        }
    }
}

type Boxed<T> = Pin<Box<dyn Stream<Item = Result<T, CoreError>> + Send>>;

/// What a guarded stream carries from one step to the next.
struct Guard<T> {
    inner: Boxed<T>,
    services: Services,
    caller: Caller,
    workspace_id: String,
    idle: Duration,
    _slot: Slot,
    done: bool,
}

impl Services {
    /// `inner` under the stream limits, for `caller` watching `workspace_id`.
    pub fn guarded<T: Send + 'static>(
        &self,
        caller: &Caller,
        workspace_id: &str,
        inner: impl Stream<Item = Result<T, CoreError>> + Send + 'static,
    ) -> Result<impl Stream<Item = Result<T, CoreError>> + Send + 'static, CoreError> {
        let limits = &self.stream_limits;
        let slot = self
            .streams
            .take(&caller.user_id, limits.max_per_user)
            .ok_or_else(|| {
                CoreError::QuotaExceeded(
                    "streams.max_per_user",
                    format!(
                        "at most {} streams may be open at once per user; close one first",
                        limits.max_per_user
                    ),
                )
            })?;
        let guard = Guard {
            inner: Box::pin(inner),
            services: self.clone(),
            caller: caller.clone(),
            workspace_id: workspace_id.to_owned(),
            idle: Duration::from_secs(limits.idle_seconds),
            _slot: slot,
            done: false,
        };
        Ok(futures::stream::unfold(guard, step))
    }
}

/// The next item: the inner stream's next change once the caller may still see it, a refusal
/// when they no longer may, or the end after the idle time.
async fn step<T>(mut g: Guard<T>) -> Option<(Result<T, CoreError>, Guard<T>)> {
    if g.done {
        return None;
    }
    let idle = tokio::time::sleep(g.idle);
    tokio::pin!(idle);
    loop {
        let item = tokio::select! {
            item = g.inner.next() => item,
            () = &mut idle => return None,
            () = tokio::time::sleep(RECHECK) => {
                if let Err(e) = still_allowed(&g.services, &g.caller, &g.workspace_id).await {
                    g.done = true;
                    return Some((Err(e), g));
                }
                continue;
            }
        };
        let item = item?;
        if let Err(e) = still_allowed(&g.services, &g.caller, &g.workspace_id).await {
            g.done = true;
            return Some((Err(e), g));
        }
        return Some((item, g));
    }
}

async fn still_allowed(
    services: &Services,
    caller: &Caller,
    workspace_id: &str,
) -> Result<(), CoreError> {
    match services.authorize::<View>(caller, workspace_id).await {
        Ok(_) => Ok(()),
        Err(CoreError::NotFound(_) | CoreError::PermissionDenied(_)) => Err(
            CoreError::PermissionDenied("you are no longer a member of this workspace"),
        ),
        Err(e) => Err(e),
    }
}
