//! Retry timing: exponential backoff with full jitter, capped, never shorter than what the
//! other side asked for.

use std::time::Duration;

/// The delay before attempt `attempt` (1 for the first retry): a random share (`jitter` in
/// [0, 1)) of `base · 2^(attempt-1)` capped at `cap`, and at least `at_least`.
pub fn backoff(
    attempt: u32,
    base: Duration,
    cap: Duration,
    jitter: f64,
    at_least: Duration,
) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    let ceiling = exp.min(cap);
    ceiling.mul_f64(jitter.clamp(0.0, 1.0)).max(at_least)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn grows_then_caps() {
        assert_eq!(
            backoff(1, S, 60 * S, 0.999_999, Duration::ZERO).as_secs(),
            0
        );
        assert_eq!(backoff(4, S, 60 * S, 1.0, Duration::ZERO), 8 * S);
        assert_eq!(backoff(30, S, 60 * S, 1.0, Duration::ZERO), 60 * S);
        assert_eq!(
            backoff(2, S, 60 * S, 0.0, 5 * S),
            5 * S,
            "a requested delay wins"
        );
    }

    proptest! {
        #[test]
        fn stays_within_bounds(attempt in 0u32..100, jitter in 0.0f64..1.0) {
            let d = backoff(attempt, S, 60 * S, jitter, Duration::ZERO);
            prop_assert!(d <= 60 * S);
        }
    }
}
