//! Entry point of Multitok's single-page web app.

mod api;
mod app;
mod components;
mod error;
mod hooks;
mod local_time;
mod pages;
mod router;
mod time_zones;
mod upload;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
