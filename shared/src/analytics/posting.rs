//! An account's posting profile: each of its videos as (posted at, views), oldest first, packed
//! 16 bytes a video. Best times add up any range of it per local weekday × hour in memory, so
//! a whole workspace's grid reads one row per account instead of every post.

/// One video: when it went out (seconds since the Unix epoch) and its views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posted {
    pub at: i64,
    pub views: i64,
}

const WIDTH: usize = 16;

/// Packs the videos, sorted by time (little-endian seconds, then views).
pub fn encode(mut posts: Vec<Posted>) -> Vec<u8> {
    posts.sort_by_key(|p| (p.at, p.views));
    let mut out = Vec::with_capacity(posts.len() * WIDTH);
    for p in posts {
        out.extend_from_slice(&p.at.to_le_bytes());
        out.extend_from_slice(&p.views.to_le_bytes());
    }
    out
}

/// The videos of a packed profile; a trailing partial record is ignored.
pub fn decode(bytes: &[u8]) -> Vec<Posted> {
    bytes
        .chunks_exact(WIDTH)
        .map(|c| {
            let (at, views) = c.split_at(8);
            Posted {
                at: i64::from_le_bytes(at.try_into().unwrap_or_default()),
                views: i64::from_le_bytes(views.try_into().unwrap_or_default()),
            }
        })
        .collect()
}

/// Posts and views (negative counts as 0) per local slot, `((epoch + offset) / 3600 + 72) %
/// 168` as in [`super::offsets::weekday_hour`], of the videos posted in `[from, to)` (epoch
/// seconds). `spans` are (start, offset seconds), oldest first, each holding until the next;
/// videos before the first span are left out. `posts` must be sorted by time, as [`decode`]
/// gives them.
pub fn slot_totals(
    posts: &[Posted],
    from: i64,
    to: i64,
    spans: &[(i64, i32)],
) -> [(u32, i64); 168] {
    let mut totals = [(0u32, 0i64); 168];
    let Some(&(first, _)) = spans.first() else {
        return totals;
    };
    let start = posts.partition_point(|p| p.at < from.max(first));
    let mut span = 0;
    for p in posts[start..].iter().take_while(|p| p.at < to) {
        while spans.get(span + 1).is_some_and(|next| next.0 <= p.at) {
            span += 1;
        }
        let local = p.at + i64::from(spans[span].1);
        let slot = (local.div_euclid(3600) + 72).rem_euclid(168) as usize;
        totals[slot].0 += 1;
        totals[slot].1 = totals[slot].1.saturating_add(p.views.max(0));
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The slot of one instant, computed on its own.
    fn naive_slot(at: i64, spans: &[(i64, i32)]) -> Option<usize> {
        let (_, offset) = spans.iter().rev().find(|s| s.0 <= at)?;
        Some(((at + i64::from(*offset)).div_euclid(3600) + 72).rem_euclid(168) as usize)
    }

    fn posts() -> impl Strategy<Value = Vec<Posted>> {
        prop::collection::vec(
            (1_600_000_000i64..1_700_000_000, -5i64..1_000_000)
                .prop_map(|(at, views)| Posted { at, views }),
            0..300,
        )
    }

    proptest! {
        #[test]
        fn encoding_keeps_every_video_in_time_order(posts in posts()) {
            let decoded = decode(&encode(posts.clone()));
            let mut sorted = posts;
            sorted.sort_by_key(|p| (p.at, p.views));
            prop_assert_eq!(decoded, sorted);
        }

        #[test]
        fn totals_match_each_post_counted_on_its_own(
            posts in posts(),
            from in 1_590_000_000i64..1_710_000_000,
            len in 0i64..120_000_000,
            cuts in prop::collection::vec((1_590_000_000i64..1_710_000_000, -50_400i32..50_400), 1..4),
        ) {
            let mut spans = cuts;
            spans.sort_by_key(|s| s.0);
            spans.dedup_by_key(|s| s.0);
            let to = from + len;
            let totals = slot_totals(&decode(&encode(posts.clone())), from, to, &spans);
            let mut expected = [(0u32, 0i64); 168];
            for p in posts.iter().filter(|p| p.at >= from && p.at < to) {
                if let Some(slot) = naive_slot(p.at, &spans) {
                    expected[slot].0 += 1;
                    expected[slot].1 += p.views.max(0);
                }
            }
            prop_assert_eq!(totals, expected);
        }
    }

    #[test]
    fn a_half_hour_zone_moves_a_post_to_the_next_hour() {
        // Monday 1 January 2024 09:40 UTC is 15:10 in India (+05:30): Monday, 15h.
        let at = 1_704_102_000;
        let posts = decode(&encode(vec![Posted { at, views: 7 }]));
        let totals = slot_totals(&posts, at - 10, at + 10, &[(at - 100, 19_800)]);
        assert_eq!(totals[15], (1, 7));
        assert_eq!(totals.iter().map(|t| t.0).sum::<u32>(), 1);
    }

    #[test]
    fn empty_and_truncated_profiles_add_up_to_nothing() {
        assert_eq!(slot_totals(&[], 0, 10, &[(0, 0)]), [(0, 0); 168]);
        assert_eq!(decode(&[1, 2, 3]), Vec::<Posted>::new());
        let one = decode(&encode(vec![Posted { at: 5, views: 1 }]));
        assert_eq!(slot_totals(&one, 0, 10, &[]), [(0, 0); 168]);
    }
}
