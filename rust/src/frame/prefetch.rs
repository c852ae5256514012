//! A cache prefetch hint, shared by the row index (its probe batches) and the columns (the
//! candidate rows a probe will compare); its own module so neither depends on the other.

/// Ask the CPU to start loading the cache line holding `x`.
#[inline]
pub(crate) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; any address is allowed.
    unsafe {
        std::arch::x86_64::_mm_prefetch(x as *const T as *const i8, std::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
