//! Reusable view pieces.

pub mod chart;
pub mod download;
pub mod field;
pub mod heatmap;
pub mod layout;
pub mod toast;
