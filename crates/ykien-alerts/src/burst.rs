//! Burst detection: is the latest window of one series far above that series' own normal?
//!
//! Pure arithmetic, no I/O; the evaluator feeds it event times read from the store.
//!
//! **Method.** A series is the items of one topic in one unit (a ward). For the current
//! window `[now − W, now)` (W = 3 h by default) we count the series' items, and compare that
//! count with the counts of the *same clock window* on each of the previous `D` days
//! (D = 28: four whole weeks). The baseline is therefore seasonal: a ward that is busy every
//! morning is compared with its mornings, not with its nights, and four whole weeks weigh
//! every weekday equally, so the weekly rhythm does not bias it.
//!
//! The surprise of the observed count `x` is its upper tail probability `P(X ≥ x)` under a
//! negative binomial with the baseline's mean `μ` and variance `v` (method of moments, with
//! `v ≥ μ`): counts of reports are small integers, so a z-score (normal approximation) would
//! be wrong exactly where it matters, and news days make real counts over-dispersed, which
//! the Poisson (`v = μ`, used when the history shows no extra variance) would understate. The
//! mean is floored (`min_expected`), so a series that was silent for four weeks is not
//! infinitely surprised by one report.
//!
//! Most wards hear of a topic a few times a week, so small counts must not fire: an alert
//! needs all of
//! - at least `min_count` items in the window (a jump from 0 to 2 is not a burst),
//! - at least `min_ratio` times the expected count, and
//! - a tail probability of at most `max_p` (many series are tested every few seconds, so the
//!   level is strict).
//!
//! The alert then states the observed and expected counts, their ratio, the p-value and the
//! z-score `(x − μ)/√v` for readers used to it.

use serde::Serialize;

/// When a window counts as a burst.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BurstParams {
    /// Length of the window, seconds.
    pub window_secs: i64,
    /// Days of history the baseline is drawn from.
    pub history_days: u32,
    pub min_count: u32,
    pub min_ratio: f64,
    pub max_p: f64,
    /// Floor of the expected count per window.
    pub min_expected: f64,
}

impl Default for BurstParams {
    fn default() -> Self {
        BurstParams {
            window_secs: 3 * 3600,
            history_days: 28,
            min_count: 5,
            min_ratio: 3.0,
            max_p: 1e-4,
            min_expected: 0.25,
        }
    }
}

/// Mean and variance of the history's window counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Baseline {
    pub mean: f64,
    pub variance: f64,
    pub samples: usize,
}

impl Baseline {
    /// Sample mean and (unbiased) variance; an empty history is all zeros.
    pub fn of(history: &[u32]) -> Baseline {
        let n = history.len();
        if n == 0 {
            return Baseline {
                mean: 0.0,
                variance: 0.0,
                samples: 0,
            };
        }
        let mean = history.iter().map(|&c| f64::from(c)).sum::<f64>() / n as f64;
        let variance = if n > 1 {
            history
                .iter()
                .map(|&c| (f64::from(c) - mean).powi(2))
                .sum::<f64>()
                / (n - 1) as f64
        } else {
            0.0
        };
        Baseline {
            mean,
            variance,
            samples: n,
        }
    }
}

/// How one window compares with its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Verdict {
    pub observed: u32,
    /// The expected count (the baseline mean, floored).
    pub expected: f64,
    /// The variance used (at least the expected count).
    pub variance: f64,
    /// observed / expected.
    pub ratio: f64,
    /// P(X ≥ observed) under the baseline's distribution.
    pub p_value: f64,
    /// (observed − expected) / √variance.
    pub z: f64,
    /// "poisson" or "negative_binomial".
    pub model: &'static str,
    pub fires: bool,
}

/// Compares `observed` with the `history` of the same window on previous days.
pub fn assess(observed: u32, history: &[u32], p: &BurstParams) -> Verdict {
    let b = Baseline::of(history);
    let mu = b.mean.max(p.min_expected).max(f64::MIN_POSITIVE);
    let var = b.variance.max(mu);
    let (p_value, model) = if var > mu * (1.0 + 1e-9) {
        (nb_upper_tail(observed, mu, var), "negative_binomial")
    } else {
        (poisson_upper_tail(observed, mu), "poisson")
    };
    let ratio = f64::from(observed) / mu;
    let z = (f64::from(observed) - mu) / var.sqrt();
    let fires = observed >= p.min_count && ratio >= p.min_ratio && p_value <= p.max_p;
    Verdict {
        observed,
        expected: mu,
        variance: var,
        ratio,
        p_value,
        z,
        model,
        fires,
    }
}

/// Splits event times into the count of the current window `[now − W, now)` and the counts
/// of the same clock window on each of the `days` previous days (most recent first).
/// Events outside all of those windows are ignored.
pub fn window_counts(events: &[i64], now: i64, window_secs: i64, days: u32) -> (u32, Vec<u32>) {
    // Windows longer than a day would overlap the previous day's.
    let w = window_secs.clamp(1, 86_400);
    let mut current = 0u32;
    let mut history = vec![0u32; days as usize];
    for &t in events {
        if t >= now || t < now - i64::from(days) * 86_400 - w {
            continue;
        }
        if t >= now - w {
            current += 1;
            continue;
        }
        // Day d (1-based) holds t when d·86400 < now − t ≤ d·86400 + W.
        let back = now - t;
        let d = (back - 1) / 86_400;
        if d >= 1 && d <= i64::from(days) && back - d * 86_400 <= w {
            history[(d - 1) as usize] += 1;
        }
    }
    (current, history)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-13).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, &c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Sums the upper tail from `x` of a pmf given in log space; terms past the mode shrink, so
