//! Analytics storage: rollups kept by the sync path, equal to a rebuild from raw snapshots, and
//! kept after raw snapshots are pruned; posting sums by local weekday × hour, from the database
//! and from the posting profile, that agree with the calendar (SQLite by default, PostgreSQL when `TEST_BACKEND=postgres`).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use common::fresh_store;
use multitok_store::Store;
use multitok_store::sync::{AccountCounts, VideoStats};

async fn migrated_store(dir: &std::path::Path) -> Store {
    let store = fresh_store(dir).await;
    store.migrate().await.unwrap();
    store
}

async fn account(store: &Store, now: DateTime<Utc>) -> String {
    common::world::ana(store, now).await.account_id
}

fn stats(id: &str, posted_at: DateTime<Utc>, views: i64) -> VideoStats {
    VideoStats {
        video_id: id.into(),
        title: id.into(),
        posted_at,
        views,
        ..VideoStats::default()
    }
}

#[tokio::test]
async fn rollups_survive_pruning_and_match_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let store = migrated_store(dir.path()).await;
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 1, 0, 0).unwrap();
    let a = account(&store, start).await;
    // Four days, two syncs a day; the later snapshot of a day is the day's row.
    for d in 0..4 {
        for (h, extra) in [(0, 0), (12, 5)] {
            let at = start + TimeDelta::days(d) + TimeDelta::hours(h);
            let views = 100 * (d + 1) + extra;
            let videos = [stats("1", start, views), stats("2", start, views * 2)];
            store.save_videos(&a, &videos, at).await.unwrap();
            let counts = AccountCounts {
                followers: 10 + d,
                ..AccountCounts::default()
            };
            // As the sync does: the raw snapshot, then the day row.
            store.save_account_snapshot(&a, counts, at).await.unwrap();
            store.roll_up_account(&a, counts, at).await.unwrap();
        }
    }
    let ids = vec![a.clone()];
    let (from, to) = (start.date_naive(), start.date_naive() + TimeDelta::days(10));
    let days = store
        .account_days(&ids, from, to, None, None)
        .await
        .unwrap();
    let views: Vec<i64> = days.iter().map(|d| d.view_count).collect();
    assert_eq!(views, [315, 615, 915, 1215]);
    let followers: Vec<i64> = days.iter().map(|d| d.follower_count).collect();
    assert_eq!(followers, [10, 11, 12, 13]);
    let videos = store
        .videos_posted(
            &ids,
            start - TimeDelta::hours(1),
            to.and_hms_opt(0, 0, 0).unwrap().and_utc(),
            None,
            None,
        )
        .await
        .unwrap();
    let video_ids: Vec<String> = videos.iter().map(|v| v.id.clone()).collect();
    let curves = store.day_views(video_ids.clone()).await.unwrap();
    let first: Vec<i64> = curves[&video_ids[0]].iter().map(|p| p.1).collect();
    assert_eq!(first.len(), 4);

    // The profile holds each video once, with its latest views.
    let profile = store.posting_profiles(&ids).await.unwrap();
    let posted = multitok_shared::analytics::posting::decode(&profile[0].1);
    let latest: Vec<(i64, i64)> = posted.iter().map(|p| (p.at, p.views)).collect();
    assert_eq!(latest, [(start.timestamp(), 405), (start.timestamp(), 810)]);

    assert_eq!(store.rebuild_rollups().await.unwrap(), (8, 4));
    assert_eq!(store.posting_profiles(&ids).await.unwrap(), profile);
    assert_eq!(
        store
            .account_days(&ids, from, to, None, None)
            .await
            .unwrap(),
        days
    );
    assert_eq!(store.day_views(video_ids.clone()).await.unwrap(), curves);

    // Raw snapshots of the first two days go; their days stay, and a rebuild keeps them.
    let pruned = store
        .prune_snapshots(start + TimeDelta::days(2))
        .await
        .unwrap();
    assert_eq!(pruned, 2 * 2 * 2 + 4);
    assert_eq!(store.rebuild_rollups().await.unwrap(), (4, 2));
    assert_eq!(
        store
            .account_days(&ids, from, to, None, None)
            .await
            .unwrap(),
        days
    );
    assert_eq!(store.day_views(video_ids).await.unwrap(), curves);
}

