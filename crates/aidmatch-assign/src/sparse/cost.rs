//! The integer type of the internal arithmetic: `i64` when it provably suffices for the
//! compound weights, `i128` otherwise. Every sum that involves prices is checked; an
//! overflow is reported, never wrapped.

use std::fmt::Debug;
use std::ops::{Add, Sub};

/// An exact integer cost. `Add`/`Sub` are used only where the bound is proven by the
/// caller (a compound weight from a weight and a tier bonus that fit); everything that
/// involves prices goes through the checked methods.
pub(super) trait Cost:
    Copy + Ord + Debug + Send + Sync + Add<Output = Self> + Sub<Output = Self> + 'static
{
    const ZERO: Self;
    /// Largest tier bonus for which `weight + bonus` cannot overflow.
    const MAX_BONUS: i128;
    fn from_i64(v: i64) -> Self;
    /// `None` when `v` does not fit.
    fn from_i128(v: i128) -> Option<Self>;
    fn to_i128(self) -> i128;
    fn add_c(self, o: Self) -> Option<Self>;
    fn sub_c(self, o: Self) -> Option<Self>;
}

impl Cost for i64 {
    const ZERO: Self = 0;
    const MAX_BONUS: i128 = 1 << 61;
    #[inline]
    fn from_i64(v: i64) -> Self {
        v
    }
    #[inline]
    fn from_i128(v: i128) -> Option<Self> {
        i64::try_from(v).ok()
    }
    #[inline]
    fn to_i128(self) -> i128 {
        i128::from(self)
    }
    #[inline]
    fn add_c(self, o: Self) -> Option<Self> {
        self.checked_add(o)
    }
    #[inline]
    fn sub_c(self, o: Self) -> Option<Self> {
        self.checked_sub(o)
    }
}

impl Cost for i128 {
    const ZERO: Self = 0;
    // `Problem::tier_bonuses` keeps every bonus below i128::MAX / 4.
    const MAX_BONUS: i128 = i128::MAX / 4;
    #[inline]
    fn from_i64(v: i64) -> Self {
        i128::from(v)
    }
    #[inline]
    fn from_i128(v: i128) -> Option<Self> {
        Some(v)
    }
    #[inline]
    fn to_i128(self) -> i128 {
        self
    }
    #[inline]
    fn add_c(self, o: Self) -> Option<Self> {
        self.checked_add(o)
    }
    #[inline]
    fn sub_c(self, o: Self) -> Option<Self> {
        self.checked_sub(o)
    }
}
