//! Writes an HTML gallery of every chart with illustrative (made-up but realistic) numbers,
//! for looking at: `cargo run -p ykien-charts --example gallery -- OUTDIR`, then open
//! OUTDIR/index.html or screenshot OUTDIR/<chart>.html with headless Chromium.
//! The HTML here is a viewer for developers only; pages proper are ykien-web's.

use chrono::{Days, NaiveDate};
use std::fmt::Write as _;
use ykien_charts::*;

/// A small deterministic generator, so the gallery is the same on every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn meta(id: &str, title: &str, desc: &str, lang: Lang) -> Meta {
    Meta {
        id: id.into(),
        title: title.into(),
        desc: desc.into(),
        no_data: if lang == Lang::Vi {
            "Chưa có dữ liệu cho kỳ này"
        } else {
            "No data for this period"
        }
        .into(),
        lang,
    }
}

fn time_series(lang: Lang, rng: &mut Lcg) -> TimeSeries {
    let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let prev_start = NaiveDate::from_ymd_opt(2026, 10, 2).unwrap();
    let mut cur = Vec::new();
    let mut prev = Vec::new();
    for i in 0..30u64 {
        let weekend = matches!(i % 7, 0 | 6);
        let base = if weekend { 35 } else { 70 };
        let surge = if (17..21).contains(&i) { 90 } else { 0 };
        cur.push((start + Days::new(i), base + surge + rng.below(25)));
        prev.push((prev_start + Days::new(i), base - 5 + rng.below(25)));
    }
    let (t, d, c, p, h) = match lang {
        Lang::Vi => (
            "Số ý kiến theo ngày, tháng 11/2026",
            "Tháng 11/2026: 2.431 ý kiến, tăng 38% so với tháng 10; cao nhất từ 18/11 đến 21/11.",
            "Kỳ này (01/11–30/11)",
            "Kỳ trước (02/10–31/10)",
            "Ngày",
        ),
        Lang::En => (
            "Opinions per day, November 2026",
            "November 2026: 2,431 opinions, 38% more than October; peak from 18 to 21 November.",
            "This period (1–30 Nov)",
            "Previous period (2–31 Oct)",
            "Date",
        ),
    };
    TimeSeries {
        meta: meta(&format!("ts-{lang:?}"), t, d, lang),
        step: Step::Day,
        current: cur,
        previous: prev,
        current_label: c.into(),
        previous_label: p.into(),
        date_header: h.into(),
    }
}

fn weekly(rng: &mut Lcg) -> TimeSeries {
    let start = NaiveDate::from_ymd_opt(2026, 9, 7).unwrap();
    let cur = (0..13u64)
        .map(|i| (start + Days::new(7 * i), 380 + i * 12 + rng.below(90)))
        .collect();
    let prev = (0..13u64)
        .map(|i| {
            (
                start - Days::new(91) + Days::new(7 * i),
                360 + rng.below(90),
            )
        })
        .collect();
    TimeSeries {
        meta: meta(
            "ts-week",
            "Số ý kiến theo tuần, quý IV/2026",
            "Xu hướng tăng dần qua 13 tuần.",
            Lang::Vi,
        ),
        step: Step::Week,
        current: cur,
        previous: prev,
        current_label: "Quý này".into(),
        previous_label: "Quý trước".into(),
        date_header: "Tuần từ".into(),
    }
}

fn bars() -> Bars {
    let r = |l: &str, v, p| BarRow {
        label: l.into(),
        value: v,
        previous: Some(p),
    };
    Bars {
        meta: meta(
            "bars",
            "Ý kiến theo lĩnh vực, tháng 11/2026",
            "Giao thông và môi trường là hai lĩnh vực được quan tâm nhiều nhất.",
            Lang::Vi,
        ),
        rows: vec![
            r("Giao thông, ùn tắc và hạ tầng đô thị", 1_284, 1_020),
            r(
                "Ô nhiễm môi trường và xử lý rác thải sinh hoạt tại các khu dân cư mới",
                962,
                1_011,
            ),
            r("Đất đai, giải phóng mặt bằng", 541, 498),
            r("Y tế, bảo hiểm y tế", 312, 312),
            r("Giáo dục <THCS & THPT> \"tuyển sinh\"", 207, 166),
            r(
                "Thủ tục hành chính sau sắp xếp đơn vị hành chính cấp xã",
                143,
                60,
            ),
            r("An ninh trật tự", 88, 131),
            r("Khác", 0, 12),
        ],
        label_header: "Lĩnh vực".into(),
        value_header: "Số ý kiến".into(),
        change_header: "So với kỳ trước".into(),
    }
}

fn sentiment() -> SentimentBars {
    let r = |l: &str, n, z, p| SentimentRow {
        label: l.into(),
        negative: n,
        neutral: z,
        positive: p,
    };
    SentimentBars {
        meta: meta(
            "sent",
            "Sắc thái ý kiến theo đơn vị, tháng 11/2026",
            "Phường Hoàn Kiếm có tỷ lệ ý kiến tiêu cực cao nhất (52%).",
            Lang::Vi,
        ),
        rows: vec![
            r("Phường Hoàn Kiếm", 208, 120, 72),
            r("Phường Ba Đình", 150, 170, 95),
            r("Phường Cầu Giấy", 98, 160, 140),
            r("Xã Sóc Sơn", 12, 30, 4),
            r("Phường Thanh Xuân", 3, 1, 96),
            r("Xã Ba Vì", 0, 0, 0),
        ],
        label_header: "Đơn vị".into(),
        negative_label: "Tiêu cực".into(),
        neutral_label: "Trung lập".into(),
        positive_label: "Tích cực".into(),
        total_header: "Tổng".into(),
    }
}

