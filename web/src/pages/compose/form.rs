//! The compose form's state: one post for several accounts, each with its own settings and
//! optional caption, changed by reducer actions so that events firing together (a text field's
//! change and the click that blurred it) never overwrite each other.

use std::rc::Rc;

use multitok_proto::v1 as pb;
use yew::prelude::*;

/// One chosen account and how it posts.
#[derive(Clone, PartialEq, Default)]
pub struct TargetForm {
    pub account_id: String,
    pub settings: pb::TargetSettings,
    pub disclose: bool,
    pub caption: Option<String>,
}

#[derive(Clone, PartialEq, Default)]
pub struct Form {
    pub media_id: String,
    pub caption: String,
    pub targets: Vec<TargetForm>,
    pub when: String,
    pub zone: String,
    pub now: bool,
    pub accept_quota: bool,
    /// The cover frame for every account, in milliseconds into the video.
    pub cover_frame_ms: u32,
}

/// One change applied to the latest form.
pub struct FormEdit(pub Box<dyn FnOnce(&mut Form)>);

impl Reducible for Form {
    type Action = FormEdit;

    fn reduce(self: Rc<Self>, action: FormEdit) -> Rc<Self> {
        let mut next = (*self).clone();
        (action.0)(&mut next);
        Rc::new(next)
    }
}

/// A change of the form in response to an input event.
pub type Edit = Box<dyn Fn(&mut Form, &Event)>;

/// A callback that applies `f` to the form on each event.
pub fn edit(form: &UseReducerHandle<Form>, f: Edit) -> Callback<Event> {
    let dispatch = form.dispatcher();
    let f = Rc::new(f);
    Callback::from(move |e: Event| {
        let f = f.clone();
        dispatch.dispatch(FormEdit(Box::new(move |form: &mut Form| f(form, &e))));
    })
}

/// The same for text fields, which follow every keystroke so a re-render never puts back an
/// older value.
pub fn typed(form: &UseReducerHandle<Form>, f: Edit) -> Callback<InputEvent> {
    let on = edit(form, f);
    Callback::from(move |e: InputEvent| on.emit(wasm_bindgen::JsCast::unchecked_into::<Event>(e)))
}

impl Form {
    /// The Schedule request this form asks for.
    pub fn request(&self, workspace_id: String) -> pb::ScheduleRequest {
        let when = if self.now {
            pb::schedule_request::When::Now(true)
        } else {
            pb::schedule_request::When::At(pb::LocalTime {
                local: self.when.clone(),
                time_zone: self.zone.clone(),
            })
        };
        let targets = self.targets.iter().map(|t| pb::TargetInput {
            account_id: t.account_id.clone(),
            settings: Some(pb::TargetSettings {
                cover_frame_ms: self.cover_frame_ms,
                ..t.settings.clone()
            }),
            caption: t.caption.clone(),
        });
        pb::ScheduleRequest {
            workspace_id,
            media_id: self.media_id.clone(),
            caption: self.caption.clone(),
            targets: targets.collect(),
            when: Some(when),
            accept_quota_warning: self.accept_quota,
        }
    }
}
