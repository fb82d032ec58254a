//! The charts that ykien's dashboard and its reports share, drawn on the server as SVG
//! strings: a time series against the previous period, horizontal bars with the change,
//! 100 % sentiment bars, and a map of units as proportional circles at their centroids.
//! Each chart also gives the same figures as a [`Table`], so that the web page and the
//! report can print a text alternative next to it.
//!
//! Pure: no I/O, no async. Strings in, strings out; the caller passes every word the
//! reader sees (titles, legends, "no data", the map note) already in the UI language, so
//! the i18n catalogues stay in ykien-web. Only numbers and dates are formatted here
//! ([`num`]), the Vietnamese way (1.234, 12,5, dd/mm) or the English way.
//!
//! # Why hand-written SVG and not plotters
//!
//! DESIGN.md planned plotters (SVG backend only). Its `SVGBackend` (plotters-svg 0.3.7)
//! cannot give what these charts must have, and would need its output patched as text:
//! - the root is written as `<svg width=W height=H viewBox=…>` with no way to add
//!   `role="img"`, `aria-labelledby`, `<title>` or `<desc>`, nor `width="100%"`;
//! - every element gets an inline `fill="#RRGGBB" opacity=…` and no `class`, so the web UI
//!   cannot theme a chart and print cannot restyle it;
//! - coordinates are integers (`i32`, circle radius `u32`): small proportional circles
//!   lose their area ∝ value, and half-pixel alignment for crisp 1-px lines is impossible;
//! - dashed series are drawn as many short `<line>`s instead of one `stroke-dasharray`, and
//!   no element can carry a `<title>` (the hover text for a bar or a point);
//! - text layout (ticks, legends) needs a font feature (`ttf`/`ab_glyph`) to measure text.
//!
//! Its build cost was not the problem: with `default-features = false` and
//! `svg_backend`, `line_series` it is 4 crates and a cold debug build of about 9 s on the
//! 2-core machine (measured 2026-11-29). But a probe's 10-point line chart came out as
//! 18.8 KB with no `class` at all and a `<line>` per grid step. What we need is small:
//! rectangles, circles, polylines and text in a fixed viewBox, so a builder of under 200
//! lines (the private `svg` module) that escapes every string is simpler than a patched
//! plotters, and drops a dependency.
//!
//! # What every chart has
//! `role="img"`, `aria-labelledby` (the `<title>`) and `aria-describedby` (the `<desc>`),
//! a fixed `viewBox` with `width="100%"`, text as `<text>`, colours from CSS classes
//! (`yk-…`, see [`palette`]) with inline presentation-attribute fallbacks that meet WCAG AA
//! on white (a class rule in a stylesheet overrides a presentation attribute, so themes win),
//! no `style` attributes (a strict CSP blocks them), and a "no data" face for empty input.

mod bars;
mod map;
pub mod num;
pub mod palette;
mod stacked;
mod svg;
mod table;
mod ticks;
mod timeseries;
mod wrap;

pub use bars::{BarRow, Bars};
pub use map::{MapPoint, UnitMap};
pub use stacked::{SentimentBars, SentimentRow};
pub use table::{Column, Table};
pub use timeseries::{Step, TimeSeries};

/// Language of numbers and dates. Words come from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

/// What every chart carries, in the UI language.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// Unique on the page: several inline SVGs must not share the ids that
    /// `aria-labelledby` points at. Anything but `[A-Za-z0-9_-]` is dropped.
    pub id: String,
    /// The accessible name (`<title>`).
    pub title: String,
    /// The summary a screen reader reads (`<desc>`), e.g. "Tăng 12 % so với kỳ trước".
    pub desc: String,
    /// Shown in place of the chart when there is nothing to draw.
    pub no_data: String,
    pub lang: Lang,
}

/// A chart: the SVG and the same data as a table for a text alternative.
pub trait Chart {
    /// The SVG document (no XML declaration), ready to inline in HTML or to hand to typst.
    fn svg(&self) -> String;
    /// The figures drawn, as rows and cells of plain text (no HTML).
    fn table(&self) -> Table;
}
