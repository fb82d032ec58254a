//! Best tag sequence under a first-order chain of two tags.
//!
//! Tag of token `i`: B (starts a word) or I (continues the previous token's word). Only the
//! score difference between I and B matters per token, so the emission is one number.

use std::ops::Add;

/// Fills `tags` with the best sequence (true = I). `joinable[i]` false forces B; token 0 is
/// always B. `trans[prev * 2 + cur]`. `emission(i)` is asked only for joinable tokens.
pub(crate) fn viterbi<T>(
    n: usize,
    joinable: impl Fn(usize) -> bool,
    mut emission: impl FnMut(usize) -> T,
    trans: [T; 4],
    tags: &mut Vec<bool>,
    back: &mut Vec<u8>,
) where
    T: Copy + PartialOrd + Add<Output = T>,
{
    tags.clear();
    back.clear();
    if n == 0 {
        return;
    }
    // back[i]: bit 0 = best predecessor of B at i is I; bit 1 = of I at i is I.
    back.resize(n, 0);
    let [bb, bi, ib, ii] = trans;
    // Token 0 is B. Generic T has no zero, so its score is `bb`: a constant offset shared by
    // every path, which cannot change the argmax.
    let mut s_b: T = bb;
    let mut s_i: Option<T> = None;
    for (i, slot) in back.iter_mut().enumerate().skip(1) {
        let from_b_to_b = s_b + bb;
        let (nb, nb_from_i) = match s_i {
            Some(si) if si + ib > from_b_to_b => (si + ib, true),
            _ => (from_b_to_b, false),
        };
        let ni = if joinable(i) {
            let from_b = s_b + bi;
            let e = emission(i);
            match s_i {
                Some(si) if si + ii > from_b => {
                    *slot |= 2;
                    Some(si + ii + e)
                }
                _ => Some(from_b + e),
            }
        } else {
            None
        };
        if nb_from_i {
            *slot |= 1;
        }
        s_b = nb;
        s_i = ni;
    }
    tags.resize(n, false);
    let mut cur_i = matches!(s_i, Some(si) if si > s_b);
    for i in (1..n).rev() {
        tags[i] = cur_i;
        cur_i = if cur_i {
            back[i] & 2 != 0
        } else {
            back[i] & 1 != 0
        };
    }
    tags[0] = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(em: &[i32], join: &[bool], trans: [i32; 4]) -> Vec<bool> {
        let (mut tags, mut back) = (Vec::new(), Vec::new());
        viterbi(
            em.len(),
            |i| join[i],
            |i| em[i],
            trans,
            &mut tags,
            &mut back,
        );
        tags
    }

    #[test]
    fn follows_emissions_and_constraints() {
        assert_eq!(
            run(&[0, 5, -5, 3], &[false, true, true, true], [0; 4]),
            [false, true, false, true]
        );
        assert_eq!(
            run(&[0, 5, 5], &[false, false, true], [0; 4]),
            [false, false, true]
        );
        assert!(run(&[], &[], [0; 4]).is_empty());
    }

    #[test]
    fn transitions_matter() {
        // I after I is heavily penalised: the second join must go.
        assert_eq!(
            run(&[0, 3, 2], &[false, true, true], [0, 0, 0, -10]),
            [false, true, false]
        );
    }

    #[test]
    fn matches_brute_force() {
        let mut seed = 12345u64;
        for _ in 0..300 {
            let n = 1 + (seed % 7) as usize;
            let mut em = vec![0i32; n];
            let mut join = vec![false; n];
            for i in 0..n {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                em[i] = (seed >> 40) as i32 % 11 - 5;
                join[i] = i > 0 && !(seed >> 20).is_multiple_of(4);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let trans = [
                (seed >> 50) as i32 % 5 - 2,
                (seed >> 44) as i32 % 5 - 2,
                (seed >> 38) as i32 % 5 - 2,
                (seed >> 32) as i32 % 5 - 2,
            ];
            let got = run(&em, &join, trans);
            let score = |t: &[bool]| -> i32 {
                (1..n)
                    .map(|i| {
                        trans[t[i - 1] as usize * 2 + t[i] as usize] + if t[i] { em[i] } else { 0 }
                    })
                    .sum()
            };
            let mut best = i32::MIN;
            for mask in 0..(1u32 << n) {
                let t: Vec<bool> = (0..n).map(|i| mask >> i & 1 == 1).collect();
                if t[0] || (1..n).any(|i| t[i] && !join[i]) {
                    continue;
                }
                best = best.max(score(&t));
            }
            assert_eq!(score(&got), best, "em {em:?} join {join:?} trans {trans:?}");
        }
    }
}