/// the sum stops once they no longer matter.
fn upper_tail(x: u32, ln_pmf: impl Fn(f64) -> f64, mean: f64) -> f64 {
    if x == 0 {
        return 1.0;
    }
    // Below the mean the tail is large: use the complement, summed from 0.
    if f64::from(x) <= mean {
        let below: f64 = (0..x).map(|k| ln_pmf(f64::from(k)).exp()).sum();
        return (1.0 - below).clamp(0.0, 1.0);
    }
    let mut sum = 0.0;
    let mut k = f64::from(x);
    for _ in 0..100_000 {
        let term = ln_pmf(k).exp();
        sum += term;
        if term <= sum * 1e-15 || term == 0.0 {
            break;
        }
        k += 1.0;
    }
    sum.clamp(0.0, 1.0)
}

/// P(X ≥ x) for X ~ Poisson(μ).
pub fn poisson_upper_tail(x: u32, mu: f64) -> f64 {
    let lm = mu.ln();
    upper_tail(x, |k| k * lm - mu - ln_gamma(k + 1.0), mu)
}

/// P(X ≥ x) for X ~ NegativeBinomial with mean μ and variance v > μ (size r = μ²/(v − μ)).
pub fn nb_upper_tail(x: u32, mu: f64, var: f64) -> f64 {
    let r = mu * mu / (var - mu);
    let lp = (r / (r + mu)).ln(); // ln of the success probability
    let lq = (mu / (r + mu)).ln();
    let lgr = ln_gamma(r);
    upper_tail(
        x,
        |k| ln_gamma(k + r) - lgr - ln_gamma(k + 1.0) + r * lp + k * lq,
        mu,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut f = 1.0f64;
        for n in 1..30u32 {
            f *= f64::from(n);
            assert!(close(ln_gamma(f64::from(n) + 1.0), f.ln(), 1e-12), "{n}");
        }
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
    }

    #[test]
    fn poisson_tail_by_hand() {
        // P(X ≥ 1 | μ=2) = 1 − e^-2; P(X ≥ 5 | μ=0.25) = 1 − Σ_{k<5} e^-μ μ^k / k!
        assert!(close(
            poisson_upper_tail(1, 2.0),
            1.0 - (-2.0f64).exp(),
            1e-12
        ));
        let mu = 0.25f64;
        let mut below = 0.0;
        let mut term = (-mu).exp();
        for k in 0..5 {
            if k > 0 {
                term *= mu / f64::from(k);
            }
            below += term;
        }
        // 1 − below loses digits; compare with the series of the tail instead.
        let direct: f64 = (5..40)
            .map(|k| (-mu).exp() * mu.powi(k) / (1..=k).map(f64::from).product::<f64>())
            .sum();
        assert!(close(poisson_upper_tail(5, mu), direct, 1e-10));
        assert!((1.0 - below - direct).abs() < 1e-12);
    }

    #[test]
    fn negative_binomial_tends_to_poisson_and_is_wider() {
        let p = poisson_upper_tail(8, 2.0);
        let nb_near = nb_upper_tail(8, 2.0, 2.0 + 1e-6);
        assert!(close(nb_near, p, 1e-4), "{nb_near} vs {p}");
        assert!(nb_upper_tail(8, 2.0, 6.0) > 10.0 * p);
        // A geometric (r = 1): P(X ≥ k) = q^k with q = μ/(1+μ).
        let q: f64 = 3.0 / 4.0;
        assert!(close(nb_upper_tail(6, 3.0, 12.0), q.powi(6), 1e-10));
    }

    #[test]
    fn clear_burst_fires() {
        // A ward hearing about 1 item of this topic per 3-hour window, then 12.
        let history: Vec<u32> = [1, 0, 2, 1, 1, 0, 1, 2, 0, 1, 1, 1, 0, 2]
            .iter()
            .cycle()
            .take(28)
            .copied()
            .collect();
        let v = assess(12, &history, &BurstParams::default());
        assert!(v.fires, "{v:?}");
        assert!(v.ratio > 10.0 && v.p_value < 1e-6 && v.z > 5.0, "{v:?}");
    }

    #[test]
    fn ordinary_days_do_not_fire() {
        let history: Vec<u32> = [3, 5, 4, 6, 2, 4, 5]
            .iter()
            .cycle()
            .take(28)
            .copied()
            .collect();
        for x in 0..=9 {
            assert!(!assess(x, &history, &BurstParams::default()).fires, "{x}");
        }
    }

    #[test]
    fn sparse_series_do_not_fire_on_small_jumps() {
        let silent = vec![0u32; 28];
        for x in 0..5 {
            let v = assess(x, &silent, &BurstParams::default());
            assert!(!v.fires, "{x}: {v:?}");
        }
        // 0 → 2 is "infinitely" more in ratio but not a burst; 0 → 6 is.
        assert!(assess(2, &silent, &BurstParams::default()).ratio >= 3.0);
        assert!(assess(6, &silent, &BurstParams::default()).fires);
    }

    #[test]
    fn busy_series_need_a_large_ratio() {
        // 20 per window on average: 45 is p-tiny but only 2.25×; not a burst by default.
        let history = vec![20u32; 28];
        let v = assess(45, &history, &BurstParams::default());
        assert!(v.p_value < 1e-4 && !v.fires, "{v:?}");
        assert!(assess(70, &history, &BurstParams::default()).fires);
    }

    #[test]
    fn over_dispersed_history_raises_the_bar() {
        // Same mean (2), very different spread.
        let calm = vec![2u32; 28];
        let mut wild = vec![0u32; 28];
        for (i, c) in wild.iter_mut().enumerate() {
            *c = if i % 7 == 0 { 14 } else { 0 };
        }
        let a = assess(11, &calm, &BurstParams::default());
        let b = assess(11, &wild, &BurstParams::default());
        assert_eq!(a.model, "poisson");
        assert_eq!(b.model, "negative_binomial");
        assert!(a.fires && !b.fires, "{a:?} {b:?}");
    }

    #[test]
    fn windows_are_cut_by_day() {
        let now = 1_000_000_000i64;
        let w = 3 * 3600;
        let events = vec![
            now - 1,               // current
            now - w,               // current (inclusive start)
            now - w - 1,           // nowhere (between windows)
            now - 86_400 - 10,     // day 1
            now - 86_400 - w,      // day 1 (start)
            now - 2 * 86_400 - 5,  // day 2
            now - 28 * 86_400 - 1, // day 28
            now - 29 * 86_400 - 1, // too old
            now,                   // the future: not yet
        ];
        let (cur, hist) = window_counts(&events, now, w, 28);
        assert_eq!(cur, 2);
        assert_eq!(hist.len(), 28);
        assert_eq!(hist[0], 2);
        assert_eq!(hist[1], 1);
        assert_eq!(hist[27], 1);
        assert_eq!(hist.iter().sum::<u32>(), 4);
    }

    /// History and observation drawn from the same Poisson (fixed seeds, so the test is
    /// deterministic): 2,100 ordinary windows, none may fire.
    #[test]
    fn poisson_noise_does_not_fire() {
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        let mut uniform = move || {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((s >> 11) as f64) / ((1u64 << 53) as f64)
        };
        let mut fired = 0;
        for mu in [0.2f64, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0] {
            let l = (-mu).exp();
            for _ in 0..300 {
                let mut draw = || {
                    let (mut k, mut p) = (0u32, 1.0);
                    loop {
                        p *= uniform();
                        if p <= l {
                            return k;
                        }
                        k += 1;
                    }
                };
                let hist: Vec<u32> = (0..28).map(|_| draw()).collect();
                let x = draw();
                if assess(x, &hist, &BurstParams::default()).fires {
                    fired += 1;
                }
            }
        }
        assert_eq!(fired, 0);
    }

    proptest! {
        #[test]
        fn tails_are_probabilities_and_decrease(mu in 0.01f64..50.0, extra in 0.0f64..100.0, x in 0u32..200) {
            let p0 = poisson_upper_tail(x, mu);
            let p1 = poisson_upper_tail(x + 1, mu);
            prop_assert!((0.0..=1.0).contains(&p0) && p1 <= p0 + 1e-12);
            let var = mu + extra + 1e-3;
            let n0 = nb_upper_tail(x, mu, var);
            let n1 = nb_upper_tail(x + 1, mu, var);
            prop_assert!((0.0..=1.0).contains(&n0) && n1 <= n0 + 1e-12);
        }

        #[test]
        fn more_observed_never_unfires(hist in proptest::collection::vec(0u32..30, 1..40), x in 0u32..100) {
            let p = BurstParams::default();
            if assess(x, &hist, &p).fires {
                prop_assert!(assess(x + 1, &hist, &p).fires);
            }
        }

        #[test]
        fn small_counts_never_fire(hist in proptest::collection::vec(0u32..30, 0..40), x in 0u32..5) {
            prop_assert!(!assess(x, &hist, &BurstParams::default()).fires);
        }

        #[test]
        fn window_counts_conserve_events(offsets in proptest::collection::vec(0i64..(30 * 86_400), 0..200)) {
            let now = 2_000_000_000i64;
            let w = 3 * 3600;
            let events: Vec<i64> = offsets.iter().map(|o| now - 1 - o).collect();
            let (cur, hist) = window_counts(&events, now, w, 28);
            let expected = events.iter().filter(|&&t| {
                (now - w..now).contains(&t)
                    || (1..=28).any(|d| (now - d * 86_400 - w..now - d * 86_400).contains(&t))
            }).count();
            prop_assert_eq!(cur as usize + hist.iter().map(|&c| c as usize).sum::<usize>(), expected);
        }
    }
}
