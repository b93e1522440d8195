//! Best times to post: how the account's own posts performed by weekday and hour of posting,
//! each post measured against its account's mean, each cell shrunk toward that mean when it has
//! few posts.

/// Posts in the whole grid below which the answer says there is not enough data.
pub const MIN_SAMPLES: usize = 20;
/// Weight of the account's mean in every cell, in posts.
pub const PRIOR_POSTS: f64 = 3.0;
/// A slot needs this many posts to be among the top slots.
pub const MIN_TOP_SAMPLES: u32 = 2;
const TOP_SLOTS: usize = 5;

/// One post: when it went out (weekday 0 = Monday, hour 0–23, in the zone of the answer) and how
/// it performed (its views).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub weekday: u8,
    pub hour: u8,
    pub performance: f64,
}

/// One weekday × hour: expected performance relative to the account's mean (1.0 = average) and
/// the posts behind it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cell {
    pub expected: f64,
    pub samples: u32,
}

/// The 7 × 24 grid and its best slots.
#[derive(Debug, Clone, PartialEq)]
pub struct BestTimes {
    /// `cells[weekday][hour]`.
    pub cells: [[Cell; 24]; 7],
    pub samples: usize,
    /// Whether there were at least [`MIN_SAMPLES`] posts.
    pub enough_data: bool,
    /// Up to five (weekday, hour), best first; empty without enough data.
    pub top: Vec<(u8, u8)>,
}

/// One account's posts in one weekday × hour: how many, and their summed performance (views).
/// What a database can add up without sending every post.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlotTotal {
    pub weekday: u8,
    pub hour: u8,
    pub posts: u32,
    pub performance: f64,
}

/// The grid over the posts of one or more accounts (one slice of samples per account).
pub fn best_times(accounts: &[Vec<Sample>]) -> BestTimes {
    let totals: Vec<Vec<SlotTotal>> = accounts
        .iter()
        .map(|posts| {
            posts
                .iter()
                .filter(|s| s.weekday < 7 && s.hour < 24 && s.performance.is_finite())
                .map(|s| SlotTotal {
                    weekday: s.weekday,
                    hour: s.hour,
                    posts: 1,
                    performance: s.performance.max(0.0),
                })
                .collect()
        })
        .collect();
    best_times_from_totals(&totals)
}

