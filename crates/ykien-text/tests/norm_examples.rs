//! Normalization on real Vietnamese text.

use ykien_text::normalize::{
    Encoding, Legacy, Options, ToneStyle, detect_legacy_encoding, normalize, normalize_with,
};

#[test]
fn tone_styles_from_the_anchor_probe() {
    // the probe sentence that split coccoc and VnCoreNLP (anchors-nlp.md §1)
    let probe = "Hòa bình và hoà bình, thủy sản và thuỷ sản, Thanh Hóa và Thanh Hoá";
    assert_eq!(
        normalize(probe).text,
        "Hòa bình và hòa bình, thủy sản và thủy sản, Thanh Hóa và Thanh Hóa"
    );
    let old = Options {
        tone: Some(ToneStyle::Old),
        ..Options::default()
    };
    assert_eq!(
        normalize_with(probe, &old).text,
        "Hoà bình và hoà bình, thuỷ sản và thuỷ sản, Thanh Hoá và Thanh Hoá"
    );
    let keep = Options {
        tone: None,
        ..Options::default()
    };
    assert_eq!(normalize_with(probe, &keep).text, probe);
}

#[test]
fn decomposed_input_is_composed() {
    // NFD input breaks segmenters (trankit#18, vn.vitk#21)
    let nfd = "Ha\u{300} No\u{302}\u{323}i";
    let n = normalize(nfd);
    assert_eq!(n.text, "Hà Nội");
    let i = n.text.find("Nội").unwrap();
    assert_eq!(&nfd[n.original_range(i..n.text.len())], "No\u{302}\u{323}i");
}

#[test]
fn scraped_html_text() {
    let s = "M&#7863;t tr&#7853;n T&#7893; qu&#7889;c&nbsp;Vi&#7879;t&nbsp;Nam&#8203; &ndash; &quot;&#272;&#7841;i &#273;o&#224;n k&#7871;t&quot;";
    let n = normalize(s);
    assert_eq!(n.text, "Mặt trận Tổ quốc Việt Nam – \"Đại đoàn kết\"");
    let i = n.text.find("Đại").unwrap();
    assert_eq!(&s[n.original_range(i..i + "Đại".len())], "&#272;&#7841;i");
}

#[test]
fn legacy_documents() {
    // TCVN3 (ABC) as decoded by Windows-1252
    let tcvn = "Uû ban MÆt trËn Tæ quèc ViÖt Nam thµnh phè Hµ Néi";
    assert_eq!(
        detect_legacy_encoding(tcvn).map(|(e, _)| e),
        Some(Encoding::Tcvn3)
    );
    let n = normalize(tcvn);
    assert_eq!(n.text, "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Nội");
    let i = n.text.find("Hà").unwrap();
    assert_eq!(&tcvn[n.original_range(i..i + "Hà".len())], "Hµ");
    // VNI-Windows
    let vni = "Uûy ban Maët traän Toå quoác Vieät Nam thaønh phoá Haø Noäi";
    assert_eq!(
        normalize(vni).text,
        "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Nội"
    );
    // off means off
    let off = Options {
        legacy: Legacy::Off,
        tone: None,
        ..Options::default()
    };
    assert_eq!(normalize_with(vni, &off).text, vni);
    // ordinary Unicode text is never taken for legacy
    for s in [
        "Thành phố Hà Nội",
        "Café crème à la française",
        "São Paulo, Zürich, Ñandú",
    ] {
        assert_eq!(normalize(s).legacy, None, "{s}");
    }
}

#[test]
fn spaces_and_invisibles() {
    let s = "Hà\u{200B}Nội\u{A0}\u{A0}ngày\u{2009}1/8\u{3000}\u{FEFF}";
    assert_eq!(normalize(s).text, "HàNội  ngày 1/8 ");
}

/// Found by the `idempotent_old_style` property test: a zero-width space, an entity or a
/// tone position hid a TCVN3-looking word from detection on the first pass, and the second
/// pass converted it.
#[test]
fn zero_width_characters_do_not_hide_legacy_words() {
    for tone in [ToneStyle::New, ToneStyle::Old] {
        let opts = Options {
            tone: Some(tone),
            ..Options::default()
        };
        for input in ["µ\u{200b}", "µ\u{ad}", "µ&nbsp;thúy"] {
            let once = normalize_with(input, &opts).text;
            assert_eq!(normalize_with(&once, &opts).text, once, "{input:?}");
        }
    }
}
