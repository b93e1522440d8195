//! Reusable view pieces.

pub mod field;
pub mod layout;
pub mod chart;
pub mod heatmap;
