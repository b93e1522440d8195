//! Analytics definitions, as pure functions: engagement and growth, the viral score against an
//! account's own baseline, best posting times, view forecasts and time-series buckets. The
//! numbers they produce are explained in `docs/analytics.md`.

pub mod best_times;
pub mod curve;
pub mod forecast;
pub mod metrics;
#[cfg(feature = "tz")]
pub mod offsets;
pub mod posting;
#[cfg(feature = "tz")]
pub mod series;
pub mod stats;
pub mod viral;

pub use best_times::{BestTimes, Cell, Sample, SlotTotal, best_times, best_times_from_totals};
pub use curve::{Curve, views_at_age};
pub use forecast::{Forecast, forecast};
pub use metrics::{engagement_rate, growth, posts_per_week};
pub use viral::{ViralScore, viral_score};
