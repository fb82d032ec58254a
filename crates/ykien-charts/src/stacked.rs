//! Sentiment as 100 % bars: for each row (a unit, a topic) the shares of negative,
//! neutral and positive items. Shares in the bars are whole percents by largest remainder,
//! so each row's labels add up to 100 %; the table gives counts and one decimal.

use crate::palette::{EMPTY_FRAME, NEGATIVE, NEUTRAL, ON_DARK, POSITIVE, Swatch, TEXT};
use crate::svg::{Svg, f, no_data};
use crate::{Chart, Meta, Table, num, wrap};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentimentRow {
    pub label: String,
    pub negative: u64,
    pub neutral: u64,
    pub positive: u64,
}

impl SentimentRow {
    pub fn total(&self) -> u128 {
        self.negative as u128 + self.neutral as u128 + self.positive as u128
    }
    fn parts(&self) -> [u64; 3] {
        [self.negative, self.neutral, self.positive]
    }
}

#[derive(Debug, Clone, Default)]
pub struct SentimentBars {
    pub meta: Meta,
    pub rows: Vec<SentimentRow>,
    pub label_header: String,
    pub negative_label: String,
    pub neutral_label: String,
    pub positive_label: String,
    pub total_header: String,
}

/// Whole percents that add up to 100 (largest remainder); all zero when the total is 0.
pub(crate) fn whole_percents(parts: [u64; 3]) -> [u64; 3] {
    let total: u128 = parts.iter().map(|p| *p as u128).sum();
    if total == 0 {
        return [0; 3];
    }
    let exact: Vec<f64> = parts
        .iter()
        .map(|p| *p as f64 * 100.0 / total as f64)
        .collect();
    let mut out = [0u64; 3];
    for i in 0..3 {
        out[i] = exact[i].floor() as u64;
    }
    let mut order = [0usize, 1, 2];
    order.sort_by(|a, b| {
        (exact[*b] - exact[*b].floor()).total_cmp(&(exact[*a] - exact[*a].floor()))
    });
    let mut left = 100u64.saturating_sub(out.iter().sum());
    for i in order {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

const W: f64 = 640.0;
const ROW: f64 = 34.0;
const LABEL_W: f64 = 170.0;
const BAR_X: f64 = 178.0;
const TOP: f64 = 34.0;

impl SentimentBars {
    fn swatches(&self) -> [(Swatch, &str); 3] {
        [
            (NEGATIVE, &self.negative_label),
            (NEUTRAL, &self.neutral_label),
            (POSITIVE, &self.positive_label),
        ]
    }
}

impl Chart for SentimentBars {
    fn svg(&self) -> String {
        let lang = self.meta.lang;
        if self.rows.is_empty() {
            return no_data(&self.meta, "sentiment", W, 120.0);
        }
        let h = TOP + ROW * self.rows.len() as f64 + 8.0;
        let totals: Vec<String> = self
            .rows
            .iter()
            .map(|r| num::int(r.total(), lang))
            .collect();
        let total_w = totals
            .iter()
            .map(|t| wrap::width(t, 11.0))
            .fold(0.0, f64::max);
        let x1 = (W - 8.0 - total_w - 8.0).max(BAR_X + 120.0).round();
        let bw = x1 - BAR_X;
        let mut s = Svg::new(&self.meta, "sentiment", W, h);
        // legend
        let mut lx = BAR_X;
        for (sw, label) in self.swatches() {
            s.el(
                "rect",
                &[
                    ("class", &format!("yk-legend {}", sw.class)),
                    ("x", &f(lx)),
                    ("y", "8"),
                    ("width", "12"),
                    ("height", "12"),
                    ("fill", sw.fallback),
                ],
            );
            s.text(
                &[
                    ("class", TEXT.class),
                    ("x", &f(lx + 17.0)),
                    ("y", "18.5"),
                    ("fill", TEXT.fallback),
                ],
                label,
            );
            lx += 17.0 + wrap::width(label, 12.0) + 18.0;
        }
        s.start(
            "g",
            &[
                ("class", "yk-plot"),
                (
                    "data-plot",
                    &format!("{} {} {} {}", f(BAR_X), f(TOP), f(x1), f(h - 8.0)),
                ),
            ],
        );
        let max_chars = (LABEL_W / (12.0 * 0.56)).floor() as usize;
        for (i, r) in self.rows.iter().enumerate() {
            let mid = TOP + ROW * i as f64 + ROW / 2.0;
            let total = r.total();
            let pct = whole_percents(r.parts());
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
            if total == 0 {
                s.el(
                    "rect",
                    &[
                        ("class", EMPTY_FRAME.class),
                        ("x", &f(BAR_X + 0.5)),
                        ("y", &f(mid - 10.5)),
                        ("width", &f(bw - 1.0)),
                        ("height", "21"),
                        ("fill", "none"),
                        ("stroke", EMPTY_FRAME.fallback),
                        ("stroke-dasharray", "4 3"),
                    ],
                );
            }
            let mut x = BAR_X;
            for (k, (sw, label)) in self.swatches().into_iter().enumerate() {
                let count = r.parts()[k];
                let w = if total == 0 {
                    0.0
                } else {
                    bw * (count as f64 / total as f64)
                };
                let exact = if total == 0 {
                    0.0
                } else {
                    count as f64 * 100.0 / total as f64
                };
                s.el_titled(
                    "rect",
                    &[
                        ("class", &format!("yk-seg {}", sw.class)),
                        ("x", &f(x)),
                        ("y", &f(mid - 11.0)),
                        ("width", &f(w)),
                        ("height", "22"),
                        ("fill", sw.fallback),
                        ("shape-rendering", "crispEdges"),
                    ],
                    &format!(
                        "{}, {label}: {} ({})",
                        r.label,
                        num::int(count as u128, lang),
                        num::percent(exact, 1, lang)
                    ),
                );
                let text = format!("{}%", pct[k]);
                if w >= wrap::width(&text, 11.0) + 8.0 {
                    s.text(
                        &[
                            ("class", "yk-seg-label"),
                            ("x", &f(x + w / 2.0)),
                            ("y", &f(mid + 4.0)),
                            ("text-anchor", "middle"),
                            ("font-size", "11"),
                            ("fill", ON_DARK),
                        ],
                        &text,
                    );
                }
                x += w;
            }
            s.text(
                &[
                    ("class", &format!("yk-value {}", TEXT.class)),
                    ("x", &f(x1 + 8.0)),
                    ("y", &f(mid + 4.0)),
                    ("font-size", "11"),
                    ("fill", TEXT.fallback),
                ],
                &totals[i],
            );
            s.end();
        }
        s.finish()
    }

    fn table(&self) -> Table {
        let lang = self.meta.lang;
        let mut t = Table::new(
            &self.meta.title,
            &[
                (&self.label_header, false),
                (&self.negative_label, true),
                (&self.neutral_label, true),
                (&self.positive_label, true),
                (&self.total_header, true),
            ],
        );
        for r in &self.rows {
            let total = r.total();
            let mut row = vec![r.label.clone()];
            for c in r.parts() {
                let p = if total == 0 {
                    0.0
                } else {
                    c as f64 * 100.0 / total as f64
                };
                row.push(format!(
                    "{} ({})",
                    num::int(c as u128, lang),
                    num::percent(p, 1, lang)
                ));
            }
            row.push(num::int(total, lang));
            t.rows.push(row);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::whole_percents;

    #[test]
    fn percents_add_up_to_100() {
        assert_eq!(whole_percents([1, 1, 1]), [34, 33, 33]);
        assert_eq!(whole_percents([0, 0, 0]), [0, 0, 0]);
        assert_eq!(whole_percents([1, 0, 0]), [100, 0, 0]);
        assert_eq!(
            whole_percents([u64::MAX, u64::MAX, 1]).iter().sum::<u64>(),
            100
        );
    }
}
