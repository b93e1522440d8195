//! Multitok's single-page web app, shipped as two wasm modules built from this one crate: the
//! shell (`src/main.rs`: sign-in, the sidebar and the dashboard, the first load) and the pages
//! module (`src/bin/pages.rs`: every other page, loaded the first time one is opened). Each binary
//! links only the parts it uses; [`split`] connects the two.

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod hooks;
pub mod local_time;
pub mod pages;
pub mod router;
pub mod split;
pub mod theme;
pub mod time_zones;
pub mod upload;
