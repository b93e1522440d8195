//! Time series of account metrics, bucketed by day, week or month with gaps kept, and the
//! comparison of several accounts on the same buckets.

use chrono::{NaiveDate, TimeDelta};
use multitok_proto::v1 as pb;
use multitok_shared::Violations;
use multitok_shared::analytics::series::{Granularity, buckets, fill};
use multitok_store::analytics::AccountDay;

use super::cache::Kind;
use super::input::{self, DayRange, Metric};
use super::metrics::PeriodData;
use super::{Scope, scope, scope_of};
use crate::service::Services;
use crate::service::access::{Access, View};
use multitok_core::CoreError;

/// What a series request asks for, checked.
#[derive(Debug, Clone)]
pub struct SeriesQuery {
    pub metrics: Vec<Metric>,
    pub range: DayRange,
    pub granularity: Granularity,
}

impl SeriesQuery {
    /// Checks the raw fields; every problem is a field violation.
    pub fn parse(
        metrics: &[i32],
        from: &str,
        to: &str,
        granularity: i32,
    ) -> Result<SeriesQuery, Violations> {
        let mut v = Violations::new();
        let metrics = input::metrics(&mut v, "metrics", metrics);
        let range = input::range(&mut v, "range", from, to);
        let granularity = input::granularity(&mut v, "granularity", granularity);
        v.into_result()?;
        let range = range.ok_or_else(|| Violations::one("range", "is required"))?;
        Ok(SeriesQuery {
            metrics,
            range,
            granularity,
        })
    }

    fn key(&self) -> String {
        let metrics: Vec<&str> = self.metrics.iter().map(|m| m.name()).collect();
        format!(
            "{}:{}:{}:{:?}",
            metrics.join(","),
            self.range.from,
            self.range.to,
            self.granularity
        )
    }
}

/// One series per metric for the account's day rows, on `starts`.
fn series_of(q: &SeriesQuery, starts: &[NaiveDate], days: &[&AccountDay]) -> Vec<pb::Series> {
    q.metrics
        .iter()
        .map(|m| {
            let points: Vec<(NaiveDate, f64)> =
                days.iter().map(|d| (d.day, m.of(d) as f64)).collect();
            let values = fill(starts, q.granularity, &points);
            pb::Series {
                metric: m.number(),
                points: starts
                    .iter()
                    .zip(values)
                    .map(|(start, value)| pb::SeriesPoint {
                        start: start.to_string(),
                        value: value.map(|v| v as i64),
                    })
                    .collect(),
            }
        })
        .collect()
}

async fn load(s: &Services, scope: &Scope, q: &SeriesQuery) -> Result<Vec<AccountDay>, CoreError> {
    Ok(s.store
        .account_days(&scope.ids(), q.range.from, q.range.to, None, None)
        .await?)
}

/// Time series of accounts, alone or compared.
pub trait SeriesReads {
    fn time_series(
        &self,
        s: &Services,
        account_id: &str,
        q: SeriesQuery,
    ) -> impl Future<Output = Result<pb::GetAccountTimeSeriesResponse, CoreError>> + Send;
    fn compare(
        &self,
        s: &Services,
        account_ids: &[String],
        q: SeriesQuery,
    ) -> impl Future<Output = Result<pb::CompareAccountsResponse, CoreError>> + Send;
}

impl SeriesReads for Access<View> {
    /// The account's metrics over the range, one point per bucket.
    async fn time_series(
        &self,
        s: &Services,
        account_id: &str,
        q: SeriesQuery,
    ) -> Result<pb::GetAccountTimeSeriesResponse, CoreError> {
        let scope = scope(self, s, account_id).await?;
        time_series_in(s, &scope, q).await
    }

    /// The accounts' series on the same buckets, with a summary row each over the range.
    async fn compare(
        &self,
        s: &Services,
        account_ids: &[String],
        q: SeriesQuery,
    ) -> Result<pb::CompareAccountsResponse, CoreError> {
        if account_ids.is_empty() || account_ids.len() > input::MAX_COMPARED {
            return Err(Violations::one(
                "account_ids",
                format!("name between 1 and {} accounts", input::MAX_COMPARED),
            )
            .into());
        }
        let mut unique = account_ids.to_vec();
        unique.sort();
        unique.dedup();
        if unique.len() != account_ids.len() {
            return Err(Violations::one("account_ids", "name each account once").into());
        }
        let scope = scope_of(self, s, account_ids).await?;
        let key = scope.key(&format!("compare:{}", q.key()));
        s.analytics_cache
            .get_or(Kind::Series, key, async {
                let days = load(s, &scope, &q).await?;
                let starts = buckets(q.range.from, q.range.to, q.granularity);
                // The summary covers the range's last year at most.
                let period = q.range.days().min(365);
                let (_, end) = q.range.instants();
                let videos = s
                    .store
                    .videos_posted(&scope.ids(), end - TimeDelta::days(period), end, None, None)
                    .await?;
                let data = PeriodData {
                    start_day: q.range.from,
                    days,
                    videos,
                    period_days: period,
                };
                let accounts = scope
                    .accounts
                    .iter()
                    .map(|a| {
                        let rows: Vec<&AccountDay> =
                            data.days.iter().filter(|d| d.account_id == a.id).collect();
                        pb::ComparedAccount {
                            account_id: a.id.clone(),
                            display_name: a.display_name.clone(),
                            series: series_of(&q, &starts, &rows),
                            summary: Some(data.metrics_of(a)),
                        }
                    })
                    .collect();
                Ok(pb::CompareAccountsResponse {
                    starts: starts.iter().map(ToString::to_string).collect(),
                    accounts,
                })
            })
            .await
    }
}

/// [`SeriesReads::time_series`] for accounts already looked up.
pub(super) async fn time_series_in(
    s: &Services,
    scope: &Scope,
    q: SeriesQuery,
) -> Result<pb::GetAccountTimeSeriesResponse, CoreError> {
    let key = scope.key(&format!("series:{}", q.key()));
    s.analytics_cache
        .get_or(Kind::Series, key, async {
            let days = load(s, scope, &q).await?;
            let starts = buckets(q.range.from, q.range.to, q.granularity);
            let rows: Vec<&AccountDay> = days.iter().collect();
            Ok(pb::GetAccountTimeSeriesResponse {
                series: series_of(&q, &starts, &rows),
            })
        })
        .await
}
