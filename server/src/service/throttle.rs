//! Throttles on signing in (per email address, per client address and in all), on signing up
//! (per client address and in all) and on refreshing sessions (per client address); governor,
//! in memory, per process.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Two keyed limiters and one for everyone; an attempt must pass all three.
#[derive(Debug)]
pub struct LoginThrottle {
    per_email: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    everyone: DefaultDirectRateLimiter,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

fn per_hour(n: u32) -> Quota {
    Quota::per_hour(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

impl LoginThrottle {
    pub fn new(
        per_email_per_minute: u32,
        per_address_per_minute: u32,
        in_all_per_minute: u32,
    ) -> LoginThrottle {
        LoginThrottle {
            per_email: RateLimiter::keyed(per_minute(per_email_per_minute)),
            per_address: RateLimiter::keyed(per_minute(per_address_per_minute)),
            everyone: RateLimiter::direct(per_minute(in_all_per_minute)),
        }
    }

    /// Records an attempt; `Err(delay)` when a limit is spent.
    pub fn check(&self, email: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        self.everyone.check().map_err(|n| n.wait_time_from(now))?;
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

/// Registrations per client address (per hour) and in all (per minute).
#[derive(Debug)]
pub struct SignupThrottle {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    everyone: DefaultDirectRateLimiter,
}

impl SignupThrottle {
    pub fn new(per_address_per_hour: u32, in_all_per_minute: u32) -> SignupThrottle {
        SignupThrottle {
            per_address: RateLimiter::keyed(per_hour(per_address_per_hour)),
            everyone: RateLimiter::direct(per_minute(in_all_per_minute)),
        }
    }

    /// Records an attempt; `Err(delay)` when a limit is spent.
    pub fn check(&self, address: Option<IpAddr>) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        if let Some(address) = address {
            self.per_address
                .check_key(&address)
                .map_err(|n| n.wait_time_from(now))?;
        }
        self.everyone.check().map_err(|n| n.wait_time_from(now))
    }

    pub fn shrink(&self) {
        self.per_address.retain_recent();
    }
}

/// Session refreshes per client address (per minute).
#[derive(Debug)]
pub struct RefreshThrottle {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl RefreshThrottle {
    pub fn new(per_address_per_minute: u32) -> RefreshThrottle {
        RefreshThrottle {
            per_address: RateLimiter::keyed(per_minute(per_address_per_minute)),
        }
    }

    /// Records an attempt; `Err(delay)` when the address's limit is spent.
    pub fn check(&self, address: Option<IpAddr>) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        match address {
            Some(address) => self
                .per_address
                .check_key(&address)
                .map_err(|n| n.wait_time_from(now)),
            None => Ok(()),
        }
    }

    pub fn shrink(&self) {
        self.per_address.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixth_attempt_for_one_email_is_refused_with_a_delay() {
        let throttle = LoginThrottle::new(5, 100, 1000);
        for _ in 0..5 {
            assert!(throttle.check("a@example.com", None).is_ok());
        }
        let delay = throttle.check("a@example.com", None).unwrap_err();
        assert!(delay > Duration::ZERO && delay <= Duration::from_secs(12));
        assert!(throttle.check("b@example.com", None).is_ok());
    }

    #[test]
    fn one_address_is_limited_across_emails() {
        let throttle = LoginThrottle::new(100, 3, 1000);
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

    #[test]
    fn everyone_together_is_limited_too() {
        let throttle = LoginThrottle::new(100, 100, 2);
        assert!(throttle.check("a@example.com", None).is_ok());
        assert!(throttle.check("b@example.com", None).is_ok());
        assert!(throttle.check("c@example.com", None).is_err());
    }

    #[test]
    fn signups_are_limited_per_address_per_hour_and_in_all() {
        let throttle = SignupThrottle::new(2, 3);
        let (a, b): (IpAddr, IpAddr) = ([10, 0, 0, 1].into(), [10, 0, 0, 2].into());
        assert!(throttle.check(Some(a)).is_ok() && throttle.check(Some(a)).is_ok());
        let delay = throttle.check(Some(a)).unwrap_err();
        assert!(
            delay > Duration::from_secs(60),
            "an hour's quota refills slowly: {delay:?}"
        );
        assert!(throttle.check(Some(b)).is_ok());
        assert!(throttle.check(Some(b)).is_err(), "three in all this minute");
    }
}
