//! Login throttling per email address and per client address (governor, in memory).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Two keyed limiters; an attempt must pass both.
#[derive(Debug)]
pub struct LoginThrottle {
    per_email: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

impl LoginThrottle {
    pub fn new(per_email_per_minute: u32, per_address_per_minute: u32) -> LoginThrottle {
        LoginThrottle {
            per_email: RateLimiter::keyed(per_minute(per_email_per_minute)),
            per_address: RateLimiter::keyed(per_minute(per_address_per_minute)),
        }
    }

    /// Records an attempt; `Err(delay)` when either limit is spent.
    pub fn check(&self, email: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        if let Some(address) = address {
            self.per_address
                .check_key(&address)
                .map_err(|n| n.wait_time_from(now))?;
        }
        self.per_email
            .check_key(&email.to_owned())
            .map_err(|n| n.wait_time_from(now))?;
        Ok(())
    }

    /// Drops state for keys that have fully recovered (called periodically).
    pub fn shrink(&self) {
        self.per_email.retain_recent();
        self.per_address.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixth_attempt_for_one_email_is_refused_with_a_delay() {
        let throttle = LoginThrottle::new(5, 100);
        for _ in 0..5 {
            assert!(throttle.check("a@example.com", None).is_ok());
        }
        let delay = throttle.check("a@example.com", None).unwrap_err();
        assert!(delay > Duration::ZERO && delay <= Duration::from_secs(12));
        assert!(throttle.check("b@example.com", None).is_ok());
    }

    #[test]
    fn one_address_is_limited_across_emails() {
        let throttle = LoginThrottle::new(100, 3);
        let ip: IpAddr = [10, 0, 0, 1].into();
        for i in 0..3 {
            assert!(
                throttle
                    .check(&format!("u{i}@example.com"), Some(ip))
                    .is_ok()
            );
        }
        assert!(throttle.check("u9@example.com", Some(ip)).is_err());
    }
}