/// The grid from per-slot totals (one slice per account; a slot may appear more than once).
/// Each post counts relative to its account's mean, so a cell's sum is its slot's total over
/// that mean.
pub fn best_times_from_totals(accounts: &[Vec<SlotTotal>]) -> BestTimes {
    let mut sums = [[0.0f64; 24]; 7];
    let mut counts = [[0u32; 24]; 7];
    let mut samples = 0;
    for slots in accounts {
        let valid: Vec<&SlotTotal> = slots
            .iter()
            .filter(|s| s.weekday < 7 && s.hour < 24 && s.performance.is_finite() && s.posts > 0)
            .collect();
        let posts: u32 = valid.iter().map(|s| s.posts).sum();
        let total: f64 = valid.iter().map(|s| s.performance.max(0.0)).sum();
        let account_mean = if posts > 0 {
            total / f64::from(posts)
        } else {
            0.0
        };
        for s in valid {
            let relative = if account_mean > 0.0 {
                s.performance.max(0.0) / account_mean
            } else {
                f64::from(s.posts)
            };
            sums[s.weekday as usize][s.hour as usize] += relative;
            counts[s.weekday as usize][s.hour as usize] += s.posts;
            samples += s.posts as usize;
        }
    }
    let mut cells = [[Cell::default(); 24]; 7];
    let mut ranked = Vec::new();
    for d in 0..7 {
        for h in 0..24 {
            let n = counts[d][h];
            let expected = (sums[d][h] + PRIOR_POSTS) / (n as f64 + PRIOR_POSTS);
            cells[d][h] = Cell {
                expected,
                samples: n,
            };
            if n >= MIN_TOP_SAMPLES {
                ranked.push((expected, d as u8, h as u8));
            }
        }
    }
    let enough_data = samples >= MIN_SAMPLES;
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let top = if enough_data {
        ranked
            .iter()
            .take(TOP_SLOTS)
            .map(|&(_, d, h)| (d, h))
            .collect()
    } else {
        Vec::new()
    };
    BestTimes {
        cells,
        samples,
        enough_data,
        top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(weekday: u8, hour: u8, performance: f64) -> Sample {
        Sample {
            weekday,
            hour,
            performance,
        }
    }

    #[test]
    fn cells_are_shrunk_toward_the_mean() {
        // Two posts on Monday at 18:00 with 300 views, eighteen on Wednesday with 50: mean 75.
        let mut posts = vec![s(0, 18, 300.0), s(0, 18, 300.0)];
        posts.extend((0..18).map(|i| s(2, (i % 12) as u8, 50.0)));
        let grid = best_times(&[posts]);
        let monday = grid.cells[0][18];
        assert_eq!(monday.samples, 2);
        // (4.0 + 4.0 + 3 × 1.0) / (2 + 3)
        assert!((monday.expected - 2.2).abs() < 1e-9);
        assert_eq!(
            grid.cells[6][3],
            Cell {
                expected: 1.0,
                samples: 0
            }
        );
        assert!(grid.enough_data);
        assert_eq!(grid.top.first(), Some(&(0, 18)));
    }

    #[test]
    fn few_posts_are_not_enough() {
        let grid = best_times(&[vec![s(1, 9, 10.0); 5]]);
        assert!(!grid.enough_data);
        assert!(grid.top.is_empty());
        assert_eq!(grid.samples, 5);
        let empty = best_times(&[]);
        assert_eq!(empty.samples, 0);
        assert!(empty.cells.iter().flatten().all(|c| c.expected == 1.0));
    }

    fn arb_posts() -> impl Strategy<Value = Vec<Sample>> {
        prop::collection::vec(
            (0u8..7, 0u8..24, 0.0f64..1e6).prop_map(|(d, h, p)| s(d, h, p)),
            0..60,
        )
    }

    proptest! {
        #[test]
        fn the_account_size_does_not_matter(posts in arb_posts(), k in 0.001f64..1000.0) {
            let scaled: Vec<_> = posts.iter().map(|p| s(p.weekday, p.hour, p.performance * k)).collect();
            let (a, b) = (best_times(&[posts]), best_times(&[scaled]));
            for (x, y) in a.cells.iter().flatten().zip(b.cells.iter().flatten()) {
                prop_assert!((x.expected - y.expected).abs() < 1e-9);
                prop_assert!(x.expected.is_finite());
            }
        }

        #[test]
        fn a_better_post_raises_its_cell(mut posts in arb_posts(), extra in 0.0f64..1e6) {
            prop_assume!(!posts.is_empty());
            let before = best_times(&[posts.clone()]);
            let (d, h) = (posts[0].weekday as usize, posts[0].hour as usize);
            // Raising one post raises its cell relative to every other cell's change.
            posts[0].performance += extra;
            let after = best_times(&[posts]);
            let gain = after.cells[d][h].expected / before.cells[d][h].expected;
            for cell in after.cells.iter().flatten().zip(before.cells.iter().flatten()) {
                prop_assert!(gain + 1e-9 >= cell.0.expected / cell.1.expected);
            }
        }

        #[test]
        fn totals_per_slot_give_the_grid_of_their_posts(a in arb_posts(), b in arb_posts()) {
            let total = |posts: &[Sample]| -> Vec<SlotTotal> {
                let mut slots: Vec<SlotTotal> = Vec::new();
                for p in posts {
                    match slots.iter_mut().find(|t| t.weekday == p.weekday && t.hour == p.hour) {
                        Some(t) => {
                            t.posts += 1;
                            t.performance += p.performance;
                        }
                        None => slots.push(SlotTotal { weekday: p.weekday, hour: p.hour, posts: 1, performance: p.performance }),
                    }
                }
                slots
            };
            let from_posts = best_times(&[a.clone(), b.clone()]);
            let from_totals = best_times_from_totals(&[total(&a), total(&b)]);
            prop_assert_eq!(from_posts.samples, from_totals.samples);
            for (x, y) in from_posts.cells.iter().flatten().zip(from_totals.cells.iter().flatten()) {
                prop_assert_eq!(x.samples, y.samples);
                prop_assert!((x.expected - y.expected).abs() < 1e-9 * x.expected.max(1.0));
            }
        }

        #[test]
        fn degenerate_input_stays_finite(n in 0usize..30) {
            let grid = best_times(&[vec![s(0, 0, 0.0); n], vec![s(9, 99, f64::NAN)]]);
            prop_assert!(grid.cells.iter().flatten().all(|c| c.expected.is_finite()));
            prop_assert_eq!(grid.samples, n);
        }
    }
}
