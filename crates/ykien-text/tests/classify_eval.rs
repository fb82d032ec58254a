//! Metrics against a confusion matrix computed by hand.
use ykien_text::classify::Evaluation;

#[test]
fn metrics_match_hand_computation() {
    let mut e = Evaluation::new(vec!["a".into(), "b".into(), "c".into()]);
    // gold a: 3 → a, 1 → b; gold b: 2 → b, 2 → c; gold c: 1 → a, 1 → c.
    let pairs = [
        ("a", "a"),
        ("a", "a"),
        ("a", "a"),
        ("a", "b"),
        ("b", "b"),
        ("b", "b"),
        ("b", "c"),
        ("b", "c"),
        ("c", "a"),
        ("c", "c"),
    ];
    for (g, p) in pairs {
        e.add(g, p);
    }
    assert_eq!(e.confusion(), [vec![3, 1, 0], vec![0, 2, 2], vec![1, 0, 1]]);
    assert_eq!(e.total(), 10);
    assert!((e.accuracy() - 0.6).abs() < 1e-12);
    let per = e.per_label();
    // a: P 3/4, R 3/4, F1 0.75.  b: P 2/3, R 2/4, F1 4/7.  c: P 1/3, R 1/2, F1 0.4.
    let expect = [
        (0.75, 0.75, 0.75, 4),
        (2.0 / 3.0, 0.5, 4.0 / 7.0, 4),
        (1.0 / 3.0, 0.5, 0.4, 2),
    ];
    for (s, (p, r, f, n)) in per.iter().zip(expect) {
        assert!((s.precision - p).abs() < 1e-12, "{s:?}");
        assert!((s.recall - r).abs() < 1e-12, "{s:?}");
        assert!((s.f1 - f).abs() < 1e-12, "{s:?}");
        assert_eq!(s.support, n);
    }
    assert!((e.macro_f1() - (0.75 + 4.0 / 7.0 + 0.4) / 3.0).abs() < 1e-12);
    let table = e.to_string();
    assert!(table.contains("accuracy 0.6000"), "{table}");
}

#[test]
fn labels_only_predicted_count_and_unused_ones_do_not() {
    let mut e = Evaluation::new(vec!["a".into(), "b".into(), "unused".into()]);
    e.add("a", "a");
    e.add("a", "new");
    // Labels: a (P 1, R 0.5, F1 2/3), new (P 0, R 0 → F1 0); b and unused never occur.
    assert_eq!(e.per_label().len(), 2);
    assert!((e.macro_f1() - (2.0 / 3.0) / 2.0).abs() < 1e-12);
    assert_eq!(e.labels().len(), 4);
}
