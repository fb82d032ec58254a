//! The charts as a browser or typst would read them: each SVG is parsed as XML and its
//! structure checked against the data it was given.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use roxmltree::{Document, Node};
use ykien_charts::*;

fn meta(id: &str) -> Meta {
    Meta {
        id: id.to_string(),
        title: "Số ý kiến theo ngày".to_string(),
        desc: "Tăng so với kỳ trước".to_string(),
        no_data: "Chưa có dữ liệu".to_string(),
        lang: Lang::Vi,
    }
}

fn day(i: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1)
        .unwrap()
        .checked_add_days(Days::new(i))
        .unwrap()
}

fn series(vals: &[u64], prev: &[u64]) -> TimeSeries {
    TimeSeries {
        meta: meta("ts"),
        step: Step::Day,
        current: vals
            .iter()
            .enumerate()
            .map(|(i, v)| (day(i as u64), *v))
            .collect(),
        previous: prev
            .iter()
            .enumerate()
            .map(|(i, v)| (day(i as u64).checked_sub_days(Days::new(30)).unwrap(), *v))
            .collect(),
        current_label: "Kỳ này".into(),
        previous_label: "Kỳ trước".into(),
        date_header: "Ngày".into(),
    }
}

fn has_class(n: &Node, c: &str) -> bool {
    n.attribute("class")
        .is_some_and(|v| v.split_whitespace().any(|x| x == c))
}

fn count(doc: &Document, tag: &str, class: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && has_class(n, class))
        .count()
}

fn num_attr(n: &Node, a: &str) -> f64 {
    n.attribute(a)
        .unwrap_or_else(|| panic!("no {a}"))
        .parse()
        .unwrap()
}

fn plot(doc: &Document) -> [f64; 4] {
    let g = doc
        .descendants()
        .find(|n| has_class(n, "yk-plot"))
        .expect("plot group");
    let v: Vec<f64> = g
        .attribute("data-plot")
        .unwrap()
        .split(' ')
        .map(|x| x.parse().unwrap())
        .collect();
    [v[0], v[1], v[2], v[3]]
}

/// The root is accessible: role, name and description point at existing elements.
fn check_root(svg: &str) -> Document<'_> {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    let root = doc.root_element();
    assert!(root.has_tag_name("svg"));
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("width"), Some("100%"));
    assert!(root.attribute("viewBox").is_some());
    assert!(root.attribute("height").is_none());
    assert!(root.attribute("style").is_none(), "no inline style (CSP)");
    for (attr, tag) in [("aria-labelledby", "title"), ("aria-describedby", "desc")] {
        let id = root.attribute(attr).unwrap();
        let target = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("{attr} points nowhere"));
        assert!(target.has_tag_name(tag));
        assert_eq!(target.parent(), Some(root));
    }
    doc
}

fn all_text(doc: &Document) -> String {
    doc.descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap())
        .collect::<Vec<_>>()
        .join("|")
}

