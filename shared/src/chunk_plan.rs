//! TikTok's chunk plan for `FILE_UPLOAD`: `total_chunk_count = floor(size / chunk_size)`, the
//! remainder merged into the last chunk; chunks of 5–64 MB (the last up to 128 MB); files under
//! the minimum go whole; 1 to 1000 chunks. Pure, so the web app can show the plan too.

use std::ops::Range;

/// The bounds of the chunk rules; TikTok's by default, smaller in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkBounds {
    pub min_chunk: u64,
    pub max_chunk: u64,
    pub max_last_chunk: u64,
    pub max_chunks: u64,
}

/// "MB" read as 2^20 bytes, as deployed clients do; the decimal reading is within these bounds.
pub const MIB: u64 = 1024 * 1024;

impl Default for ChunkBounds {
    fn default() -> Self {
        ChunkBounds {
            min_chunk: 5 * MIB,
            max_chunk: 64 * MIB,
            max_last_chunk: 128 * MIB,
            max_chunks: 1000,
        }
    }
}

impl ChunkBounds {
    /// Every bound divided by `factor` (at least 1 byte), for tests that should not move 64 MB.
    pub fn scaled_down(factor: u64) -> ChunkBounds {
        let d = ChunkBounds::default();
        let f = factor.max(1);
        ChunkBounds {
            min_chunk: (d.min_chunk / f).max(1),
            max_chunk: (d.max_chunk / f).max(1),
            max_last_chunk: (d.max_last_chunk / f).max(1),
            max_chunks: d.max_chunks,
        }
    }
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkPlanError {
    #[error("the file is empty")]
    Empty,
    #[error("chunk size {chunk_size} is outside {min}..={max} bytes")]
    ChunkSize { chunk_size: u64, min: u64, max: u64 },
    #[error("chunk size {chunk_size} is larger than the file ({video_size} bytes)")]
    ChunkLargerThanFile { chunk_size: u64, video_size: u64 },
    #[error("{count} chunks; at most {max} are allowed")]
    TooManyChunks { count: u64, max: u64 },
    #[error("the last chunk would be {size} bytes; at most {max} are allowed")]
    LastChunkTooLarge { size: u64, max: u64 },
}

/// The chunks of one upload, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkPlan {
    pub video_size: u64,
    pub chunk_size: u64,
    pub total_chunk_count: u64,
}

impl ChunkPlan {
    /// Plans `video_size` bytes in chunks of `chunk_size` under TikTok's rules. A file smaller
    /// than the minimum chunk goes whole, whatever `chunk_size` was asked for.
    pub fn new(
        video_size: u64,
        chunk_size: u64,
        bounds: ChunkBounds,
    ) -> Result<ChunkPlan, ChunkPlanError> {
        if video_size == 0 {
            return Err(ChunkPlanError::Empty);
        }
        if video_size < bounds.min_chunk {
            return Ok(ChunkPlan {
                video_size,
                chunk_size: video_size,
                total_chunk_count: 1,
            });
        }
        if !(bounds.min_chunk..=bounds.max_chunk).contains(&chunk_size) {
            return Err(ChunkPlanError::ChunkSize {
                chunk_size,
                min: bounds.min_chunk,
                max: bounds.max_chunk,
            });
        }
        if chunk_size > video_size {
            return Err(ChunkPlanError::ChunkLargerThanFile {
                chunk_size,
                video_size,
            });
        }
        let count = video_size / chunk_size;
        if count > bounds.max_chunks {
            return Err(ChunkPlanError::TooManyChunks {
                count,
                max: bounds.max_chunks,
            });
        }
        let last = video_size - chunk_size * (count - 1);
        if last > bounds.max_last_chunk {
            return Err(ChunkPlanError::LastChunkTooLarge {
                size: last,
                max: bounds.max_last_chunk,
            });
        }
        Ok(ChunkPlan {
            video_size,
            chunk_size,
            total_chunk_count: count,
        })
    }

    /// The largest allowed chunk size that fits, preferring `preferred`: what a client should
    /// ask for when it has no opinion.
    pub fn auto(
        video_size: u64,
        preferred: u64,
        bounds: ChunkBounds,
    ) -> Result<ChunkPlan, ChunkPlanError> {
        let needed = video_size.div_ceil(bounds.max_chunks).max(bounds.min_chunk);
        let chunk = preferred.clamp(needed, bounds.max_chunk).min(video_size);
        ChunkPlan::new(video_size, chunk, bounds)
    }

    /// Byte range of chunk `index` (0-based).
    pub fn range(&self, index: u64) -> Range<u64> {
        let start = index * self.chunk_size;
        let end = if index + 1 == self.total_chunk_count {
            self.video_size
        } else {
            start + self.chunk_size
        };
        start..end
    }

