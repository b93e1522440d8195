//! The colour theme: the system's preference unless Settings chose light or dark. The choice
//! is kept in the browser's storage; the script in `index.html` applies it as `data-theme` on
//! `<html>` before the first paint (so a chosen theme never flashes the other one), again when
//! the system's preference changes, and when told of a new choice.

/// The event that has the page's script apply a new choice.
const CHOSEN: &str = "multitok-theme";

const KEY: &str = "multitok.theme";

/// What Settings offers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [(Theme, &'static str); 3] = [
        (Theme::System, "Same as the system"),
        (Theme::Light, "Light"),
        (Theme::Dark, "Dark"),
    ];

    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn from_name(name: &str) -> Theme {
        match name {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

fn root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// The theme chosen in this browser.
pub fn stored() -> Theme {
    let name = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(KEY).ok().flatten());
    Theme::from_name(name.as_deref().unwrap_or_default())
}

/// Keeps `theme` in this browser and applies it at once.
pub fn choose(theme: Theme) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(Some(s)) = window.local_storage() {
        let _ = match theme {
            Theme::System => s.remove_item(KEY),
            other => s.set_item(KEY, other.name()),
        };
    }
    if let Ok(event) = web_sys::Event::new(CHOSEN) {
        let _ = window.dispatch_event(&event);
    }
}

/// Whether the page is drawn dark now (for what CSS cannot colour, such as charts).
pub fn is_dark() -> bool {
    root()
        .and_then(|r| r.get_attribute("data-theme"))
        .as_deref()
        == Some("dark")
}
