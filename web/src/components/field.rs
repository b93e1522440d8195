//! A labelled input bound to a string state, showing its field violation underneath.

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub label: AttrValue,
    pub name: AttrValue,
    pub value: UseStateHandle<String>,
    #[prop_or("text".into())]
    pub kind: AttrValue,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
}

#[function_component(Field)]
pub fn field(props: &FieldProps) -> Html {
    let value = props.value.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        value.set(e.target_unchecked_into::<HtmlInputElement>().value());
    });
    html! {
        <label>
            { &props.label }
            <input name={props.name.clone()} type={props.kind.clone()} value={(*props.value).clone()}
                   autocomplete={props.autocomplete.clone()} {oninput}
                   aria-invalid={props.error.is_some().to_string()} />
            if let Some(error) = &props.error {
                <span class="field-error">{ format!("{} {error}.", props.label) }</span>
            }
        </label>
    }
}

/// The banner above a form for a failed call.
#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    pub error: Option<crate::error::ApiError>,
}

#[function_component(ErrorBanner)]
pub fn error_banner(props: &ErrorBannerProps) -> Html {
    match &props.error {
        Some(e) => html! { <div class="error" role="alert">{ &e.message }</div> },
        None => html! {},
    }
}
