//! Latency percentiles from raw samples (nanoseconds in a Vec, sorted once:
//! a few hundred thousand samples need no histogram), and a small random
//! number generator for picking conversations and pages.

use std::time::{SystemTime, UNIX_EPOCH};

/// Percentiles of a set of latencies, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

/// The summary of `samples` (nanoseconds); `None` when there are none.
pub fn summarize(mut samples: Vec<u64>) -> Option<Summary> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    let ms = |ns: u64| ns as f64 / 1e6;
    Some(Summary {
        count: samples.len(),
        p50: ms(percentile(&samples, 50.0)),
        p95: ms(percentile(&samples, 95.0)),
        p99: ms(percentile(&samples, 99.0)),
        max: ms(samples[samples.len() - 1]),
    })
}

/// The nearest-rank percentile of sorted, non-empty samples: the smallest
/// sample with at least `p`% of the samples at or below it.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// xorshift64*: plenty for spreading reads over conversations and pages.
pub struct Rng(u64);

impl Rng {
    pub fn from_time() -> Rng {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Rng(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<u64> = (1..=100).map(|i| i * 1_000_000).collect();
        let s = summarize(samples).unwrap();
        assert_eq!(s.count, 100);
        assert_eq!(s.p50, 50.0);
        assert_eq!(s.p95, 95.0);
        assert_eq!(s.p99, 99.0);
        assert_eq!(s.max, 100.0);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[1, 2], 50.0), 1);
        assert_eq!(percentile(&[1, 2], 51.0), 2);
        assert!(summarize(Vec::new()).is_none());
    }

    #[test]
    fn random_numbers_stay_below_the_bound() {
        let mut rng = Rng::from_time();
        let mut seen = [false; 5];
        for _ in 0..1000 {
            seen[rng.below(5)] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(rng.below(1), 0);
    }
}