#[tokio::test]
async fn posting_totals_agree_with_the_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let store = migrated_store(dir.path()).await;
    let year = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let a = account(&store, year).await;
    // 400 posts at scattered instants through 2026, by a fixed linear congruential sequence.
    let mut seed: u64 = 7;
    let mut videos = Vec::new();
    for i in 0..400 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let at = year + TimeDelta::seconds((seed >> 33) as i64 % (365 * 86_400));
        videos.push(stats(&format!("{i}"), at, i64::from(i % 17) * 10));
    }
    store.save_videos(&a, &videos, year).await.unwrap();
    // First with the slots stored and the posting profile written as the videos were saved,
    // then with the stored slot's migration and the profiles' undone and redone (with the four
    // later migrations above them): the slots are computed again from the instants in SQL, and
    // no profile exists until the next save.
    for redone in [false, true] {
        if redone {
            store.migrate_down(6).await.unwrap();
            store.migrate().await.unwrap();
        }
        check_posting_totals(&store, &a, &videos, !redone).await;
    }
    store.save_videos(&a, &videos[..1], year).await.unwrap();
    check_posting_totals(&store, &a, &videos, true).await;
}

/// The database's sums and, when `profiled`, the posting profile's sums, against the calendar.
async fn check_posting_totals(store: &Store, a: &str, videos: &[VideoStats], profiled: bool) {
    use multitok_shared::analytics::offsets::{offset_spans, weekday_hour};
    use multitok_shared::analytics::posting;
    let profiles = store.posting_profiles(&[a.to_owned()]).await.unwrap();
    assert_eq!(profiles.len(), usize::from(profiled));
    let profile = profiles.first().map(|(_, packed)| posting::decode(packed));
    use std::collections::BTreeMap;
    let year = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let ranges = [
        (year, year + TimeDelta::days(365)),
        // Around Europe's and America's spring change of 2026.
        (
            Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 4, 15, 0, 0, 0).unwrap(),
        ),
    ];
    let zones = [
        chrono_tz::UTC,
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
        chrono_tz::Asia::Kolkata,
        chrono_tz::Asia::Tokyo,
    ];
    for (from, to) in ranges {
        for zone in zones {
            let spans: Vec<(DateTime<Utc>, i32)> = offset_spans(zone, from, to)
                .into_iter()
                .map(|s| (s.start, s.offset_seconds))
                .collect();
            let rows = store
                .posting_totals(&[a.to_owned()], from, to, &spans)
                .await
                .unwrap();
            let mut got: BTreeMap<(u8, u8), (i64, i64)> = BTreeMap::new();
            for row in rows {
                let cell = got.entry(weekday_hour(row.slot)).or_default();
                cell.0 += row.posts;
                cell.1 += row.views;
            }
            let mut expected: BTreeMap<(u8, u8), (i64, i64)> = BTreeMap::new();
            for v in videos
                .iter()
                .filter(|v| v.posted_at >= from && v.posted_at < to)
            {
                use chrono::{Datelike, Timelike};
                let local = v.posted_at.with_timezone(&zone);
                let key = (
                    local.weekday().num_days_from_monday() as u8,
                    local.hour() as u8,
                );
                let cell = expected.entry(key).or_default();
                cell.0 += 1;
                cell.1 += v.views;
            }
            assert!(!expected.is_empty());
            assert_eq!(got, expected, "{zone} from {from} to {to}");
            if let Some(posts) = &profile {
                let spans: Vec<(i64, i32)> = spans.iter().map(|s| (s.0.timestamp(), s.1)).collect();
                let totals = posting::slot_totals(posts, from.timestamp(), to.timestamp(), &spans);
                let from_profile: BTreeMap<(u8, u8), (i64, i64)> = (0..168)
                    .filter(|&slot| totals[slot].0 > 0)
                    .map(|slot| {
                        let (posts, views) = totals[slot];
                        (weekday_hour(slot as i64), (i64::from(posts), views))
                    })
                    .collect();
                assert_eq!(
                    from_profile, expected,
                    "profile: {zone} from {from} to {to}"
                );
            }
        }
    }
}
