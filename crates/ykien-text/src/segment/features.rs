//! Features of one gap between two tokens ("do these belong to one word?").
//!
//! Every feature is a 64-bit hash of a template id and the keys it reads; the model maps it
//! to a slot of a flat weight table. Nothing here allocates per token.

use super::dictionary::{DictSet, LISTS, MAX_SPAN, PREFIX, span_fold, span_norm};
use super::pretoken::Tok;
use super::syllable::{Keys, keys};

/// Bumped whenever templates change, so an old model file is refused instead of misread.
pub(crate) const FEATURE_VERSION: u32 = 5;

/// What the features need to know about one token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ctx {
    pub keys: Keys,
    /// Bits `3(L-2)..3(L-2)+3`: the word lists holding the `L`-syllable span that starts
    /// here (canonical keys).
    pub dict: u16,
    /// Bit `L-2`: some word list holds the span by its folded keys.
    pub fold_dict: u8,
    /// Greedy longest-match segmentations by the dictionary, forward and backward: bit
    /// 2k / 2k+1 set when the forward / backward one puts this token inside the previous
    /// token's word; k = 0 any list, 1 the core list, 2 any list by folded keys.
    pub mm: u8,
    /// Length of the forward (low 4 bits) and backward (high 4 bits) longest-match word
    /// holding this token, any list.
    pub mm_len: u8,
    /// Some token within `ACCENT_WINDOW` of this one carries a diacritic: the text is
    /// written with marks here, so bare folded matches mean little.
    pub accented: bool,
}

/// How far, in tokens, the evidence for accented text reaches.
const ACCENT_WINDOW: usize = 6;

const EDGE: Ctx = Ctx {
    keys: Keys::EDGE,
    dict: 0,
    fold_dict: 0,
    mm: 0,
    mm_len: 0,
    accented: false,
};

/// Sets `accented` from the marks of the tokens around each token.
fn mark_accented(ctx: &mut [Ctx]) {
    // Distance to the nearest marked token on the left, then on the right.
    let mut last: Option<usize> = None;
    for (i, c) in ctx.iter_mut().enumerate() {
        if c.keys.marked {
            last = Some(i);
        }
        c.accented = last.is_some_and(|j| i - j <= ACCENT_WINDOW);
    }
    let mut next: Option<usize> = None;
    for (i, c) in ctx.iter_mut().enumerate().rev() {
        if c.keys.marked {
            next = Some(i);
        }
        c.accented |= next.is_some_and(|j| j - i <= ACCENT_WINDOW);
    }
}

/// Runs forward and backward maximum matching with `has(token, len)` and records the
/// result in `mm` bits `2k`, `2k+1`, and lengths when `lengths` is set.
fn maximum_matching(ctx: &mut [Ctx], k: u8, lengths: bool, has: impl Fn(&Ctx, usize) -> bool) {
    let n = ctx.len();
    let longest_from = |ctx: &[Ctx], a: usize| -> usize {
        (2..=MAX_SPAN)
            .rev()
            .find(|&len| has(&ctx[a], len))
            .unwrap_or(1)
    };
    let mut a = 0;
    while a < n {
        let len = longest_from(ctx, a);
        let end = (a + len).min(n);
        for (j, c) in ctx[a..end].iter_mut().enumerate() {
            if j > 0 {
                c.mm |= 1 << (2 * k);
            }
            if lengths {
                c.mm_len |= len as u8;
            }
        }
        a += len;
    }
    let mut e = n;
    while e > 0 {
        // Longest span ending at token e - 1.
        let len = (2..=MAX_SPAN.min(e))
            .rev()
            .find(|&len| has(&ctx[e - len], len))
            .unwrap_or(1);
        for (j, c) in ctx[e - len..e].iter_mut().enumerate() {
            if j > 0 {
                c.mm |= 1 << (2 * k + 1);
            }
            if lengths {
                c.mm_len |= (len as u8) << 4;
            }
        }
        e -= len;
    }
}

