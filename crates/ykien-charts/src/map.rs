//! A map of units without boundaries. No public boundary polygons exist for the 126 new
//! communes and wards of Hanoi (or the other 3,321 of the 2025 reform), so the map draws
//! what the data supports: a circle at each unit's centroid whose area is proportional to
//! its value, in an equirectangular projection with the cos(latitude) correction, fitted to
//! the units shown. A note under the map (the caller's words) says that positions are
//! centroids, not boundaries.

use crate::palette::{MAP_BG, MUTED_TEXT, SYMBOL, SYMBOL_EDGE, TEXT};
use crate::svg::{Svg, f, no_data};
use crate::{Chart, Meta, Table, num, wrap};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapPoint {
    pub label: String,
    pub lat: f64,
    pub lon: f64,
    pub value: u64,
}

impl MapPoint {
    /// A point at a unit's centroid, labelled with its full name; `None` when the unit has
    /// no centroid in the data.
    pub fn from_unit(unit: &ykien_units::Unit, value: u64) -> Option<MapPoint> {
        Some(MapPoint {
            label: unit.name.to_string(),
            lat: unit.lat?,
            lon: unit.lon?,
            value,
        })
    }

    fn placeable(&self) -> bool {
        self.lat.is_finite()
            && self.lon.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon)
    }
}

#[derive(Debug, Clone, Default)]
pub struct UnitMap {
    pub meta: Meta,
    pub points: Vec<MapPoint>,
    /// E.g. "Vị trí là tâm của đơn vị, không phải ranh giới."
    pub note: String,
    /// How many of the largest units get a name on the map (the rest: hover, table).
    pub label_top: usize,
    pub unit_header: String,
    pub value_header: String,
}

const W: f64 = 640.0;
const H: f64 = 480.0;
/// The radius of the largest value.
pub const MAX_R: f64 = 22.0;
const PLOT: (f64, f64, f64, f64) = (8.0, 8.0, W - 128.0, H - 48.0);

/// Screen position of each point (same order), fitted inside `PLOT` less `MAX_R`, and the
/// scale in units per degree of latitude (0 when all points coincide).
fn project(points: &[&MapPoint]) -> (Vec<(f64, f64)>, f64) {
    let (min_lat, max_lat) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), p| {
        (a.min(p.lat), b.max(p.lat))
    });
    let (min_lon, max_lon) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), p| {
        (a.min(p.lon), b.max(p.lon))
    });
    let k = ((min_lat + max_lat) / 2.0).to_radians().cos().max(0.01);
    let (sx, sy) = ((max_lon - min_lon) * k, max_lat - min_lat);
    let (x0, y0, x1, y1) = PLOT;
    let (iw, ih) = (x1 - x0 - 2.0 * MAX_R - 4.0, y1 - y0 - 2.0 * MAX_R - 4.0);
    let scale = match (sx > 0.0, sy > 0.0) {
        (true, true) => (iw / sx).min(ih / sy),
        (true, false) => iw / sx,
        (false, true) => ih / sy,
        (false, false) => 0.0,
    };
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let xy = points
        .iter()
        .map(|p| {
            let x = ((p.lon - min_lon) * k - sx / 2.0) * scale;
            let y = ((max_lat - p.lat) - sy / 2.0) * scale;
            (cx + x, cy + y)
        })
        .collect();
    (xy, scale)
}

/// Kilometres per degree of latitude (and, after the cos(latitude) correction, of x).
const KM_PER_DEG: f64 = 111.32;

/// A round length in km (1, 2 or 5 × 10ⁿ) drawn at most `max_w` units long.
fn scale_bar(units_per_deg: f64, max_w: f64) -> Option<(f64, f64)> {
    let per_km = units_per_deg / KM_PER_DEG;
    if !(per_km.is_finite() && per_km > 0.0) {
        return None;
    }
    let raw = max_w / per_km;
    let mag = 10f64.powf(raw.log10().floor());
    let km = [5.0, 2.0, 1.0]
        .iter()
        .map(|m| m * mag)
        .find(|k| *k <= raw)?;
    Some((km, km * per_km))
}

/// Area ∝ value: r = MAX_R·√(v / max).
pub(crate) fn radius(v: u64, max: u64) -> f64 {
    if max == 0 {
        0.0
    } else {
        MAX_R * (v as f64 / max as f64).sqrt()
    }
}