#[test]
fn time_series_has_a_point_per_value_and_nice_integer_ticks() {
    let ts = series(&[3, 17, 0, 42, 8, 9, 12], &[5, 6, 7, 30, 1, 2, 3]);
    let svg = ts.svg();
    let doc = check_root(&svg);
    assert_eq!(count(&doc, "circle", "yk-cur"), 7);
    assert_eq!(count(&doc, "circle", "yk-prev"), 7);
    let prev_line = doc
        .descendants()
        .find(|n| n.has_tag_name("polyline") && has_class(n, "yk-prev"))
        .unwrap();
    assert!(
        prev_line.attribute("stroke-dasharray").is_some(),
        "previous is dashed"
    );
    let cur_line = doc
        .descendants()
        .find(|n| n.has_tag_name("polyline") && has_class(n, "yk-cur"))
        .unwrap();
    assert!(cur_line.attribute("stroke-dasharray").is_none());
    assert_eq!(cur_line.attribute("points").unwrap().split(' ').count(), 7);
    let ticks: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && has_class(n, "yk-tick"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    assert!(
        ticks.contains(&"50".to_string()) && ticks.contains(&"0".to_string()),
        "{ticks:?}"
    );
    assert!(
        ticks.contains(&"01/11".to_string()),
        "dd/mm dates: {ticks:?}"
    );
    // the highest point (42) is below the top tick (50), the zero on the baseline
    let [_, y0, _, y1] = plot(&doc);
    let ys: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle") && has_class(n, "yk-cur"))
        .map(|n| num_attr(&n, "cy"))
        .collect();
    assert!((ys[2] - y1).abs() < 0.01);
    assert!((ys[3] - (y1 - (y1 - y0) * 42.0 / 50.0)).abs() < 0.01);
    let t = ts.table();
    assert_eq!(t.rows.len(), 7);
    assert_eq!(t.rows[3][1], "42");
    assert_eq!(t.rows[0][0], "01/11/2026");
}

#[test]
fn time_series_single_point_huge_values_and_weeks() {
    let mut ts = series(&[u64::MAX], &[]);
    ts.step = Step::Week;
    let svg = ts.svg();
    let doc = check_root(&svg);
    assert_eq!(count(&doc, "circle", "yk-cur"), 1);
    assert_eq!(count(&doc, "circle", "yk-prev"), 0);
    let c = doc
        .descendants()
        .find(|n| n.has_tag_name("circle") && has_class(n, "yk-cur"))
        .unwrap();
    let [x0, _, x1, _] = plot(&doc);
    assert!((num_attr(&c, "cx") - (x0 + x1) / 2.0).abs() < 0.01);
    assert!(all_text(&doc).contains("18.446.744.073.709.551.615"));
    assert!(ts.table().rows[0][0].starts_with("01/11–07/11/2026"));
    // all zeroes: drawn on the baseline, axis 0..1
    let z = series(&[0, 0, 0], &[0, 0, 0]).svg();
    check_root(&z);
    assert!(!z.contains("NaN") && !z.contains("inf"));
}

#[test]
fn empty_data_gives_a_clear_no_data_chart() {
    let charts: Vec<Box<dyn Chart>> = vec![
        Box::new(series(&[], &[])),
        Box::new(Bars {
            meta: meta("b"),
            ..Default::default()
        }),
        Box::new(SentimentBars {
            meta: meta("s"),
            ..Default::default()
        }),
        Box::new(UnitMap {
            meta: meta("m"),
            points: vec![MapPoint {
                label: "nowhere".into(),
                lat: f64::NAN,
                lon: 0.0,
                value: 3,
            }],
            ..Default::default()
        }),
    ];
    for c in charts {
        let svg = c.svg();
        let doc = check_root(&svg);
        assert!(has_class(&doc.root_element(), "yk-chart-empty"), "{svg}");
        let text: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(text, vec!["Chưa có dữ liệu"]);
    }
}

fn bars(rows: Vec<BarRow>) -> Bars {
    Bars {
        meta: meta("bars"),
        rows,
        label_header: "Chủ đề".into(),
        value_header: "Số ý kiến".into(),
        change_header: "Thay đổi".into(),
    }
}

fn row(label: &str, value: u64, previous: Option<u64>) -> BarRow {
    BarRow {
        label: label.into(),
        value,
        previous,
    }
}

#[test]
fn bars_are_proportional_the_largest_reaches_the_edge_and_changes_show() {
    let b = bars(vec![
        row("Giao thông", 120, Some(100)),
        row(
            "Ô nhiễm môi trường và xử lý rác thải sinh hoạt tại các khu dân cư mới",
            60,
            Some(75),
        ),
        row("Đất đai", 30, Some(30)),
        row("Khác", 0, None),
    ]);
    let svg = b.svg();
    let doc = check_root(&svg);
    let rects: Vec<Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && has_class(n, "yk-bar"))
        .collect();
    assert_eq!(rects.len(), 4);
    let [x0, _, x1, _] = plot(&doc);
    let w: Vec<f64> = rects.iter().map(|r| num_attr(r, "width")).collect();
    assert!(
        (num_attr(&rects[0], "x") + w[0] - x1).abs() < 0.01,
        "largest reaches the edge"
    );
    assert!((num_attr(&rects[0], "x") - x0).abs() < 0.01);
    assert!((w[1] / w[0] - 0.5).abs() < 0.001 && (w[2] / w[0] - 0.25).abs() < 0.001);
    assert_eq!(w[3], 0.0);
    let text = all_text(&doc);
    assert!(
        text.contains("+20") && text.contains("\u{2212}15") && text.contains("±0"),
        "{text}"
    );
    assert_eq!(
        count(&doc, "polygon", "yk-arrow"),
        2,
        "arrows for up and down only"
    );
    assert_eq!(count(&doc, "g", "yk-up"), 1);
    assert_eq!(count(&doc, "g", "yk-down"), 1);
    // the long label is cut, but its full text is the row's title
    let long = &b.rows[1].label;
    assert!(text.contains('…'));
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("title") && n.text() == Some(long.as_str()))
    );
    let t = b.table();
    assert_eq!(
        t.rows[1],
        vec![long.clone(), "60".into(), "\u{2212}15".into()]
    );
    assert_eq!(t.rows[3][2], "");
}

