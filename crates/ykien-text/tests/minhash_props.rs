use std::collections::HashSet;

use proptest::prelude::*;
use ykien_text::minhash::{
    LshIndex, MinHasher, fingerprint, hamming, shingle_hashes, simhash_of_hashes, words,
};

fn exact_jaccard(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.union(b).count();
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// With K = 128 the estimate's standard error is at most 0.5/√128 ≈ 0.044; 0.16 is
    /// more than 3.5 of them.
    #[test]
    fn estimate_is_close_to_exact_jaccard(
        common in prop::collection::hash_set(any::<u64>(), 0..200),
        only_a in prop::collection::hash_set(any::<u64>(), 0..200),
        only_b in prop::collection::hash_set(any::<u64>(), 0..200),
    ) {
        let a: HashSet<u64> = common.union(&only_a).copied().collect();
        let b: HashSet<u64> = common.union(&only_b).copied().collect();
        prop_assume!(!a.is_empty() && !b.is_empty());
        let h = MinHasher::default();
        let sa = h.signature_of_hashes(&a.iter().copied().collect::<Vec<_>>());
        let sb = h.signature_of_hashes(&b.iter().copied().collect::<Vec<_>>());
        let est = sa.jaccard(&sb);
        let exact = exact_jaccard(&a, &b);
        prop_assert!((est - exact).abs() <= 0.16, "estimate {est} exact {exact}");
    }

    #[test]
    fn signature_does_not_depend_on_order(mut v in prop::collection::vec(any::<u64>(), 1..100)) {
        let h = MinHasher::default();
        let s1 = h.signature_of_hashes(&v);
        v.reverse();
        prop_assert_eq!(s1, h.signature_of_hashes(&v));
    }
}

#[test]
fn identical_sets_estimate_one_and_disjoint_sets_about_zero() {
    let h = MinHasher::default();
    let a: Vec<u64> = (0..500).collect();
    let b: Vec<u64> = (1000..1500).collect();
    assert_eq!(
        h.signature_of_hashes(&a)
            .jaccard(&h.signature_of_hashes(&a)),
        1.0
    );
    assert!(
        h.signature_of_hashes(&a)
            .jaccard(&h.signature_of_hashes(&b))
            < 0.05
    );
}

#[test]
fn signatures_and_fingerprints_are_pinned() {
    // Stored signatures must stay comparable across builds: these values may only change
    // together with `SCHEME`.
    let h = MinHasher::default();
    let s = h.signature("Đề nghị sửa chữa đường làng bị sạt lở");
    assert_eq!(s.0.len(), 128);
    assert_eq!(
        (s.0[0], s.0[127]),
        (0x01e0_6a1c_5b25_34dd, 0x0413_caaa_4d49_d7a9)
    );
    let fp = fingerprint("Đề nghị sửa chữa đường làng bị sạt lở");
    assert_eq!(fp, "155ab6a61d8b5355");
    assert_eq!(fp, fingerprint("de nghi sua chua duong lang bi sat lo"));
    assert_eq!(
        fp,
        fingerprint("  ĐỀ NGHỊ sửa chữa, đường làng bị sạt lở!  ")
    );
}

#[test]
fn fingerprint_tolerates_small_edits() {
    let base = "Cử tri phường Thụy Phương phản ánh tình trạng ngập úng kéo dài tại tổ dân phố số 5, \
                đề nghị thành phố sớm đầu tư hệ thống thoát nước và cải tạo mặt đường cho người dân đi lại";
    let edited = base.replace("số 5", "số 6");
    let other = "Hội nghị tổng kết công tác mặt trận năm 2025 diễn ra tại hội trường ủy ban nhân dân quận \
                 với sự tham gia của đại biểu các đoàn thể và đại diện các khu dân cư trên địa bàn";
    let f = |t: &str| u64::from_str_radix(&fingerprint(t), 16).unwrap();
    assert!(hamming(f(base), f(&edited)) < hamming(f(base), f(other)));
    let sh = |t: &str| simhash_of_hashes(&shingle_hashes(&words(t), 3));
    assert_eq!(sh(base), f(base));
}

#[test]
fn lsh_finds_near_duplicates_and_not_unrelated_texts() {
    let h = MinHasher::default();
    let base: Vec<String> = (0..200).map(|i| format!("tu{i}")).collect();
    let mut near = base.clone();
    for w in near.iter_mut().step_by(40) {
        *w = format!("{w}x");
    }
    let far: Vec<String> = (0..200).map(|i| format!("khac{i}")).collect();
    let mut idx = LshIndex::default();
    idx.insert(1, h.signature_of_words(&base));
    idx.insert(2, h.signature_of_words(&far));
    let found = idx.similar(&h.signature_of_words(&near), 0.5);
    assert_eq!(found.iter().map(|x| x.0).collect::<Vec<_>>(), vec![1]);
    assert!(found[0].1 > 0.7);
    assert_eq!(idx.candidates(&h.signature_of_words(&far)), vec![2]);
    idx.remove(1);
    assert!(idx.candidates(&h.signature_of_words(&near)).is_empty());
    assert!(idx.candidates(&h.signature("")).is_empty());
}
