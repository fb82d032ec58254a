//! Counts by topic as horizontal bars, each with its change against the previous period
//! (+n / −n and an arrow, so the change is not told by colour alone). Long Vietnamese
//! topic names wrap to two lines and are cut with "…"; the full name is the row's `<title>`.

use crate::palette::{AXIS, BAR, DOWN, SAME, TEXT, UP};
use crate::svg::{Svg, f, no_data};
use crate::{Chart, Meta, Table, num, wrap};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BarRow {
    pub label: String,
    pub value: u64,
    /// The count in the previous period; `None` draws no change.
    pub previous: Option<u64>,
}

impl BarRow {
    /// Current minus previous, if there is a previous.
    pub fn change(&self) -> Option<i128> {
        self.previous.map(|p| self.value as i128 - p as i128)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Bars {
    pub meta: Meta,
    /// Drawn top to bottom in this order (the caller sorts).
    pub rows: Vec<BarRow>,
    pub label_header: String,
    pub value_header: String,
    pub change_header: String,
}

const W: f64 = 640.0;
const ROW: f64 = 36.0;
const LABEL_W: f64 = 210.0;
const BAR_X: f64 = 218.0;
const PAD: f64 = 10.0;

impl Chart for Bars {
    fn svg(&self) -> String {
        let lang = self.meta.lang;
        if self.rows.is_empty() {
            return no_data(&self.meta, "bars", W, 120.0);
        }
        let h = PAD * 2.0 + ROW * self.rows.len() as f64;
        let max = self.rows.iter().map(|r| r.value).max().unwrap_or(0);
        let values: Vec<String> = self
            .rows
            .iter()
            .map(|r| num::int(r.value as u128, lang))
            .collect();
        let changes: Vec<Option<String>> = self
            .rows
            .iter()
            .map(|r| r.change().map(|d| num::signed(d, lang)))
            .collect();
        let value_w = values
            .iter()
            .map(|v| wrap::width(v, 12.0))
            .fold(0.0, f64::max);
        let change_w = changes
            .iter()
            .flatten()
            .map(|c| wrap::width(c, 12.0) + 14.0)
            .fold(0.0, f64::max);
        // the bar of the largest value ends exactly at the plot edge
        let x1 = (W - 8.0 - value_w - 8.0 - change_w - 8.0)
            .max(BAR_X + 120.0)
            .round();
        let plot = BAR_X..x1;
        let mut s = Svg::new(&self.meta, "bars", W, h);
        s.start(
            "g",
            &[
                ("class", "yk-plot"),
                (
                    "data-plot",
                    &format!(
                        "{} {} {} {}",
                        f(plot.start),
                        f(PAD),
                        f(plot.end),
                        f(h - PAD)
                    ),
                ),
            ],
        );
        let max_chars = (LABEL_W / (12.0 * 0.56)).floor() as usize;
        for (i, r) in self.rows.iter().enumerate() {
            let top = PAD + ROW * i as f64;
            let mid = top + ROW / 2.0;
            let bw = if max == 0 {
                0.0
            } else {
                (plot.end - plot.start) * (r.value as f64 / max as f64)
            };
            s.start("g", &[("class", "yk-row")]);
            s.title(&r.label);
            let (lines, _) = wrap::wrap(&r.label, max_chars, 2);
            let first_y = if lines.len() > 1 {
                mid - 3.0
            } else {
                mid + 4.0
            };
            s.lines(
                &[
                    ("class", &format!("yk-label {}", TEXT.class)),
                    ("x", &f(LABEL_W)),
                    ("y", &f(first_y)),
                    ("text-anchor", "end"),
                    ("fill", TEXT.fallback),
                ],
                LABEL_W,
                &lines,
                14.0,
            );
            let mut tip = format!("{}: {}", r.label, values[i]);
            if let Some(c) = &changes[i] {
                tip.push_str(&format!(" ({c})"));
            }
            s.el_titled(
                "rect",
                &[
                    ("class", BAR.class),
                    ("x", &f(plot.start)),
                    ("y", &f(mid - 9.0)),
                    ("width", &f(bw)),
                    ("height", "18"),
                    ("fill", BAR.fallback),
                    ("shape-rendering", "crispEdges"),
                ],
                &tip,
            );
            let vx = plot.start + bw + 6.0;
            s.text(
                &[
                    ("class", &format!("yk-value {}", TEXT.class)),
                    ("x", &f(vx)),
                    ("y", &f(mid + 4.0)),
                    ("fill", TEXT.fallback),
                ],
                &values[i],
            );
            if let (Some(c), Some(d)) = (&changes[i], r.change()) {
                let cx = vx + wrap::width(&values[i], 12.0) + 10.0;
                let sw = match d.signum() {
                    1 => UP,
                    -1 => DOWN,
                    _ => SAME,
                };
                s.start("g", &[("class", &format!("yk-change {}", sw.class))]);
                // the arrow: a triangle pointing up or down; none when unchanged
                let tri = match d.signum() {
                    1 => Some(format!(
                        "{},{} {},{} {},{}",
                        f(cx),
                        f(mid + 4.0),
                        f(cx + 8.0),
                        f(mid + 4.0),
                        f(cx + 4.0),
                        f(mid - 4.0)
                    )),
                    -1 => Some(format!(
                        "{},{} {},{} {},{}",
                        f(cx),
                        f(mid - 4.0),
                        f(cx + 8.0),
                        f(mid - 4.0),
                        f(cx + 4.0),
                        f(mid + 4.0)
                    )),
                    _ => None,
                };
                // the class goes on each shape too: a stylesheet rule must beat the
                // element's own fallback attribute, which inheritance from <g> would not
                let tx = if tri.is_some() { cx + 12.0 } else { cx };
                if let Some(points) = tri {
                    s.el(
                        "polygon",
                        &[
                            ("class", &format!("yk-arrow {}", sw.class)),
                            ("points", &points),
                            ("fill", sw.fallback),
                        ],
                    );
                }
                s.text(
                    &[
                        ("class", sw.class),
                        ("x", &f(tx)),
                        ("y", &f(mid + 4.0)),
                        ("font-size", "11"),
                        ("fill", sw.fallback),
                    ],
                    c,
                );
                s.end();
            }
            s.end();
        }
        // the baseline the bars grow from
        s.el(
            "line",
            &[
                ("class", AXIS.class),
                ("x1", &f(plot.start - 0.5)),
                ("x2", &f(plot.start - 0.5)),
                ("y1", &f(PAD)),
                ("y2", &f(h - PAD)),
                ("stroke", AXIS.fallback),
                ("stroke-width", "1"),
                ("shape-rendering", "crispEdges"),
            ],
        );
        s.finish()
    }

    fn table(&self) -> Table {
        let lang = self.meta.lang;
        let mut t = Table::new(
            &self.meta.title,
            &[
                (&self.label_header, false),
                (&self.value_header, true),
                (&self.change_header, true),
            ],
        );
        for r in &self.rows {
            t.rows.push(vec![
                r.label.clone(),
                num::int(r.value as u128, lang),
                r.change().map(|d| num::signed(d, lang)).unwrap_or_default(),
            ]);
        }
        t
    }
}