#[test]
fn user_text_is_escaped() {
    let evil = "<script>alert(1)</script> & \"x\" 'y' \u{1}";
    let mut b = bars(vec![row(evil, 5, Some(1))]);
    b.meta.title = evil.into();
    let svg = b.svg();
    assert!(!svg.contains("<script"));
    let doc = check_root(&svg);
    let clean = "<script>alert(1)</script> & \"x\" 'y' ";
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("title") && n.text() == Some(clean))
    );
    assert_eq!(
        doc.root_element().first_element_child().unwrap().text(),
        Some(clean)
    );
    // an id that is not an XML name is cleaned, not trusted
    b.meta.id = "1 \" onload=\"x".into();
    let svg = b.svg();
    let doc = check_root(&svg);
    assert!(doc.root_element().attribute("onload").is_none());
}

fn sentiment(rows: Vec<SentimentRow>) -> SentimentBars {
    SentimentBars {
        meta: meta("sent"),
        rows,
        label_header: "Đơn vị".into(),
        negative_label: "Tiêu cực".into(),
        neutral_label: "Trung lập".into(),
        positive_label: "Tích cực".into(),
        total_header: "Tổng".into(),
    }
}

fn srow(label: &str, n: u64, z: u64, p: u64) -> SentimentRow {
    SentimentRow {
        label: label.into(),
        negative: n,
        neutral: z,
        positive: p,
    }
}

#[test]
fn sentiment_rows_fill_the_width_and_zero_rows_are_marked() {
    let s = sentiment(vec![
        srow("Phường Ba Đình", 50, 30, 20),
        srow("Xã Sóc Sơn", 0, 0, 0),
        srow("Phường Hoàn Kiếm", 1, 1, 1),
        srow("Huge", u64::MAX, u64::MAX, 0),
    ]);
    let svg = s.svg();
    let doc = check_root(&svg);
    let segs: Vec<Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && has_class(n, "yk-seg"))
        .collect();
    assert_eq!(segs.len(), 12, "three segments per row");
    let [x0, _, x1, _] = plot(&doc);
    for r in [0, 2, 3] {
        let w: f64 = segs[r * 3..r * 3 + 3]
            .iter()
            .map(|n| num_attr(n, "width"))
            .sum();
        assert!((w - (x1 - x0)).abs() < 0.05, "row {r} spans the plot: {w}");
    }
    assert!((num_attr(&segs[0], "width") / (x1 - x0) - 0.5).abs() < 0.001);
    let zero: f64 = segs[3..6].iter().map(|n| num_attr(n, "width")).sum();
    assert_eq!(zero, 0.0);
    assert_eq!(count(&doc, "rect", "yk-empty"), 1);
    let text = all_text(&doc);
    assert!(
        text.contains("50%") && text.contains("34%") && text.contains("33%"),
        "{text}"
    );
    let t = s.table();
    assert_eq!(t.rows[0][1], "50 (50,0%)");
    assert_eq!(t.rows[3][4], "36.893.488.147.419.103.230");
}

fn map(points: Vec<MapPoint>) -> UnitMap {
    UnitMap {
        meta: meta("map"),
        points,
        note: "Vị trí là tâm của đơn vị, không phải ranh giới.".into(),
        label_top: 3,
        unit_header: "Đơn vị".into(),
        value_header: "Số ý kiến".into(),
    }
}