/// Fills `out` with one context per token.
pub(crate) fn contexts(text: &str, toks: &[Tok], dict: &DictSet, out: &mut Vec<Ctx>) {
    out.clear();
    out.extend(toks.iter().map(|t| Ctx {
        keys: keys(&text[t.start..t.end]),
        dict: 0,
        fold_dict: 0,
        mm: 0,
        mm_len: 0,
        accented: false,
    }));
    mark_accented(out);
    if dict.len() == 0 {
        return;
    }
    let n = toks.len();
    let mut window = [Keys::EDGE; MAX_SPAN];
    for a in 0..n {
        let mut bits = 0u16;
        let mut fold_bits = 0u8;
        window[0] = out[a].keys;
        let mut len = 1;
        // Longer spans are looked up only while the shorter one begins some entry.
        // In accented text a folded match says little (the model learnt as much), so it is
        // not looked up there: half the dictionary traffic saved.
        let (mut go_norm, mut go_fold) = (true, !out[a].accented);
        while (go_norm || go_fold) && len < MAX_SPAN && a + len < n && toks[a + len].joinable {
            window[len] = out[a + len].keys;
            len += 1;
            if go_norm {
                let v = dict.get(span_norm(&window[..len]));
                bits |= ((v & LISTS) as u16) << (3 * (len - 2));
                go_norm = v & PREFIX != 0;
            }
            if go_fold {
                let v = dict.get(span_fold(&window[..len]));
                if v & LISTS != 0 {
                    fold_bits |= 1 << (len - 2);
                }
                go_fold = v & PREFIX != 0;
            }
        }
        out[a].dict = bits;
        out[a].fold_dict = fold_bits;
    }
    maximum_matching(out, 0, true, |c, len| c.dict >> (3 * (len - 2)) & 7 != 0);
    maximum_matching(out, 1, false, |c, len| c.dict >> (3 * (len - 2)) & 1 != 0);
    maximum_matching(out, 2, false, |c, len| c.fold_dict >> (len - 2) & 1 != 0);
}

/// Bits describing the dictionary words around gap `i` (between tokens `i-1` and `i`):
/// which ones cover the gap, end just before it or start just after it.
/// `pick(ctx, len)` gives the source bits of the `len`-syllable span starting at a token.
/// Returns the 10-bit any-source mask and the source bits of (covering bigram, covering
/// trigrams, covering 4-grams, bigram ending before the gap, bigram starting after it).
#[inline]
fn dict_mask(ctx: &[Ctx], i: usize, pick: impl Fn(&Ctx, usize) -> u8) -> (u32, [u8; 5]) {
    let at = |j: isize, len: usize| -> u8 {
        if j < 0 || j as usize >= ctx.len() {
            return 0;
        }
        pick(&ctx[j as usize], len)
    };
    let i = i as isize;
    let s = [
        at(i - 1, 2),
        at(i - 2, 3),
        at(i - 1, 3),
        at(i - 3, 4),
        at(i - 2, 4),
        at(i - 1, 4),
        at(i - 2, 2),
        at(i, 2),
        at(i - 3, 3),
        at(i, 3),
    ];
    let mask = s
        .iter()
        .enumerate()
        .fold(0u32, |m, (k, &v)| m | ((v != 0) as u32) << k);
    (mask, [s[0], s[1] | s[2], s[3] | s[4] | s[5], s[6], s[7]])
}

