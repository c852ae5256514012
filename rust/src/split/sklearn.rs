//! scikit-learn 1.5.2's `train_test_split` (shuffled), with and without `stratify`, as
//! index arrays: `train_test_split(np.arange(n), ...)` returns exactly these.

use super::legacy::RandomState;

/// A `test_size`/`train_size` argument: a fraction (float) or a count (int).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Size {
    Fraction(f64),
    Count(i64),
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Size::Fraction(v) => write!(f, "{}", crate::pyfmt::repr_f64(*v)),
            Size::Count(v) => write!(f, "{v}"),
        }
    }
}

fn out_of_range(size: Option<Size>, n_samples: usize) -> bool {
    match size {
        Some(Size::Count(v)) => v >= n_samples as i64 || v <= 0,
        Some(Size::Fraction(v)) => v <= 0.0 || v >= 1.0 || v.is_nan(),
        None => false,
    }
}

fn show(size: Option<Size>) -> String {
    size.map_or("None".to_string(), |s| s.to_string())
}

/// `_validate_shuffle_split(n_samples, test_size, train_size, default_test_size=0.25)`:
/// the (n_train, n_test) counts, or scikit-learn's error message.
pub fn validate_shuffle_split(
    n_samples: usize,
    test_size: Option<Size>,
    train_size: Option<Size>,
) -> Result<(usize, usize), String> {
    let test_size = if test_size.is_none() && train_size.is_none() {
        Some(Size::Fraction(0.25))
    } else {
        test_size
    };
    if out_of_range(test_size, n_samples) {
        return Err(format!(
            "test_size={} should be either positive and smaller than the number of samples {n_samples} or a float in the (0, 1) range",
            show(test_size)
        ));
    }
    if out_of_range(train_size, n_samples) {
        return Err(format!(
            "train_size={} should be either positive and smaller than the number of samples {n_samples} or a float in the (0, 1) range",
            show(train_size)
        ));
    }
    if let (Some(Size::Fraction(a)), Some(Size::Fraction(b))) = (train_size, test_size) {
        if a + b > 1.0 {
            return Err(format!(
                "The sum of test_size and train_size = {}, should be in the (0, 1) range. Reduce test_size and/or train_size.",
                crate::pyfmt::repr_f64(a + b)
            ));
        }
    }
    let n = n_samples as f64;
    let count = |s: Size, round: fn(f64) -> f64| match s {
        Size::Fraction(v) => round(v * n),
        Size::Count(v) => v as f64,
    };
    let mut n_test = test_size.map(|s| count(s, f64::ceil));
    let mut n_train = train_size.map(|s| count(s, f64::floor));
    if train_size.is_none() {
        n_train = Some(n - n_test.unwrap());
    } else if test_size.is_none() {
        n_test = Some(n - n_train.unwrap());
    }
    let (n_train, n_test) = (n_train.unwrap(), n_test.unwrap());
    if n_train + n_test > n {
        return Err(format!(
            "The sum of train_size and test_size = {}, should be smaller than the number of samples {n_samples}. Reduce test_size and/or train_size.",
            (n_train + n_test) as i64
        ));
    }
    if n_train as i64 == 0 {
        return Err(format!(
            "With n_samples={n_samples}, test_size={} and train_size={}, the resulting train set will be empty. Adjust any of the aforementioned parameters.",
            show(test_size),
            show(train_size)
        ));
    }
    Ok((n_train as usize, n_test as usize))
}

/// `train_test_split(np.arange(n_samples), test_size=..., train_size=..., random_state=seed)`
/// as (train indices, test indices), in scikit-learn's order.
pub fn train_test_split(
    n_samples: usize,
    test_size: Option<Size>,
    train_size: Option<Size>,
    seed: u32,
) -> Result<(Vec<usize>, Vec<usize>), String> {
    let (n_train, n_test) = validate_shuffle_split(n_samples, test_size, train_size)?;
    let perm = RandomState::new(seed).permutation(n_samples);
    Ok((
        perm[n_test..n_test + n_train].to_vec(),
        perm[..n_test].to_vec(),
    ))
}

