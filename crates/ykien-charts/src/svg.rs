//! A tiny SVG writer. Every string that reaches the output goes through [`esc`], so a
//! topic named `<b> & "x"` is text, never markup, and characters XML 1.0 forbids are dropped.

use crate::Meta;
use std::fmt::Write;

/// Escapes text and attribute values; drops characters XML 1.0 does not allow.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most two decimals and no trailing zeros; never `NaN`.
pub(crate) fn f(x: f64) -> String {
    if !x.is_finite() {
        return "0".to_string();
    }
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Only `[A-Za-z0-9_-]`, starting with a letter, so it is a valid XML id.
pub(crate) fn id(raw: &str) -> String {
    let clean: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if clean.starts_with(|c: char| c.is_ascii_alphabetic()) {
        clean
    } else {
        format!("yk-{clean}")
    }
}

pub(crate) const FONT: &str = "system-ui, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif";

pub(crate) struct Svg {
    buf: String,
    open: Vec<&'static str>,
}

impl Svg {
    /// The root element with its accessible name and summary.
    pub(crate) fn new(meta: &Meta, kind: &str, w: f64, h: f64) -> Svg {
        let id = id(&meta.id);
        let mut s = Svg {
            buf: String::with_capacity(4096),
            open: Vec::new(),
        };
        let _ = write!(
            s.buf,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"100%\" \
             role=\"img\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" \
             class=\"yk-chart yk-chart-{}\" font-family=\"{}\" font-size=\"12\">",
            f(w),
            f(h),
            esc(kind),
            esc(FONT)
        );
        s.open.push("svg");
        let _ = write!(
            s.buf,
            "<title id=\"{id}-title\">{}</title>",
            esc(&meta.title)
        );
        let _ = write!(s.buf, "<desc id=\"{id}-desc\">{}</desc>", esc(&meta.desc));
        s
    }

    fn attrs(&mut self, attrs: &[(&str, &str)]) {
        for (k, v) in attrs {
            let _ = write!(self.buf, " {k}=\"{}\"", esc(v));
        }
    }

    /// An empty element: `<rect …/>`.
    pub(crate) fn el(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.attrs(attrs);
        self.buf.push_str("/>");
    }

    /// An element with a hover text (`<title>` child), e.g. a bar or a point.
    pub(crate) fn el_titled(&mut self, name: &'static str, attrs: &[(&str, &str)], title: &str) {
        self.start(name, attrs);
        self.title(title);
        self.end();
    }

    pub(crate) fn start(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.attrs(attrs);
        self.buf.push('>');
        self.open.push(name);
    }

    pub(crate) fn end(&mut self) {
        if let Some(name) = self.open.pop() {
            let _ = write!(self.buf, "</{name}>");
        }
    }

    pub(crate) fn title(&mut self, t: &str) {
        let _ = write!(self.buf, "<title>{}</title>", esc(t));
    }

    /// `<text …>content</text>`.
    pub(crate) fn text(&mut self, attrs: &[(&str, &str)], content: &str) {
        self.start("text", attrs);
        self.buf.push_str(&esc(content));
        self.end();
    }

    /// Multi-line text: one `<tspan>` per line, `line_h` apart.
    pub(crate) fn lines(&mut self, attrs: &[(&str, &str)], x: f64, lines: &[String], line_h: f64) {
        self.start("text", attrs);
        for (i, l) in lines.iter().enumerate() {
            let dy = if i == 0 { "0".to_string() } else { f(line_h) };
            let _ = write!(
                self.buf,
                "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                f(x),
                dy,
                esc(l)
            );
        }
        self.end();
    }

    pub(crate) fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        self.buf
    }
}

/// The face of a chart with nothing to draw: a frame and the caller's "no data" text.
pub(crate) fn no_data(meta: &Meta, kind: &str, w: f64, h: f64) -> String {
    use crate::palette::{EMPTY_FRAME, MUTED_TEXT};
    let mut s = Svg::new(meta, &format!("{kind} yk-chart-empty"), w, h);
    s.el(
        "rect",
        &[
            ("class", EMPTY_FRAME.class),
            ("x", "0.5"),
            ("y", "0.5"),
            ("width", &f(w - 1.0)),
            ("height", &f(h - 1.0)),
            ("fill", "none"),
            ("stroke", EMPTY_FRAME.fallback),
            ("stroke-dasharray", "4 4"),
        ],
    );
    s.text(
        &[
            ("class", MUTED_TEXT.class),
            ("x", &f(w / 2.0)),
            ("y", &f(h / 2.0)),
            ("text-anchor", "middle"),
            ("dominant-baseline", "middle"),
            ("font-size", "14"),
            ("fill", MUTED_TEXT.fallback),
        ],
        &meta.no_data,
    );
    s.finish()
}