fn unit_map(rng: &mut Lcg) -> UnitMap {
    let u = ykien_units::units();
    let hanoi = u.current("01").expect("Hà Nội in ykien-units");
    let points = u
        .children(&hanoi.key())
        .filter_map(|unit| {
            // more opinions in the dense inner wards than in the outer communes
            let inner = unit.kind == "Phường";
            let v = if inner {
                20 + rng.below(180)
            } else {
                rng.below(60)
            };
            MapPoint::from_unit(unit, if rng.below(25) == 0 { 0 } else { v })
        })
        .collect();
    UnitMap {
        meta: meta(
            "map",
            "Ý kiến theo xã, phường của Hà Nội, tháng 11/2026",
            "Các phường nội thành có nhiều ý kiến nhất.",
            Lang::Vi,
        ),
        points,
        note: "Vị trí vòng tròn là tâm (trọng tâm) của xã, phường, không phải ranh giới; diện tích vòng tròn tỷ lệ với số ý kiến. Số liệu minh họa.".into(),
        label_top: 8,
        unit_header: "Xã, phường".into(),
        value_header: "Số ý kiến".into(),
    }
}

fn html_table(t: &Table) -> String {
    let e = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut h = format!(
        "<details><summary>Bảng số liệu</summary><table><caption>{}</caption><tr>",
        e(&t.caption)
    );
    for c in &t.columns {
        let _ = write!(h, "<th>{}</th>", e(&c.header));
    }
    h.push_str("</tr>");
    for r in &t.rows {
        h.push_str("<tr>");
        for (c, col) in r.iter().zip(&t.columns) {
            let _ = write!(
                h,
                "<td{}>{}</td>",
                if col.numeric { " class=n" } else { "" },
                e(c)
            );
        }
        h.push_str("</tr>");
    }
    h.push_str("</table></details>");
    h
}

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:860px;margin:16px auto;color:#1f2937}
figure{margin:0 0 28px;border:1px solid #e5e7eb;padding:8px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #e5e7eb;padding:2px 6px}td.n{text-align:right}
.dark{background:#111827;color:#f9fafb}
.dark .yk-bar{fill:#60a5fa}.dark .yk-text{fill:#f9fafb}.dark .yk-muted{fill:#d1d5db}
.dark .yk-up{fill:#fca5a5}.dark .yk-down{fill:#86efac}.dark .yk-axis{stroke:#9ca3af}";

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/chart-gallery".into());
    std::fs::create_dir_all(&out).expect("create OUTDIR");
    let mut rng = Lcg(20261129);
    let mut empty = bars();
    empty.meta.id = "empty".into();
    empty.rows.clear();
    let charts: Vec<(&str, Box<dyn Chart>)> = vec![
        ("timeseries", Box::new(time_series(Lang::Vi, &mut rng))),
        ("timeseries-en", Box::new(time_series(Lang::En, &mut rng))),
        ("weekly", Box::new(weekly(&mut rng))),
        ("bars", Box::new(bars())),
        ("sentiment", Box::new(sentiment())),
        ("map", Box::new(unit_map(&mut rng))),
        ("empty", Box::new(empty)),
    ];
    let mut index = format!(
        "<!doctype html><html lang=vi><meta charset=utf-8><title>ykien charts</title><style>{CSS}</style>\
         <h1>ykien-charts</h1><p><strong>Số liệu minh họa (illustrative numbers), không phải dữ liệu thật.</strong></p>"
    );
    for (name, c) in &charts {
        // a rough figure for the page budget (issue 6: under 200 ms of server time)
        let t = std::time::Instant::now();
        for _ in 0..50 {
            std::hint::black_box(c.svg());
        }
        let svg = c.svg();
        println!(
            "{name}: {} bytes, {:.0} µs per render",
            svg.len(),
            t.elapsed().as_secs_f64() * 1e6 / 50.0
        );
        let fig = format!("<figure>{svg}{}</figure>", html_table(&c.table()));
        let _ = write!(index, "<h2>{name}</h2>{fig}");
        let page = format!(
            "<!doctype html><html lang=vi><meta charset=utf-8><style>{CSS}</style>\
             <p>Số liệu minh họa</p><div style=\"width:860px\">{svg}</div>"
        );
        std::fs::write(format!("{out}/{name}.html"), page).expect("write");
        std::fs::write(format!("{out}/{name}.svg"), &svg).expect("write");
    }
    let themed = bars().svg();
    let _ = write!(
        index,
        "<h2>bars, themed by CSS classes</h2><figure class=dark>{themed}</figure>"
    );
    std::fs::write(format!("{out}/themed.html"), format!(
        "<!doctype html><html lang=vi><meta charset=utf-8><style>{CSS}</style><div class=dark style=\"width:860px\">{themed}</div>"
    )).expect("write");
    std::fs::write(format!("{out}/index.html"), index).expect("write index");
    println!("{out}/index.html");
}
