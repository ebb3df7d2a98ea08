//! A weighted choice among a handler's branch steps: each group of branch
//! steps keeps one member per request, drawn by weight. The simulator and
//! the live emulator build and draw groups through this one type, so both
//! choose the same branch for the same draw.

/// One branch group: its members' bits (in step order) with their
/// cumulative shares, normalised to 1.
#[derive(Clone, Debug, PartialEq)]
pub struct BranchGroup {
    /// (bit, cumulative share normalised to 1), in step order.
    pub members: Vec<(u8, f64)>,
    /// Every member's bit.
    pub mask: u64,
}

impl BranchGroup {
    /// A group from its members' `(bit, weight)` pairs in step order; a
    /// group whose weights add up to zero chooses none of them.
    #[must_use]
    pub fn new(weights: &[(u8, f64)]) -> Self {
        let total: f64 = weights.iter().map(|(_, w)| w).sum();
        let mut acc = 0.0;
        let mut mask = 0u64;
        let members = weights
            .iter()
            .map(|(bit, w)| {
                acc += if total > 0.0 { w / total } else { 0.0 };
                mask |= 1u64 << bit;
                (*bit, acc)
            })
            .collect();
        Self { members, mask }
    }

    /// The steps this group leaves out for a uniform draw `u` in [0, 1):
    /// every member but the one whose cumulative share first exceeds `u`
    /// (the last one when rounding leaves none).
    #[inline]
    #[must_use]
    pub fn skipped(&self, u: f64) -> u64 {
        let chosen = self.members.iter().find(|(_, cum)| u < *cum).or(self.members.last()).map(|m| m.0);
        let keep = chosen.map_or(0, |bit| 1u64 << bit);
        self.mask & !keep
    }
}

#[cfg(test)]
mod tests {
    use super::BranchGroup;

    #[test]
    fn a_draw_keeps_exactly_one_member_by_weight() {
        let g = BranchGroup::new(&[(0, 1.0), (3, 3.0)]);
        assert_eq!(g.mask, 0b1001);
        assert_eq!(g.members, vec![(0, 0.25), (3, 1.0)]);
        assert_eq!(g.skipped(0.1), 0b1000, "below 1/4: the first member is kept");
        assert_eq!(g.skipped(0.25), 0b0001, "from 1/4: the second");
        assert_eq!(g.skipped(0.999_999), 0b0001);
        // Zero weights: no share ever exceeds the draw, the last member stays.
        let z = BranchGroup::new(&[(1, 0.0), (2, 0.0)]);
        assert_eq!(z.skipped(0.5), 0b010);
        assert_eq!(BranchGroup::new(&[]).skipped(0.5), 0);
    }
}