impl Chart for UnitMap {
    fn svg(&self) -> String {
        let lang = self.meta.lang;
        let mut pts: Vec<&MapPoint> = self.points.iter().filter(|p| p.placeable()).collect();
        if pts.is_empty() {
            return no_data(&self.meta, "map", W, H);
        }
        // big circles first, so that small ones stay visible on top
        pts.sort_by(|a, b| b.value.cmp(&a.value).then(a.label.cmp(&b.label)));
        let (xy, scale) = project(&pts);
        let max = pts[0].value;
        let (x0, y0, x1, y1) = PLOT;
        let mut s = Svg::new(&self.meta, "map", W, H);
        s.el(
            "rect",
            &[
                ("class", MAP_BG.class),
                ("x", &f(x0 + 0.5)),
                ("y", &f(y0 + 0.5)),
                ("width", &f(x1 - x0 - 1.0)),
                ("height", &f(y1 - y0 - 1.0)),
                ("fill", MAP_BG.fallback),
                ("stroke", "#e5e7eb"),
                ("shape-rendering", "crispEdges"),
            ],
        );
        s.start(
            "g",
            &[
                ("class", "yk-plot"),
                (
                    "data-plot",
                    &format!("{} {} {} {}", f(x0), f(y0), f(x1), f(y1)),
                ),
                ("data-max-r", &f(MAX_R)),
            ],
        );
        for (p, (x, y)) in pts.iter().zip(&xy) {
            let r = radius(p.value, max);
            let tip = format!("{}: {}", p.label, num::int(p.value as u128, lang));
            s.el_titled(
                "circle",
                &[
                    ("class", &format!("{} {}", SYMBOL.class, SYMBOL_EDGE.class)),
                    ("cx", &f(*x)),
                    ("cy", &f(*y)),
                    ("r", &format!("{r:.3}")),
                    ("data-value", &p.value.to_string()),
                    ("fill", SYMBOL.fallback),
                    ("fill-opacity", "0.45"),
                    ("stroke", SYMBOL_EDGE.fallback),
                    ("stroke-width", "1"),
                ],
                &tip,
            );
            if p.value == 0 {
                // a zero has no area; a small ring still shows where the unit is
                s.el(
                    "circle",
                    &[
                        ("class", "yk-zero"),
                        ("cx", &f(*x)),
                        ("cy", &f(*y)),
                        ("r", "2"),
                        ("fill", "none"),
                        ("stroke", SYMBOL_EDGE.fallback),
                        ("stroke-width", "1"),
                    ],
                );
            }
        }
        s.end();
        // names for the largest, skipping any that would overlap one already placed
        let mut placed: Vec<(f64, f64, f64, f64)> = Vec::new();
        s.start("g", &[("class", "yk-map-labels")]);
        for (p, (x, y)) in pts.iter().zip(&xy).take(self.label_top) {
            if p.value == 0 {
                break;
            }
            let r = radius(p.value, max);
            let w = wrap::width(&p.label, 11.0);
            let (mut lx, ly) = (x + r * 0.7 + 3.0, y + 4.0);
            let mut anchor = "start";
            if lx + w > x1 - 2.0 {
                lx = x - r * 0.7 - 3.0;
                anchor = "end";
            }
            let bx = if anchor == "start" { lx } else { lx - w };
            let bbox = (bx, ly - 10.0, bx + w, ly + 3.0);
            let hit = placed
                .iter()
                .any(|b| bbox.0 < b.2 && b.0 < bbox.2 && bbox.1 < b.3 && b.1 < bbox.3);
            if hit {
                continue;
            }
            placed.push(bbox);
            s.text(
                &[
                    ("class", &format!("yk-map-label {}", TEXT.class)),
                    ("x", &f(lx)),
                    ("y", &f(ly)),
                    ("text-anchor", anchor),
                    ("font-size", "11"),
                    ("fill", TEXT.fallback),
                    ("stroke", "#ffffff"),
                    ("stroke-width", "3"),
                    ("stroke-linejoin", "round"),
                    ("paint-order", "stroke"),
                ],
                &p.label,
            );
        }
        s.end();
        // size key: the largest value and a rounder, smaller one, bottom-aligned circles
        if max > 0 {
            let small = nice_below(max / 4);
            let kx = W - 64.0;
            let base = y1 - 24.0;
            s.start("g", &[("class", "yk-map-key")]);
            for v in [max, small] {
                if v == 0 {
                    continue;
                }
                let r = radius(v, max);
                s.el(
                    "circle",
                    &[
                        ("class", "yk-key"),
                        ("cx", &f(kx)),
                        ("cy", &f(base - r)),
                        ("r", &format!("{r:.3}")),
                        ("fill", "none"),
                        ("stroke", SYMBOL_EDGE.fallback),
                        ("stroke-width", "1"),
                    ],
                );
                s.text(
                    &[
                        ("class", MUTED_TEXT.class),
                        ("x", &f(kx)),
                        ("y", &f(base - 2.0 * r - 4.0)),
                        ("text-anchor", "middle"),
                        ("font-size", "10"),
                        ("fill", MUTED_TEXT.fallback),
                    ],
                    &num::int(v as u128, lang),
                );
            }
            s.end();
        }
        // a scale bar: distances are true along both axes near the middle latitude
        if let Some((km, w)) = scale_bar(scale, 90.0) {
            let (bx, by) = (x0 + 12.0, y1 - 14.0);
            let d = format!(
                "M{} {}V{}H{}V{}",
                f(bx + 0.5),
                f(by - 5.0),
                f(by + 0.5),
                f(bx + w + 0.5),
                f(by - 5.0)
            );
            s.start("g", &[("class", "yk-scale")]);
            s.el(
                "path",
                &[
                    ("class", MUTED_TEXT.class),
                    ("d", &d),
                    ("fill", "none"),
                    ("stroke", MUTED_TEXT.fallback),
                    ("stroke-width", "1"),
                ],
            );
            s.text(
                &[
                    ("class", MUTED_TEXT.class),
                    ("x", &f(bx + w + 6.0)),
                    ("y", &f(by + 1.0)),
                    ("font-size", "10"),
                    ("fill", MUTED_TEXT.fallback),
                ],
                &format!(
                    "{} km",
                    num::decimal(km, if km < 1.0 { 1 } else { 0 }, lang)
                ),
            );
            s.end();
        }
        let (lines, _) = wrap::wrap(&self.note, ((W - 16.0) / (11.0 * 0.56)) as usize, 2);
        s.lines(
            &[
                ("class", &format!("yk-note {}", MUTED_TEXT.class)),
                ("x", "8"),
                ("y", &f(y1 + 18.0)),
                ("font-size", "11"),
                ("font-style", "italic"),
                ("fill", MUTED_TEXT.fallback),
            ],
            8.0,
            &lines,
            14.0,
        );
        s.finish()
    }

