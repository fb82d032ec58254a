use ykien_text::topics::{OTHER_ID, SeedScorer, Taxonomy, TopicsError};

#[test]
fn default_taxonomy_loads_with_names_and_seeds() {
    let t = Taxonomy::default();
    assert!(t.len() >= 14, "{} topics", t.len());
    for id in [
        "land",
        "environment",
        "health",
        "education",
        "corruption",
        "front_activities",
    ] {
        let topic = t.get(id).unwrap_or_else(|| panic!("topic {id}"));
        assert!(!topic.name_vi.is_empty() && !topic.name_en.is_empty());
        let n = topic.seeds.len() + topic.strong_seeds.len();
        assert!((20..=80).contains(&n), "{id}: {n} seeds");
    }
    assert!(
        t.get("land")
            .unwrap()
            .strong_seeds
            .iter()
            .any(|s| s == "giải phóng mặt bằng")
    );
}

#[test]
fn broken_taxonomy_names_the_line() {
    let src = "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"x y\",\n  \"z\" \"w\"]\n";
    match Taxonomy::parse(src) {
        Err(TopicsError::Parse { line, message }) => {
            assert_eq!(line, 6, "{message}");
            assert!(message.contains("`,` or `]`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let unclosed = "[[topic]]\nid = \"a\"\nname_vi = \"A\nname_en = \"A\"\n";
    let e = Taxonomy::parse(unclosed).unwrap_err();
    assert!(e.to_string().starts_with("taxonomy, line 3:"), "{e}");

    let unknown = "[[topic]]\nid = \"a\"\nnam_vi = \"A\"\n";
    let e = Taxonomy::parse(unknown).unwrap_err();
    assert!(matches!(e, TopicsError::Parse { line: 3, .. }), "{e}");
    assert!(e.to_string().contains("unknown key `nam_vi`"), "{e}");

    let no_seeds = "# c\n\n[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\n";
    let e = Taxonomy::parse(no_seeds).unwrap_err();
    assert!(matches!(e, TopicsError::Invalid { line: 3, .. }), "{e}");
    assert!(e.to_string().contains("seed"), "{e}");

    let dup = "[[topic]]\nid = \"a\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"x\"]\n\
               [[topic]]\nid = \"a\"\nname_vi = \"B\"\nname_en = \"B\"\nseeds = [\"y\"]\n";
    let e = Taxonomy::parse(dup).unwrap_err();
    assert!(matches!(e, TopicsError::Invalid { line: 6, .. }), "{e}");

    let reserved = format!(
        "[[topic]]\nid = \"{OTHER_ID}\"\nname_vi = \"A\"\nname_en = \"A\"\nseeds = [\"x\"]\n"
    );
    assert!(Taxonomy::parse(&reserved).is_err());
}

#[test]
fn comments_and_multiline_arrays_parse() {
    let src = "# header\n[[topic]]  # first\nid = \"a\"\nname_vi = \"Á # not a comment\"\nname_en = \"A\"\n\
               seeds = [\n  \"một\", # one\n  \"hai ba\",\n]\n";
    let t = Taxonomy::parse(src).unwrap();
    assert_eq!(t.topics[0].name_vi, "Á # not a comment");
    assert_eq!(t.topics[0].seeds, ["một", "hai ba"]);
}

#[test]
fn seeds_match_with_and_without_diacritics_on_word_boundaries() {
    let s = SeedScorer::new(Taxonomy::default());
    let top = |text: &str| s.score(text, 3, 0.1)[0].id.clone();
    assert_eq!(
        top("Người dân bức xúc vì tiền đền bù giải phóng mặt bằng quá thấp"),
        "land"
    );
    assert_eq!(
        top("nguoi dan buc xuc vi tien den bu giai phong mat bang qua thap"),
        "land"
    );
    assert_eq!(
        top("Bãi rác bốc mùi, nước thải chảy ra kênh"),
        "environment"
    );
    assert_eq!(
        top("bai rac boc mui, nuoc thai chay ra kenh"),
        "environment"
    );
    assert_eq!(
        top("Cán bộ phường nhũng nhiễu, đòi phong bì khi làm hồ sơ"),
        "corruption"
    );
    assert_eq!(top("Hôm nay trời đẹp quá"), OTHER_ID);
    // "đền bùa" is not "đền bù"; "thuê" is not "thuế".
    let r = s.score("Ông ấy đi đền bùa", 3, 0.0);
    assert!(r.iter().all(|t| t.id != "land"), "{r:?}");
    let hits = s.hits("thuê nhà").1;
    assert!(hits.iter().all(|h| h.term != "thuế"), "{hits:?}");
    let scores = s.score("đền bù đền bù đền bù, sổ đỏ", 3, 0.0);
    assert_eq!(scores[0].terms[0], "đền bù");
    assert!(scores[0].score > 0.5 && scores[0].score < 1.0);
}
