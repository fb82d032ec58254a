//! Model files: deterministic, round-trip exactly, and refuse damage without panicking.
mod classify_common;

use classify_common::synthetic;
use ykien_text::classify::{Classifier, ClassifyError, Example, Loss, Model, TrainConfig, train};

fn model(seed: u64, loss: Loss) -> Model {
    let rows = synthetic(300, 3);
    let ex: Vec<Example> = rows
        .iter()
        .map(|(t, l)| Example { text: t, label: l })
        .collect();
    let mut cfg = TrainConfig::for_task("spam");
    cfg.features.bits = 14;
    cfg.seed = seed;
    cfg.loss = loss;
    train(&ex, &cfg).expect("train")
}

#[test]
fn same_seed_same_bytes() {
    for loss in [Loss::Hinge, Loss::Logistic] {
        let a = model(7, loss).to_bytes();
        let b = model(7, loss).to_bytes();
        assert_eq!(a, b, "{loss:?}");
        let c = model(8, loss).to_bytes();
        assert_ne!(a, c, "{loss:?}: another seed should shuffle differently");
    }
}

#[test]
fn round_trip_is_exact() {
    for loss in [Loss::Hinge, Loss::Logistic] {
        let m = model(1, loss);
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).expect("read back");
        assert_eq!(back, m);
        assert_eq!(back.to_bytes(), bytes);
        let (a, b) = (Classifier::new(m), Classifier::new(back));
        for (t, _) in synthetic(20, 42) {
            assert_eq!(a.predict(&t), b.predict(&t));
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

#[test]
fn damage_is_refused_never_panics() {
    let bytes = model(1, Loss::Hinge).to_bytes();
    // Every truncation of the header, then a stride through the rest.
    for n in (0..bytes.len()).filter(|n| *n < 300 || n % 61 == 0 || *n + 16 > bytes.len()) {
        assert!(Model::from_bytes(&bytes[..n]).is_err(), "truncated to {n}");
    }
    // Every single-byte corruption in the header and a stride of the rest.
    for i in (0..bytes.len()).filter(|i| *i < 200 || i % 97 == 0) {
        let mut b = bytes.clone();
        b[i] ^= 0x5A;
        assert!(Model::from_bytes(&b).is_err(), "flipped byte {i}");
    }
    assert_eq!(
        Model::from_bytes(b"hello world, not a model").unwrap_err(),
        ClassifyError::BadMagic
    );
    let mut flipped = bytes.clone();
    let last = flipped.len() - 9;
    flipped[last] ^= 1;
    assert_eq!(
        Model::from_bytes(&flipped).unwrap_err(),
        ClassifyError::Checksum
    );
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Model::from_bytes(&longer).is_err());
}

#[test]
fn other_versions_are_refused_by_name() {
    let mut b = model(1, Loss::Hinge).to_bytes();
    b[8] = 99; // format version
    let n = b.len() - 8;
    let sum = fnv1a(&b[..n]).to_le_bytes();
    b[n..].copy_from_slice(&sum);
    match Model::from_bytes(&b) {
        Err(ClassifyError::Version { format: 99, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn consistent_but_invalid_fields_are_refused() {
    // A well-checksummed file whose bucket count is out of range.
    let m = model(1, Loss::Hinge);
    let mut b = m.to_bytes();
    // Header: magic 8, two u32, task (1 + len), label count, labels.
    let mut pos = 16;
    let task_len = b[pos] as usize;
    pos += 1 + task_len;
    let k = b[pos] as usize;
    pos += 1;
    for _ in 0..k {
        pos += 1 + b[pos] as usize;
    }
    assert_eq!(b[pos], 14, "bits field located");
    b[pos] = 30;
    let n = b.len() - 8;
    let sum = fnv1a(&b[..n]).to_le_bytes();
    b[n..].copy_from_slice(&sum);
    assert!(matches!(
        Model::from_bytes(&b),
        Err(ClassifyError::Invalid(_))
    ));
}
