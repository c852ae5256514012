//! PyO3 classes over the [`crate::split`] generators (wrapped by `mlebench_fast.split`).
//! Index-level only: the Python layer applies the indices to arrays and sequences.

use super::errors::value_error as err;
use crate::split::{self, Generator, PyRandom, RandomState, Size};
use pyo3::prelude::*;

/// A size argument as scikit-learn sees it: `("f", value)` or `("i", value)`.
fn size_arg(kind: Option<(String, f64)>) -> PyResult<Option<Size>> {
    match kind {
        None => Ok(None),
        Some((k, v)) if k == "f" => Ok(Some(Size::Fraction(v))),
        Some((k, v)) if k == "i" => Ok(Some(Size::Count(v as i64))),
        Some((k, _)) => Err(err(format!("unknown size kind {k}"))),
    }
}

#[pyfunction]
#[pyo3(signature = (n_samples, test_size, train_size, seed, class_codes=None))]
fn train_test_split_indices(
    py: Python<'_>,
    n_samples: usize,
    test_size: Option<(String, f64)>,
    train_size: Option<(String, f64)>,
    seed: u32,
    class_codes: Option<Vec<usize>>,
) -> PyResult<(Vec<usize>, Vec<usize>)> {
    let (test, train) = (size_arg(test_size)?, size_arg(train_size)?);
    py.detach(|| match class_codes {
        None => split::train_test_split(n_samples, test, train, seed),
        Some(codes) => split::stratified_train_test_split(&codes, test, train, seed),
    })
    .map_err(err)
}

/// numpy's legacy `RandomState(seed)`.
#[pyclass(name = "LegacyRandomState")]
struct PyLegacy(RandomState);

#[pymethods]
impl PyLegacy {
    #[new]
    fn new(seed: u32) -> Self {
        PyLegacy(RandomState::new(seed))
    }
    fn random_sample(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.0.random_sample()).collect()
    }
    fn uniform(&mut self, low: f64, high: f64, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.0.uniform(low, high)).collect()
    }
    fn randint(&mut self, low: i64, high: i64, n: usize) -> PyResult<Vec<i64>> {
        (0..n)
            .map(|_| self.0.randint(low, high))
            .collect::<Result<_, _>>()
            .map_err(err)
    }
    fn permutation(&mut self, n: usize) -> Vec<usize> {
        self.0.permutation(n)
    }
    fn choice(
        &mut self,
        n: usize,
        size: usize,
        replace: bool,
        p: Option<Vec<f64>>,
    ) -> PyResult<Vec<usize>> {
        match (p, replace) {
            (Some(p), _) => self.0.choice_weighted(&p, size, replace),
            (None, true) => self.0.choice_with_replacement(n, size),
            (None, false) => self.0.choice_without_replacement(n, size),
        }
        .map_err(err)
    }
}

/// Python's `random.Random(seed)` for an integer seed given as its 32-bit words.
#[pyclass(name = "PyRandom")]
struct PyPyRandom(PyRandom);

#[pymethods]
impl PyPyRandom {
    #[new]
    fn new(key: Vec<u32>) -> Self {
        PyPyRandom(PyRandom::from_key(&key))
    }
    fn random(&mut self) -> f64 {
        self.0.random()
    }
    fn getrandbits(&mut self, k: u32) -> PyResult<u64> {
        if k > 64 {
            return Err(err("getrandbits: at most 64 bits".into()));
        }
        Ok(self.0.getrandbits(k))
    }
    fn randrange(&mut self, start: i64, stop: i64) -> PyResult<i64> {
        self.0.randrange(start, stop).map_err(err)
    }
    fn randint(&mut self, a: i64, b: i64) -> PyResult<i64> {
        self.0.randint(a, b).map_err(err)
    }
    fn choice(&mut self, n: usize) -> PyResult<usize> {
        self.0.choice(n).map_err(err)
    }
    /// The permutation `shuffle` applies: `out[i]` is the old position of item i.
    fn shuffle_order(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        self.0.shuffle(&mut order);
        order
    }
    fn sample(&mut self, n: usize, k: usize) -> PyResult<Vec<usize>> {
        self.0.sample(n, k).map_err(err)
    }
}

/// numpy's `default_rng(seed)` for an integer seed given as its 32-bit words.
#[pyclass(name = "Pcg64Generator")]
struct PyGenerator(Generator);

#[pymethods]
impl PyGenerator {
    #[new]
    fn new(words: Vec<u32>) -> Self {
        let seq = split::pcg64::SeedSequence::from_words(&words);
        PyGenerator(Generator::from_seed_sequence(&seq))
    }
    fn random(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.0.random()).collect()
    }
    fn uniform(&mut self, low: f64, high: f64, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.0.uniform(low, high)).collect()
    }
    fn integers(&mut self, low: i64, high: i64, n: usize) -> PyResult<Vec<i64>> {
        (0..n)
            .map(|_| self.0.integers(low, high))
            .collect::<Result<_, _>>()
            .map_err(err)
    }
    fn permutation(&mut self, n: usize) -> Vec<usize> {
        self.0.permutation(n)
    }
    fn choice(
        &mut self,
        n: usize,
        size: usize,
        replace: bool,
        p: Option<Vec<f64>>,
        shuffle: bool,
    ) -> PyResult<Vec<usize>> {
        match (p, replace) {
            (Some(p), _) => self.0.choice_weighted(&p, size, replace),
            (None, true) => self.0.choice_with_replacement(n, size),
            (None, false) => self.0.choice_without_replacement(n, size, shuffle),
        }
        .map_err(err)
    }
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(train_test_split_indices, m)?)?;
    m.add_class::<PyLegacy>()?;
    m.add_class::<PyPyRandom>()?;
    m.add_class::<PyGenerator>()?;
    Ok(())
}