fn circles(doc: &Document) -> Vec<(f64, f64, f64, u64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("circle") && has_class(n, "yk-sym"))
        .map(|n| {
            (
                num_attr(&n, "cx"),
                num_attr(&n, "cy"),
                num_attr(&n, "r"),
                n.attribute("data-value").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn map_circles_have_area_proportional_to_value_at_projected_centroids() {
    let u = ykien_units::units();
    let hanoi = u.current("01").expect("Hà Nội");
    let mut pts: Vec<MapPoint> = u
        .children(&hanoi.key())
        .enumerate()
        .filter_map(|(i, unit)| MapPoint::from_unit(unit, (i as u64 * 37) % 200))
        .collect();
    assert!(pts.len() >= 100, "{}", pts.len());
    pts[0].label = "A < B & \"C\"".into();
    let m = map(pts.clone());
    let svg = m.svg();
    let doc = check_root(&svg);
    let cs = circles(&doc);
    assert_eq!(cs.len(), pts.len());
    let max = pts.iter().map(|p| p.value).max().unwrap();
    let (_, _, rmax, _) = cs.iter().find(|c| c.3 == max).unwrap();
    let maxr: f64 = doc
        .descendants()
        .find(|n| has_class(n, "yk-plot"))
        .unwrap()
        .attribute("data-max-r")
        .unwrap()
        .parse()
        .unwrap();
    assert!((rmax - maxr).abs() < 0.01, "largest gets the full radius");
    for (_, _, r, v) in &cs {
        let area_ratio = (r * r) / (rmax * rmax);
        assert!(
            (area_ratio - *v as f64 / max as f64).abs() < 1e-3,
            "{r} {v}"
        );
    }
    // the projection keeps geography: north is up, east is right, fitted to the plot
    let [x0, y0, x1, y1] = plot(&doc);
    let north = pts.iter().max_by(|a, b| a.lat.total_cmp(&b.lat)).unwrap();
    let south = pts.iter().min_by(|a, b| a.lat.total_cmp(&b.lat)).unwrap();
    let tips: Vec<(String, f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle") && has_class(n, "yk-sym"))
        .map(|n| {
            let t = n.first_element_child().unwrap().text().unwrap();
            (
                t.rsplit_once(": ").unwrap().0.to_string(),
                num_attr(&n, "cx"),
                num_attr(&n, "cy"),
            )
        })
        .collect();
    let y_of = |l: &str| tips.iter().find(|t| t.0 == l).unwrap().2;
    assert!(y_of(&north.label) < y_of(&south.label));
    for (_, x, y) in &tips {
        assert!(*x > x0 && *x < x1 && *y > y0 && *y < y1);
    }
    let xs: Vec<f64> = tips.iter().map(|t| t.1).collect();
    let ys: Vec<f64> = tips.iter().map(|t| t.2).collect();
    let spanx =
        xs.iter().cloned().fold(f64::MIN, f64::max) - xs.iter().cloned().fold(f64::MAX, f64::min);
    let spany =
        ys.iter().cloned().fold(f64::MIN, f64::max) - ys.iter().cloned().fold(f64::MAX, f64::min);
    // fitted: one of the spans fills the plot less the room for the largest circle
    let fill_x = spanx / (x1 - x0 - 2.0 * maxr - 4.0);
    let fill_y = spany / (y1 - y0 - 2.0 * maxr - 4.0);
    assert!((fill_x.max(fill_y) - 1.0).abs() < 1e-3, "{fill_x} {fill_y}");
    // at most label_top names, and the note is there
    let labels = count(&doc, "text", "yk-map-label");
    assert!((1..=3).contains(&labels));
    assert!(all_text(&doc).contains("không phải ranh giới"));
    assert!(svg.contains("A &lt; B &amp; &quot;C&quot;"));
    let t = m.table();
    assert_eq!(t.rows.len(), pts.len());
    assert_eq!(t.rows[0][1], max.to_string());
}

#[test]
fn map_single_point_zeroes_and_huge_values() {
    let p = |l: &str, lat, lon, value| MapPoint {
        label: l.into(),
        lat,
        lon,
        value,
    };
    let one = map(vec![p("Phường Ba Đình", 21.03, 105.83, 7)]).svg();
    let doc = check_root(&one);
    let cs = circles(&doc);
    assert_eq!(cs.len(), 1);
    let [x0, y0, x1, y1] = plot(&doc);
    assert!((cs[0].0 - (x0 + x1) / 2.0).abs() < 0.01 && (cs[0].1 - (y0 + y1) / 2.0).abs() < 0.01);
    let zeros = map(vec![p("A", 21.0, 105.0, 0), p("B", 21.1, 105.1, 0)]).svg();
    let doc = check_root(&zeros);
    assert_eq!(circles(&doc).len(), 2);
    assert!(circles(&doc).iter().all(|c| c.2 == 0.0));
    assert_eq!(
        count(&doc, "circle", "yk-zero"),
        2,
        "zeroes still show where they are"
    );
    let huge = map(vec![p("A", 21.0, 105.0, u64::MAX), p("B", 21.1, 105.1, 1)]).svg();
    let doc = check_root(&huge);
    let cs = circles(&doc);
    assert!(cs.iter().any(|c| (c.2 - 22.0).abs() < 0.01));
    assert!(!huge.contains("NaN") && !huge.contains("inf"));
}

#[test]
fn english_numbers_and_dates() {
    let mut ts = series(&[1234, 5], &[]);
    ts.meta.lang = Lang::En;
    let doc_s = ts.svg();
    let doc = check_root(&doc_s);
    let text = all_text(&doc);
    assert!(text.contains("1 Nov"), "{text}");
    assert_eq!(ts.table().rows[0][1], "1,234");
}

#[test]
fn fallback_colours_are_inline_and_classes_are_present() {
    let svg = bars(vec![row("a", 1, Some(2))]).svg();
    let doc = check_root(&svg);
    let bar = doc
        .descendants()
        .find(|n| n.has_tag_name("rect") && has_class(n, "yk-bar"))
        .unwrap();
    assert_eq!(bar.attribute("fill"), Some(palette::BAR.fallback));
    assert!(doc.descendants().all(|n| n.attribute("style").is_none()));
}

/// Every coloured element carries a class of its own, so a stylesheet can restyle it
/// (a class on a parent <g> would lose to the element's own fallback attribute).
#[test]
fn every_coloured_element_has_a_class() {
    let u = ykien_units::units();
    let hanoi = u.current("01").unwrap();
    let pts = u
        .children(&hanoi.key())
        .filter_map(|x| MapPoint::from_unit(x, x.code.len() as u64 % 3))
        .collect();
    let svgs = [
        series(&[1, 2, 3], &[3, 2, 1]).svg(),
        bars(vec![
            row("a", 1, Some(2)),
            row("b", 2, Some(1)),
            row("c", 2, Some(2)),
        ])
        .svg(),
        sentiment(vec![srow("a", 1, 2, 3), srow("b", 0, 0, 0)]).svg(),
        map(pts).svg(),
        series(&[], &[]).svg(),
    ];
    for svg in &svgs {
        let doc = check_root(svg);
        for n in doc.descendants().filter(|n| n.is_element()) {
            for a in ["fill", "stroke"] {
                let Some(v) = n.attribute(a) else { continue };
                if v != "none" && v != "#ffffff" {
                    let class = n.attribute("class").unwrap_or("");
                    assert!(
                        class.contains("yk-"),
                        "<{}> {a}={v} has no class",
                        n.tag_name().name()
                    );
                }
            }
        }
    }
}

fn any_label() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[<>&\"' a-zà-ỹ]{0,80}"]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_input_is_well_formed_xml(
        labels in prop::collection::vec(any_label(), 0..8),
        values in prop::collection::vec(any::<u64>(), 0..8),
        coords in prop::collection::vec((any::<f64>(), any::<f64>()), 0..8),
        title in any_label(),
        id in any::<String>(),
        en in any::<bool>(),
    ) {
        let m = Meta {
            id,
            title: title.clone(),
            desc: title.clone(),
            no_data: title,
            lang: if en { Lang::En } else { Lang::Vi },
        };
        let n = labels.len().min(values.len());
        let ts = TimeSeries {
            meta: m.clone(),
            step: if en { Step::Week } else { Step::Day },
            current: values.iter().enumerate().map(|(i, v)| (day(i as u64), *v)).collect(),
            previous: values.iter().rev().skip(1).enumerate().map(|(i, v)| (day(i as u64), *v)).collect(),
            current_label: labels.first().cloned().unwrap_or_default(),
            previous_label: labels.last().cloned().unwrap_or_default(),
            date_header: String::new(),
        };
        let b = Bars {
            meta: m.clone(),
            rows: (0..n).map(|i| row(&labels[i], values[i], values.get(i + 1).copied())).collect(),
            ..Default::default()
        };
        let s = SentimentBars {
            meta: m.clone(),
            rows: (0..n).map(|i| srow(&labels[i], values[i], values[n - 1 - i], i as u64)).collect(),
            negative_label: labels.first().cloned().unwrap_or_default(),
            ..Default::default()
        };
        let mp = UnitMap {
            meta: m,
            points: coords.iter().enumerate().map(|(i, (a, b))| MapPoint {
                label: labels.get(i).cloned().unwrap_or_default(),
                lat: a % 90.0,
                lon: b % 180.0,
                value: values.get(i).copied().unwrap_or(0),
            }).collect(),
            note: labels.concat(),
            label_top: 3,
            ..Default::default()
        };
        for svg in [ts.svg(), b.svg(), s.svg(), mp.svg()] {
            let doc = check_root(&svg);
            prop_assert!(!svg.contains("NaN") && !svg.contains("inf"));
            prop_assert!(doc.descendants().all(|n| n.attribute("onload").is_none()));
        }
        prop_assert_eq!(b.table().rows.len(), n);
    }
}
