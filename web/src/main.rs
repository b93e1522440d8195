//! The shell: the first load of the web app (sign-in, the sidebar, the dashboard).

fn main() {
    yew::Renderer::<multitok_web::app::App>::new().render();
}
