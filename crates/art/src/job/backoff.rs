//! Exponential backoff with jitter, never shorter than the provider's `Retry-After`.

use rand::Rng;

use crate::http::Millis;

/// Delay before retry number `retry` (0-based): half of the exponential step plus a random half, so clients that
/// failed together don't retry together.
pub(crate) fn delay(
    retry: u32,
    base: Millis,
    max: Millis,
    retry_after: Option<Millis>,
    rng: &mut impl Rng,
) -> Millis {
    let step = base.saturating_mul(1u64 << retry.min(16)).min(max).max(1);
    let jittered = step / 2 + rng.random_range(0..=step / 2);
    jittered.max(retry_after.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn grows_caps_and_honours_retry_after() {
        let mut rng = StdRng::seed_from_u64(1);
        for retry in 0..6 {
            let d = delay(retry, 500, 8000, None, &mut rng);
            let step = (500u64 << retry).min(8000);
            assert!(d >= step / 2 && d <= step, "{retry}: {d}");
        }
        assert_eq!(delay(0, 500, 8000, Some(3000), &mut rng), 3000);
    }
}
