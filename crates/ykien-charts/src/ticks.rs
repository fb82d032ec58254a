//! Axis ticks for counts: whole numbers at 1, 2 or 5 × 10ⁿ steps, from 0 to the first tick
//! at or above the maximum, so the axis reads "0, 50, 100, 150" rather than "0, 37, 74".

/// Ticks from 0 covering `max`, about `target` intervals, integer steps. Never empty.
pub(crate) fn nice(max: f64, target: usize) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) {
        return vec![0.0, 1.0];
    }
    let raw = max / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-12))
        .unwrap_or(10.0 * mag)
        .max(1.0);
    let n = (max / step - 1e-9).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::nice;

    #[test]
    fn ticks_are_nice_integers() {
        assert_eq!(nice(0.0, 5), vec![0.0, 1.0]);
        assert_eq!(nice(1.0, 5), vec![0.0, 1.0]);
        assert_eq!(nice(3.0, 5), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(nice(137.0, 5), vec![0.0, 50.0, 100.0, 150.0]);
        assert_eq!(nice(100.0, 5), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let big = nice(u64::MAX as f64, 5);
        assert!(big.len() <= 7 && *big.last().unwrap() >= u64::MAX as f64);
        for t in nice(987_654.0, 5) {
            assert_eq!(t.fract(), 0.0);
        }
    }
}