// Feature hashes combine already-mixed keys with rotations and xor only: no dependent
// multiplications on the hot path. The slot function's multiply-shift does the final mixing.
#[inline(always)]
fn template(t: u64) -> u64 {
    (t + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}
#[inline(always)]
fn h1(t: u64, a: u64) -> u64 {
    template(t) ^ a
}
#[inline(always)]
fn h2(t: u64, a: u64, b: u64) -> u64 {
    template(t) ^ a ^ b.rotate_left(21)
}
#[inline(always)]
fn h3(t: u64, a: u64, b: u64, c: u64) -> u64 {
    template(t) ^ a ^ b.rotate_left(21) ^ c.rotate_left(42)
}

/// Calls `emit(hash, lexical)` with every feature of gap `i` (1 ≤ i < ctx.len()). Lexical
/// features read syllable identities; the others read shapes and dictionary hits, which
/// carry over to unseen words (training hides lexical ones at random to make them learn).
#[inline]
pub(crate) fn gap_features(ctx: &[Ctx], i: usize, mut emit_any: impl FnMut(u64, bool)) {
    let get = |j: isize| -> &Ctx {
        if j < 0 || j as usize >= ctx.len() {
            &EDGE
        } else {
            &ctx[j as usize]
        }
    };
    let ii = i as isize;
    let (p2, p1, c0, n1) = (get(ii - 2), get(ii - 1), get(ii), get(ii + 1));
    let (a, b, c, d) = (p2.keys.norm, p1.keys.norm, c0.keys.norm, n1.keys.norm);
    // Folded keys are read apart for accented and unaccented context: in accented text a
    // bare "thu" says something else than in text typed without marks.
    let accented = (p1.accented | c0.accented) as u64;
    let (fa, fb, fc, fd) = (
        p2.keys.fold ^ accented,
        p1.keys.fold ^ accented,
        c0.keys.fold ^ accented,
        n1.keys.fold ^ accented,
    );
    let shape = |k: &Ctx| k.keys.shape as u64;
    let shapes = shape(p2) | shape(p1) << 4 | shape(c0) << 8 | shape(n1) << 12;

    let mut lex = |h: u64| emit_any(h, true);
    lex(h1(2, b));
    lex(h1(3, c));
    lex(h2(4, b, c));
    lex(h2(5, a, b));
    lex(h2(6, c, d));
    lex(h1(7, a));
    lex(h1(8, d));
    lex(h3(9, a, b, c));
    lex(h3(10, b, c, d));
    if accented == 0 {
        lex(h2(11, fb, fc));
        lex(h1(12, fb));
        lex(h1(13, fc));
        lex(h3(14, fa, fb, fc));
        lex(h3(15, fb, fc, fd));
        lex(h2(16, fa, fb));
        lex(h2(17, fc, fd));
    }
    let (dm, src) = dict_mask(ctx, i, |c, len| (c.dict >> (3 * (len - 2)) & 7) as u8);
    let (fm, _) = dict_mask(ctx, i, |c, len| c.fold_dict >> (len - 2) & 1);
    let fm = fm | (accented as u32) << 10;
    lex(h2(28, dm as u64 & 0x3f, b));
    lex(h2(29, dm as u64 & 0x3f, c));
    lex(h2(30, c0.keys.shape as u64, b));
    lex(h2(31, p1.keys.shape as u64, c));

    let mut emit = |h: u64| emit_any(h, false);
    emit(h1(1, 0));
    emit(h1(18, shapes >> 4 & 0xff));
    emit(h1(19, shapes));
    emit(h1(20, dm as u64));
    emit(h1(21, fm as u64));
    emit(h2(22, dm as u64, shapes >> 4 & 0xff));
    emit(h2(23, dm as u64, fm as u64));
    let [s2, s3, s4, left, right] = src.map(u64::from);
    emit(h1(26, s2 | s3 << 3 | s4 << 6));
    emit(h1(27, left | right << 3 | s2 << 6));
    emit(h1(32, c0.mm as u64 | accented << 8));
    emit(h2(33, c0.mm as u64 & 3, c0.mm_len as u64));
    emit(h2(34, c0.mm as u64 & 0xf, shapes >> 4 & 0xff));
    for bit in 0..10 {
        if dm >> bit & 1 == 1 {
            emit(h1(24, bit));
        }
        if fm >> bit & 1 == 1 {
            emit(h1(25, bit | accented << 8));
        }
    }
}
