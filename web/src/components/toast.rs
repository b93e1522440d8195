//! Toasts: short messages about results and errors in a corner of the screen, announced to
//! screen readers. A result goes away after a few seconds; an error stays until it is dismissed,
//! so it is never missed.

use std::rc::Rc;

use yew::prelude::*;

use crate::api::sleep;

/// How long a result stays, in milliseconds.
const RESULT_MS: u32 = 5000;

#[derive(Clone, PartialEq)]
struct Toast {
    id: u32,
    text: String,
    error: bool,
}

#[derive(Clone, PartialEq, Default)]
struct Shown {
    next: u32,
    toasts: Vec<Toast>,
}

enum Change {
    Add(String, bool),
    Remove(u32),
}

impl Reducible for Shown {
    type Action = Change;

    fn reduce(self: Rc<Self>, change: Change) -> Rc<Self> {
        let mut next = (*self).clone();
        match change {
            Change::Add(text, error) => {
                next.toasts.push(Toast {
                    id: next.next,
                    text,
                    error,
                });
                next.next += 1;
            }
            Change::Remove(id) => next.toasts.retain(|t| t.id != id),
        }
        Rc::new(next)
    }
}

/// Shows toasts; obtained with [`use_toasts`].
#[derive(Clone, PartialEq)]
pub struct Toasts(UseReducerDispatcher<Shown>);

impl Toasts {
    /// A result: shown for a few seconds.
    pub fn result(&self, text: impl Into<String>) {
        self.0.dispatch(Change::Add(text.into(), false));
    }

    /// An error: shown until dismissed.
    pub fn error(&self, text: impl Into<String>) {
        self.0.dispatch(Change::Add(text.into(), true));
    }
}

/// The toasts of the page; a page outside [`ToastHost`] gets one that shows nothing.
#[hook]
pub fn use_toasts() -> Option<Toasts> {
    use_context::<Toasts>()
}

#[derive(Properties, PartialEq)]
pub struct ToastHostProps {
    pub children: Html,
}

/// Provides [`Toasts`] to its children and draws them.
#[function_component(ToastHost)]
pub fn toast_host(props: &ToastHostProps) -> Html {
    let shown = use_reducer(Shown::default);
    {
        // Each result removes itself after a while.
        let dispatch = shown.dispatcher();
        let newest = shown.toasts.last().filter(|t| !t.error).map(|t| t.id);
        use_effect_with(newest, move |newest| {
            if let Some(id) = *newest {
                wasm_bindgen_futures::spawn_local(async move {
                    sleep(RESULT_MS).await;
                    dispatch.dispatch(Change::Remove(id));
                });
            }
        });
    }
    let dismiss = |id: u32| {
        let dispatch = shown.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Change::Remove(id)))
    };
    html! {
        <ContextProvider<Toasts> context={Toasts(shown.dispatcher())}>
            { props.children.clone() }
            <div class="toasts" role="status" aria-live="polite">
                { for shown.toasts.iter().map(|t| html! {
                    <p class={classes!("toast", if t.error { "error" } else { "notice" })} role={t.error.then_some("alert")}>
                        <span>{ &t.text }</span>
                        if t.error { <button class="secondary" onclick={dismiss(t.id)}>{ "Dismiss" }</button> }
                    </p>
                }) }
            </div>
        </ContextProvider<Toasts>>
    }
}