    fn table(&self) -> Table {
        let lang = self.meta.lang;
        let mut t = Table::new(
            &self.meta.title,
            &[(&self.unit_header, false), (&self.value_header, true)],
        );
        let mut pts: Vec<&MapPoint> = self.points.iter().collect();
        pts.sort_by(|a, b| b.value.cmp(&a.value).then(a.label.cmp(&b.label)));
        for p in pts {
            t.rows
                .push(vec![p.label.clone(), num::int(p.value as u128, lang)]);
        }
        t
    }
}

/// The largest 1, 2 or 5 × 10ⁿ not above `v` (0 for 0): a round value for the size key.
fn nice_below(v: u64) -> u64 {
    if v == 0 {
        return 0;
    }
    let mut mag = 1u64;
    while mag <= v / 10 {
        mag *= 10;
    }
    [5, 2, 1]
        .iter()
        .map(|m| m * mag)
        .find(|c| *c <= v)
        .unwrap_or(mag)
}

#[cfg(test)]
mod tests {
    use super::scale_bar;

    #[test]
    fn scale_bar_is_round_and_fits() {
        // 400 units per degree: 3.59 units per km, so 90 units hold 25 km -> 20 km
        let (km, w) = scale_bar(400.0, 90.0).unwrap();
        assert_eq!(km, 20.0);
        assert!((w - 20.0 * 400.0 / 111.32).abs() < 1e-9 && w <= 90.0);
        assert_eq!(scale_bar(0.0, 90.0), None);
        assert_eq!(scale_bar(f64::INFINITY, 90.0), None);
    }
}