    /// Every chunk's byte range, in order.
    pub fn ranges(&self) -> impl Iterator<Item = Range<u64>> + '_ {
        (0..self.total_chunk_count).map(|i| self.range(i))
    }

    /// The chunk that starts at `offset`, if any (to resume after a 416).
    pub fn chunk_at(&self, offset: u64) -> Option<u64> {
        (0..self.total_chunk_count).find(|&i| self.range(i).start == offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn documented_example_is_five_chunks_with_a_large_last_one() {
        let bounds = ChunkBounds {
            min_chunk: 5_000_000,
            max_chunk: 64_000_000,
            max_last_chunk: 128_000_000,
            max_chunks: 1000,
        };
        let plan = ChunkPlan::new(50_000_123, 10_000_000, bounds).unwrap();
        assert_eq!(plan.total_chunk_count, 5);
        let ranges: Vec<_> = plan.ranges().collect();
        assert_eq!(ranges[0], 0..10_000_000);
        assert_eq!(ranges[3], 30_000_000..40_000_000);
        assert_eq!(
            ranges[4],
            40_000_000..50_000_123,
            "bytes 40,000,000–50,000,122"
        );
    }

    #[test]
    fn small_files_go_whole() {
        let plan = ChunkPlan::new(1234, 10 * MIB, ChunkBounds::default()).unwrap();
        assert_eq!((plan.chunk_size, plan.total_chunk_count), (1234, 1));
    }

    #[test]
    fn out_of_bounds_requests_are_refused() {
        let b = ChunkBounds::default();
        assert_eq!(ChunkPlan::new(0, MIB, b), Err(ChunkPlanError::Empty));
        assert!(matches!(
            ChunkPlan::new(100 * MIB, MIB, b),
            Err(ChunkPlanError::ChunkSize { .. })
        ));
        assert!(matches!(
            ChunkPlan::new(100 * MIB, 65 * MIB, b),
            Err(ChunkPlanError::ChunkSize { .. })
        ));
        assert!(matches!(
            ChunkPlan::new(20 * MIB, 30 * MIB, b),
            Err(ChunkPlanError::ChunkLargerThanFile { .. })
        ));
        // 64 MiB chunks of a 191 MiB file leave a 127 MiB last chunk, within the 128 MiB bound.
        assert_eq!(
            ChunkPlan::new(191 * MIB, 64 * MIB, b).unwrap().range(1),
            64 * MIB..191 * MIB
        );
        let tight = ChunkBounds {
            min_chunk: 10,
            max_chunk: 100,
            max_last_chunk: 120,
            max_chunks: 1000,
        };
        assert!(matches!(
            ChunkPlan::new(199, 100, tight),
            Err(ChunkPlanError::LastChunkTooLarge { size: 199, .. })
        ));
        let many = ChunkBounds {
            max_chunks: 3,
            ..tight
        };
        assert!(matches!(
            ChunkPlan::new(400, 100, many),
            Err(ChunkPlanError::TooManyChunks { count: 4, .. })
        ));
    }

    #[test]
    fn auto_plans_four_gigabytes() {
        let plan = ChunkPlan::auto(4 * 1024 * MIB, 10 * MIB, ChunkBounds::default()).unwrap();
        assert!(plan.total_chunk_count <= 1000);
        assert_eq!(plan.ranges().last().unwrap().end, 4 * 1024 * MIB);
    }

    proptest! {
        #[test]
        fn every_byte_is_covered_once_and_bounds_hold(size in 1u64..3_000 * MIB, chunk in 5 * MIB..=64 * MIB) {
            let bounds = ChunkBounds::default();
            if let Ok(plan) = ChunkPlan::new(size, chunk, bounds) {
                let mut next = 0;
                let count = plan.total_chunk_count;
                prop_assert!((1..=bounds.max_chunks).contains(&count));
                for (i, r) in plan.ranges().enumerate() {
                    prop_assert_eq!(r.start, next);
                    let len = r.end - r.start;
                    if (i as u64) + 1 < count {
                        prop_assert!(len >= bounds.min_chunk && len <= bounds.max_chunk);
                    } else {
                        prop_assert!(len <= bounds.max_last_chunk);
                        prop_assert!(len >= bounds.min_chunk || count == 1);
                    }
                    next = r.end;
                }
                prop_assert_eq!(next, size);
            }
        }

        #[test]
        fn auto_succeeds_for_any_size_up_to_four_gigabytes(size in 1u64..=4096 * MIB) {
            let plan = ChunkPlan::auto(size, 10 * MIB, ChunkBounds::default());
            prop_assert!(plan.is_ok(), "{:?}", plan);
        }
    }
}