/// The stratified variant. `class_codes[i]` is the class of sample i as its position among
/// the sorted distinct labels (`np.unique(y, return_inverse=True)[1]`).
pub fn stratified_train_test_split(
    class_codes: &[usize],
    test_size: Option<Size>,
    train_size: Option<Size>,
    seed: u32,
) -> Result<(Vec<usize>, Vec<usize>), String> {
    let n_samples = class_codes.len();
    let (n_train, n_test) = validate_shuffle_split(n_samples, test_size, train_size)?;
    let n_classes = class_codes.iter().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &c) in class_codes.iter().enumerate() {
        members[c].push(i);
    }
    let counts: Vec<usize> = members.iter().map(Vec::len).collect();
    if counts.iter().any(|&c| c < 2) {
        return Err("The least populated class in y has only 1 member, which is too few. The minimum number of groups for any class cannot be less than 2.".into());
    }
    if n_train < n_classes {
        return Err(format!("The train_size = {n_train} should be greater or equal to the number of classes = {n_classes}"));
    }
    if n_test < n_classes {
        return Err(format!("The test_size = {n_test} should be greater or equal to the number of classes = {n_classes}"));
    }
    let mut rng = RandomState::new(seed);
    let n_i = approximate_mode(&counts, n_train, &mut rng);
    let remaining: Vec<usize> = counts.iter().zip(&n_i).map(|(c, k)| c - k).collect();
    let t_i = approximate_mode(&remaining, n_test, &mut rng);
    let (mut train, mut test) = (Vec::with_capacity(n_train), Vec::with_capacity(n_test));
    for (class, idx) in members.iter().enumerate() {
        let perm = rng.permutation(idx.len());
        let shuffled: Vec<usize> = perm.iter().map(|&p| idx[p]).collect();
        train.extend_from_slice(&shuffled[..n_i[class]]);
        test.extend_from_slice(&shuffled[n_i[class]..n_i[class] + t_i[class]]);
    }
    rng.shuffle(&mut train);
    rng.shuffle(&mut test);
    Ok((train, test))
}

/// scikit-learn's `_approximate_mode`: per-class draws proportional to the counts, ties in
/// the remainders broken at random (largest remainder first).
fn approximate_mode(counts: &[usize], n_draws: usize, rng: &mut RandomState) -> Vec<usize> {
    let total = counts.iter().sum::<usize>() as f64;
    let continuous: Vec<f64> = counts
        .iter()
        .map(|&c| c as f64 / total * n_draws as f64)
        .collect();
    let mut floored: Vec<f64> = continuous.iter().map(|v| v.floor()).collect();
    let mut need = (n_draws as f64 - crate::numeric::pairwise_sum(&floored)) as i64;
    if need > 0 {
        let remainder: Vec<f64> = continuous
            .iter()
            .zip(&floored)
            .map(|(c, f)| c - f)
            .collect();
        let mut values = remainder.clone();
        values.sort_by(|a, b| b.total_cmp(a));
        values.dedup();
        for value in values {
            let inds: Vec<usize> = (0..remainder.len())
                .filter(|&i| remainder[i] == value)
                .collect();
            let add_now = inds.len().min(need as usize);
            let picked = rng
                .choice_without_replacement(inds.len(), add_now)
                .expect("add_now <= len");
            for p in picked {
                floored[inds[p]] += 1.0;
            }
            need -= add_now as i64;
            if need == 0 {
                break;
            }
        }
    }
    floored.iter().map(|&v| v as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_split_matches_sklearn() {
        // train_test_split(np.arange(10), test_size=0.3, random_state=0)
        let (train, test) = train_test_split(10, Some(Size::Fraction(0.3)), None, 0).unwrap();
        assert_eq!(test, vec![2, 8, 4]);
        assert_eq!(train, vec![9, 1, 6, 7, 3, 0, 5]);
    }

    #[test]
    fn sizes() {
        assert_eq!(validate_shuffle_split(10, None, None), Ok((7, 3)));
        assert_eq!(
            validate_shuffle_split(10, Some(Size::Count(3)), Some(Size::Fraction(0.5))),
            Ok((5, 3))
        );
        assert!(validate_shuffle_split(10, Some(Size::Count(10)), None).is_err());
        assert!(validate_shuffle_split(10, Some(Size::Fraction(1.0)), None).is_err());
        assert!(
            validate_shuffle_split(10, Some(Size::Fraction(0.6)), Some(Size::Fraction(0.6)))
                .is_err()
        );
        assert!(validate_shuffle_split(1, Some(Size::Fraction(0.5)), None).is_err());
    }

    #[test]
    fn stratified_split_sizes_and_errors() {
        let codes: Vec<usize> = (0..20).map(|i| usize::from(i % 4 == 0)).collect();
        let (train, test) =
            stratified_train_test_split(&codes, Some(Size::Fraction(0.5)), None, 0).unwrap();
        assert_eq!((train.len(), test.len()), (10, 10));
        let ones = train.iter().filter(|&&i| codes[i] == 1).count();
        assert!(ones == 2 || ones == 3);
        assert!(stratified_train_test_split(&[0, 1, 1], Some(Size::Count(1)), None, 0).is_err());
    }
}
