//! A bulkhead (resilience4j's semaphore bulkhead): at most `max_concurrent`
//! tries in flight; one more is refused at once instead of waiting.

/// A bulkhead's permits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bulkhead {
    max_concurrent: u32,
    in_flight: u32,
}

impl Bulkhead {
    /// A bulkhead with every permit free.
    #[must_use]
    pub fn new(max_concurrent: u32) -> Self {
        Self { max_concurrent, in_flight: 0 }
    }

    /// Permits taken.
    #[must_use]
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// Take a permit, or refuse when all are taken.
    pub fn try_acquire(&mut self) -> bool {
        if self.in_flight >= self.max_concurrent {
            return false;
        }
        self.in_flight += 1;
        true
    }

    /// Give a permit back (one never taken is ignored).
    pub fn release(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_are_taken_refused_and_given_back() {
        let mut b = Bulkhead::new(2);
        assert!(b.try_acquire());
        assert!(b.try_acquire());
        assert!(!b.try_acquire());
        assert_eq!(b.in_flight(), 2);
        b.release();
        assert!(b.try_acquire());
        b.release();
        b.release();
        b.release();
        assert_eq!(b.in_flight(), 0, "extra releases do not underflow");
    }

    #[test]
    fn zero_and_huge_limits() {
        assert!(!Bulkhead::new(0).try_acquire());
        let mut b = Bulkhead::new(u32::MAX);
        assert!((0..10_000).all(|_| b.try_acquire()));
    }
}
