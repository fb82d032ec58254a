//! Counts per day or week over a period, with the previous period of the same length drawn
//! dashed behind it. The two are aligned by position (day 1 over day 1), which is what
//! "compared with the previous period" means on the dashboard and in the monthly report.

use crate::palette::{AXIS, CURRENT, GRID, MUTED_TEXT, PREVIOUS, TEXT};
use crate::svg::{Svg, f, no_data};
use crate::{Chart, Lang, Meta, Table, num, ticks, wrap};
use chrono::{Days, NaiveDate};

/// The width of one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Step {
    #[default]
    Day,
    /// A point per week, dated by its first day.
    Week,
}

impl Step {
    fn days(self) -> u64 {
        match self {
            Step::Day => 1,
            Step::Week => 7,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TimeSeries {
    pub meta: Meta,
    pub step: Step,
    /// The chosen period, oldest first.
    pub current: Vec<(NaiveDate, u64)>,
    /// The previous period, oldest first, aligned with `current` by position; may be empty.
    pub previous: Vec<(NaiveDate, u64)>,
    /// Legend and column header for each period, e.g. "Kỳ này", "Kỳ trước".
    pub current_label: String,
    pub previous_label: String,
    /// Header of the date columns in the table, e.g. "Ngày" / "Tuần từ".
    pub date_header: String,
}

const W: f64 = 640.0;
const H: f64 = 300.0;

impl TimeSeries {
    fn when(&self, d: NaiveDate) -> String {
        let lang = self.meta.lang;
        match self.step {
            Step::Day => num::date(d, lang),
            Step::Week => {
                let end = d.checked_add_days(Days::new(6)).unwrap_or(d);
                format!("{}–{}", num::day_month(d, lang), num::date(end, lang))
            }
        }
    }

    /// The date on the x axis at position `i` (past the end of `current`, extrapolated).
    fn axis_date(&self, i: usize) -> Option<NaiveDate> {
        if let Some((d, _)) = self.current.get(i) {
            return Some(*d);
        }
        if let Some((last, _)) = self.current.last() {
            let ahead = (i + 1 - self.current.len()) as u64 * self.step.days();
            return last.checked_add_days(Days::new(ahead));
        }
        self.previous.get(i).map(|(d, _)| *d)
    }
}

impl Chart for TimeSeries {
    fn svg(&self) -> String {
        let lang: Lang = self.meta.lang;
        let n = self.current.len().max(self.previous.len());
        if n == 0 {
            return no_data(&self.meta, "timeseries", W, H);
        }
        let max = self
            .current
            .iter()
            .chain(&self.previous)
            .map(|(_, v)| *v)
            .max()
            .unwrap_or(0);
        let ticks = ticks::nice(max as f64, 5);
        let top = *ticks.last().unwrap_or(&1.0);
        let tick_w = ticks
            .iter()
            .map(|t| wrap::width(&num::int(*t as u128, lang), 11.0))
            .fold(0.0, f64::max);
        let (x0, x1) = ((tick_w + 14.0).round(), W - 20.0);
        let (y0, y1) = (40.0, H - 30.0);
        let x_at = |i: usize| {
            if n == 1 {
                (x0 + x1) / 2.0
            } else {
                x0 + (x1 - x0) * i as f64 / (n - 1) as f64
            }
        };
        let y_at = |v: u64| y1 - (y1 - y0) * (v as f64 / top);

        let mut s = Svg::new(&self.meta, "timeseries", W, H);
        s.start(
            "g",
            &[
                ("class", "yk-plot"),
                (
                    "data-plot",
                    &format!("{} {} {} {}", f(x0), f(y0), f(x1), f(y1)),
                ),
            ],
        );
        // grid and y ticks; lines on half units so that 1-unit strokes stay crisp
        for t in &ticks {
            let y = (y1 - (y1 - y0) * (t / top)).round() + 0.5;
            s.el(
                "line",
                &[
                    ("class", if *t == 0.0 { AXIS.class } else { GRID.class }),
                    ("x1", &f(x0)),
                    ("x2", &f(x1)),
                    ("y1", &f(y)),
                    ("y2", &f(y)),
                    (
                        "stroke",
                        if *t == 0.0 {
                            AXIS.fallback
                        } else {
                            GRID.fallback
                        },
                    ),
                    ("stroke-width", "1"),
                    ("shape-rendering", "crispEdges"),
                ],
            );
            s.text(
                &[
                    ("class", &format!("yk-tick {}", MUTED_TEXT.class)),
                    ("x", &f(x0 - 6.0)),
                    ("y", &f(y + 4.0)),
                    ("text-anchor", "end"),
                    ("font-size", "11"),
                    ("fill", MUTED_TEXT.fallback),
                ],
                &num::int(*t as u128, lang),
            );
        }
        // x labels, thinned to one per ~52 units
        let every = (n as f64 / ((x1 - x0) / 52.0).max(1.0)).ceil().max(1.0) as usize;
        for i in (0..n).step_by(every) {
            if let Some(d) = self.axis_date(i) {
                s.text(
                    &[
                        ("class", &format!("yk-tick {}", MUTED_TEXT.class)),
                        ("x", &f(x_at(i))),
                        ("y", &f(y1 + 18.0)),
                        ("text-anchor", "middle"),
                        ("font-size", "11"),
                        ("fill", MUTED_TEXT.fallback),
                    ],
                    &num::day_month(d, lang),
                );
            }
        }
        // the previous period first, so that the current one is drawn on top
        for (series, sw, dash, width, r) in [
            (&self.previous, PREVIOUS, Some("6 4"), "2", 2.5),
            (&self.current, CURRENT, None, "2.5", 3.5),
        ] {
            if series.is_empty() {
                continue;
            }
            let pts: Vec<String> = series
                .iter()
                .enumerate()
                .map(|(i, (_, v))| format!("{},{}", f(x_at(i)), f(y_at(*v))))
                .collect();
            let mut attrs = vec![
                ("class", format!("yk-line {}", sw.class)),
                ("points", pts.join(" ")),
                ("fill", "none".to_string()),
                ("stroke", sw.fallback.to_string()),
                ("stroke-width", width.to_string()),
                ("stroke-linejoin", "round".to_string()),
            ];
            if let Some(d) = dash {
                attrs.push(("stroke-dasharray", d.to_string()));
            }
            let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            s.el("polyline", &attrs);
            let label = if sw == CURRENT {
                &self.current_label
            } else {
                &self.previous_label
            };
            for (i, (d, v)) in series.iter().enumerate() {
                s.el_titled(
                    "circle",
                    &[
                        ("class", &format!("yk-pt {}", sw.class)),
                        ("cx", &f(x_at(i))),
                        ("cy", &f(y_at(*v))),
                        ("r", &f(r)),
                        ("fill", sw.fallback),
                        ("stroke", "#ffffff"),
                        ("stroke-width", "1"),
                    ],
                    &format!("{label}, {}: {}", self.when(*d), num::int(*v as u128, lang)),
                );
            }
        }
        s.end();
        // legend: a line sample for each period
        let mut lx = x0;
        for (label, sw, dash) in [
            (&self.current_label, CURRENT, None),
            (&self.previous_label, PREVIOUS, Some("6 4")),
        ] {
            if label.is_empty() || (sw == PREVIOUS && self.previous.is_empty()) {
                continue;
            }
            let mut attrs = vec![
                ("class", format!("yk-legend {}", sw.class)),
                ("x1", f(lx)),
                ("x2", f(lx + 28.0)),
                ("y1", "16.5".to_string()),
                ("y2", "16.5".to_string()),
                ("stroke", sw.fallback.to_string()),
                ("stroke-width", "2.5".to_string()),
            ];
            if let Some(d) = dash {
                attrs.push(("stroke-dasharray", d.to_string()));
            }
            let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            s.el("line", &attrs);
            s.text(
                &[
                    ("class", TEXT.class),
                    ("x", &f(lx + 34.0)),
                    ("y", "20.5"),
                    ("fill", TEXT.fallback),
                ],
                label,
            );
            lx += 34.0 + wrap::width(label, 12.0) + 24.0;
        }
        s.finish()
    }

    fn table(&self) -> Table {
        let lang = self.meta.lang;
        let mut t = Table::new(
            &self.meta.title,
            &[
                (&self.date_header, false),
                (&self.current_label, true),
                (&self.date_header, false),
                (&self.previous_label, true),
            ],
        );
        for i in 0..self.current.len().max(self.previous.len()) {
            let cell = |p: Option<&(NaiveDate, u64)>| match p {
                Some((d, v)) => (self.when(*d), num::int(*v as u128, lang)),
                None => (String::new(), String::new()),
            };
            let (cd, cv) = cell(self.current.get(i));
            let (pd, pv) = cell(self.previous.get(i));
            t.rows.push(vec![cd, cv, pd, pv]);
        }
        t
    }
}
