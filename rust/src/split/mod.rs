//! Bit-exact re-implementations of the randomness the reference's dataset preparations use,
//! so a split made here is the reference's split row for row:
//! - [`mt19937`]: the Mersenne Twister shared by numpy's legacy `RandomState` and Python's
//!   `random.Random`;
//! - [`legacy`]: `np.random.RandomState` (`permutation`, `shuffle`, `choice`, `randint`, ...),
//!   which scikit-learn and pandas' `sample` draw from;
//! - [`sklearn`]: scikit-learn 1.5.2's `train_test_split`, with and without `stratify`;
//! - [`pyrandom`]: Python's `random.Random` (`shuffle`, `sample`, `randint`, ...);
//! - [`pcg64`]: `np.random.default_rng` (SeedSequence + PCG64 + `Generator`).

pub mod legacy;
pub mod mt19937;
pub mod pcg64;
pub mod pyrandom;
pub mod sklearn;

pub use legacy::RandomState;
pub use pcg64::Generator;
pub use pyrandom::PyRandom;
pub use sklearn::{stratified_train_test_split, train_test_split, validate_shuffle_split, Size};
