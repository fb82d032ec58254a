use ykien_text::places::{Gazetteer, PlaceMatch};
use ykien_units::Level;

fn top(query: &str) -> ykien_text::places::Candidate {
    let c = Gazetteer::default().resolve(query);
    assert!(!c.is_empty(), "no candidate for {query}");
    c.into_iter().next().unwrap()
}

#[test]
fn legacy_ward_with_its_district_resolves_to_the_legacy_ward() {
    for q in [
        "phường Thụy Phương, quận Bắc Từ Liêm",
        "P. Thụy Phương, Q. Bắc Từ Liêm",
        "thuy phuong bac tu liem",
        "P.Thuỵ Phương - Q.Bắc Từ Liêm",
    ] {
        let c = top(q);
        assert_eq!(c.unit.name, "Phường Thụy Phương", "{q}");
        assert!(c.unit.legacy, "{q}");
        assert_eq!(c.parents[0].name, "Quận Bắc Từ Liêm", "{q}");
        assert!(!c.successors.is_empty(), "{q}");
        assert!(c.successors.iter().all(|s| !s.legacy), "{q}");
        assert!(c.successors.iter().all(|s| s.id.len() == 5), "{q}");
    }
}

#[test]
fn xa_thuong_cat_finds_the_ward_of_both_generations() {
    // No commune called "Xã Thượng Cát" exists in either generation: it became a ward in
    // 2013 and kept its name in 2025, so the current ward comes first and the legacy ward,
    // whose successor it is, right after.
    let c = Gazetteer::default().resolve("xã Thượng Cát");
    assert!(c.len() >= 2);
    assert_eq!(c[0].unit.name, "Phường Thượng Cát");
    assert!(!c[0].unit.legacy);
    assert_eq!(c[0].parents[0].name, "Thành phố Hà Nội");
    assert_eq!(c[1].unit.name, "Phường Thượng Cát");
    assert!(c[1].unit.legacy);
    assert!(c[1].successors.iter().any(|s| s.id == c[0].unit.id));
}

#[test]
fn the_legacy_district_qualifier_selects_the_legacy_ward() {
    let c = top("phường Thượng Cát (quận Bắc Từ Liêm)");
    assert!(c.unit.legacy);
    assert_eq!(c.parents[0].name, "Quận Bắc Từ Liêm");
}

#[test]
fn province_qualifier_picks_among_homonyms() {
    // "Tân Phong" is a ward or commune in many provinces.
    let c = top("phường Tân Phong, tỉnh Lai Châu");
    assert_eq!(c.unit.name, "Phường Tân Phong");
    let province = c.parents.last().unwrap();
    assert!(province.name.ends_with("Lai Châu"), "{:?}", c.parents);
}

#[test]
fn default_province_can_be_changed() {
    // Hà Nội has no "Phường Tân Phong"; Thành phố Hồ Chí Minh had one in Quận 7.
    let province_of = |c: &ykien_text::places::Candidate| c.parents.last().unwrap().name;
    let hanoi = Gazetteer::default().resolve("Phường Tân Phong");
    let hcm = Gazetteer::with_default_province("79").resolve("Phường Tân Phong");
    assert_eq!(province_of(&hcm[0]), "Thành phố Hồ Chí Minh");
    assert_ne!(province_of(&hanoi[0]), "Thành phố Hồ Chí Minh");
}

fn names(found: &[PlaceMatch]) -> Vec<(&str, &str, bool)> {
    found
        .iter()
        .map(|m| (m.text.as_str(), m.unit.name, m.unit.legacy))
        .collect()
}

#[test]
fn spans_map_back_to_the_original_text() {
    let text = "Sáng nay, UBND phường Thụy Phương (quận Bắc Từ Liêm, Hà Nội) đã họp.";
    let found = Gazetteer::default().find_places(text);
    assert_eq!(
        names(&found),
        [
            ("phường Thụy Phương", "Phường Thụy Phương", true),
            ("quận Bắc Từ Liêm", "Quận Bắc Từ Liêm", true),
            ("Hà Nội", "Thành phố Hà Nội", false),
        ]
    );
    for m in &found {
        assert_eq!(&text[m.span.clone()], m.text);
    }
    assert!(found[0].confidence > 0.8);
    assert_eq!(found[0].unit.level, Level::Commune);
}

#[test]
fn matches_without_diacritics_and_with_old_tone_placement() {
    let g = Gazetteer::default();
    let a = g.find_places("UBND phuong Thuy Phuong, quan Bac Tu Liem");
    let b = g.find_places("UBND phường Thuỵ Phương, quận Bắc Từ Liêm");
    assert_eq!(a.len(), 2);
    assert_eq!(
        a.iter().map(|m| &m.unit).collect::<Vec<_>>(),
        b.iter().map(|m| &m.unit).collect::<Vec<_>>()
    );
}

#[test]
fn common_words_and_streets_are_not_places() {
    let g = Gazetteer::default();
    assert!(
        g.find_places("Chúng ta cần hòa bình và thống nhất.")
            .is_empty()
    );
    assert!(
        g.find_places("Anh Nguyễn Văn Tân sống trên đường Trần Phú.")
            .is_empty()
    );
    assert!(g.find_places("Bộ trưởng Bộ Công an làm việc.").is_empty());
    // With a prefix the same words are places.
    let found = g.find_places("Đoàn công tác về xã Hòa Bình, huyện Thường Tín.");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].unit.name, "Xã Hòa Bình");
    assert_eq!(found[0].parents[0].name, "Huyện Thường Tín");
}

#[test]
fn abbreviations_and_numbered_wards() {
    let g = Gazetteer::default();
    let found = g.find_places("Địa chỉ: P.1, Q.3, TP.HCM");
    let got = names(&found);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(found[0].unit.name, "Phường 1");
    assert_eq!(found[0].parents[0].name, "Quận 3");
    assert_eq!(found[2].unit.name, "Thành phố Hồ Chí Minh");
}
