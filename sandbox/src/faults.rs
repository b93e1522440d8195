//! Fault injection, set by configuration or at run time through `/admin/faults`: an error rate
//! per endpoint, added latency, forced error codes, and "process the request, then drop the
//! connection" (the outcome-unknown case).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Faults for one endpoint (keyed by its path, e.g. `/v2/post/publish/video/init/`, or `*`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EndpointFaults {
    /// Share of calls answered 500 `internal_error` (0.0–1.0).
    pub error_rate: f64,
    /// Added before answering.
    pub latency_ms: u64,
    /// Answer the next `forced_count` calls with this code and HTTP status.
    pub forced_code: Option<String>,
    pub forced_status: Option<u16>,
    pub forced_count: u32,
    /// Process the next `drop_after_processing` calls, then drop the connection.
    pub drop_after_processing: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Faults {
    pub endpoints: HashMap<String, EndpointFaults>,
}

/// What to do with one call.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Proceed {
        latency_ms: u64,
        drop_after: bool,
    },
    Fail {
        status: u16,
        code: String,
        latency_ms: u64,
    },
}

impl Faults {
    /// Decides for a call to `path`, consuming one-shot faults.
    pub fn decide(&mut self, path: &str, roll: f64) -> Decision {
        let key = if self.endpoints.contains_key(path) {
            path.to_owned()
        } else {
            "*".to_owned()
        };
        let Some(f) = self.endpoints.get_mut(&key) else {
            return Decision::Proceed {
                latency_ms: 0,
                drop_after: false,
            };
        };
        let latency_ms = f.latency_ms;
        if f.forced_count > 0 {
            f.forced_count -= 1;
            let code = f
                .forced_code
                .clone()
                .unwrap_or_else(|| "internal_error".into());
            return Decision::Fail {
                status: f.forced_status.unwrap_or(500),
                code,
                latency_ms,
            };
        }
        if roll < f.error_rate {
            return Decision::Fail {
                status: 500,
                code: "internal_error".into(),
                latency_ms,
            };
        }
        let drop_after = f.drop_after_processing > 0;
        if drop_after {
            f.drop_after_processing -= 1;
        }
        Decision::Proceed {
            latency_ms,
            drop_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forced_codes_are_one_shot_and_rates_roll() {
        let mut faults = Faults::default();
        faults.endpoints.insert(
            "/x/".into(),
            EndpointFaults {
                forced_code: Some("rate_limit_exceeded".into()),
                forced_status: Some(429),
                forced_count: 1,
                error_rate: 0.5,
                ..Default::default()
            },
        );
        assert!(matches!(
            faults.decide("/x/", 0.9),
            Decision::Fail { status: 429, .. }
        ));
        assert!(matches!(
            faults.decide("/x/", 0.9),
            Decision::Proceed { .. }
        ));
        assert!(matches!(
            faults.decide("/x/", 0.1),
            Decision::Fail { status: 500, .. }
        ));
        assert_eq!(
            faults.decide("/other/", 0.0),
            Decision::Proceed {
                latency_ms: 0,
                drop_after: false
            }
        );
    }
}
