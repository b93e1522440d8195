//! A section that is not built yet says what it will hold.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PlaceholderProps {
    pub title: AttrValue,
    pub text: AttrValue,
}

#[function_component(Placeholder)]
pub fn placeholder(props: &PlaceholderProps) -> Html {
    html! {
        <>
            <h1>{ &props.title }</h1>
            <div class="card"><p class="muted">{ "Coming soon: " }{ &props.text }</p></div>
        </>
    }
}
