//! Text widths from the bundled Liberation Serif (metric-compatible with Times New Roman,
//! so a width measured here is the width Word draws). DOCX needs them because its rules are
//! paragraph borders whose length we must set ourselves: the motto's rule "as long as the
//! text" and the issuing body's rule of 1/3–1/2 of its line (HTML and typst measure the text
//! themselves). A minimal reader of the `head`, `hhea`, `hmtx` and `cmap` (formats 4 and 12)
//! tables: no kerning, which Times' capitals barely use.

use std::sync::OnceLock;

pub(crate) static REGULAR: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../fonts/LiberationSerif-Bold.ttf");
#[cfg(feature = "pdf")]
pub(crate) static ITALIC: &[u8] = include_bytes!("../fonts/LiberationSerif-Italic.ttf");
#[cfg(feature = "pdf")]
pub(crate) static BOLD_ITALIC: &[u8] = include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf");

/// Advance widths of one font, per char, in font units.
pub(crate) struct Metrics {
    units_per_em: f64,
    advances: std::collections::HashMap<char, u16>,
    default_advance: u16,
}

fn u16_at(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(o)?, *d.get(o + 1)?]))
}

fn u32_at(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *d.get(o)?,
        *d.get(o + 1)?,
        *d.get(o + 2)?,
        *d.get(o + 3)?,
    ]))
}

fn table<'a>(d: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let n = u16_at(d, 4)? as usize;
    (0..n).find_map(|i| {
        let rec = 12 + 16 * i;
        if d.get(rec..rec + 4)? == tag {
            let off = u32_at(d, rec + 8)? as usize;
            let len = u32_at(d, rec + 12)? as usize;
            d.get(off..off.checked_add(len)?)
        } else {
            None
        }
    })
}

/// char → glyph id from the best Unicode subtable (format 12, else format 4).
fn glyph_map(cmap: &[u8]) -> Option<Vec<(char, u16)>> {
    let n = u16_at(cmap, 2)? as usize;
    let mut best: Option<(u16, usize)> = None;
    for i in 0..n {
        let rec = 4 + 8 * i;
        let (platform, encoding) = (u16_at(cmap, rec)?, u16_at(cmap, rec + 2)?);
        let off = u32_at(cmap, rec + 4)? as usize;
        let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10));
        if !unicode {
            continue;
        }
        let format = u16_at(cmap, off)?;
        if (format == 12 || format == 4) && best.is_none_or(|(f, _)| format > f) {
            best = Some((format, off));
        }
    }
    let (format, off) = best?;
    let sub = cmap.get(off..)?;
    let mut out = Vec::new();
    if format == 12 {
        let groups = u32_at(sub, 12)? as usize;
        for g in 0..groups {
            let o = 16 + 12 * g;
            let (start, end, gid) = (u32_at(sub, o)?, u32_at(sub, o + 4)?, u32_at(sub, o + 8)?);
            for cp in start..=end.min(start + 0xFFFF) {
                if let Some(c) = char::from_u32(cp) {
                    out.push((c, (gid + cp - start) as u16));
                }
            }
        }
    } else {
        let segs = u16_at(sub, 6)? as usize / 2;
        let ends = 14;
        let starts = ends + 2 * segs + 2;
        let deltas = starts + 2 * segs;
        let ranges = deltas + 2 * segs;
        for s in 0..segs {
            let end = u16_at(sub, ends + 2 * s)?;
            let start = u16_at(sub, starts + 2 * s)?;
            let delta = u16_at(sub, deltas + 2 * s)?;
            let range = u16_at(sub, ranges + 2 * s)?;
            for cp in start..=end {
                if cp == 0xFFFF {
                    break;
                }
                let gid = if range == 0 {
                    cp.wrapping_add(delta)
                } else {
                    let o = ranges + 2 * s + range as usize + 2 * (cp - start) as usize;
                    match u16_at(sub, o)? {
                        0 => 0,
                        g => g.wrapping_add(delta),
                    }
                };
                if let Some(c) = char::from_u32(cp as u32) {
                    out.push((c, gid));
                }
            }
        }
    }
    Some(out)
}

impl Metrics {
    fn parse(font: &[u8]) -> Option<Metrics> {
        let head = table(font, b"head")?;
        let hhea = table(font, b"hhea")?;
        let hmtx = table(font, b"hmtx")?;
        let cmap = table(font, b"cmap")?;
        let units_per_em = f64::from(u16_at(head, 18)?);
        let long = u16_at(hhea, 34)? as usize;
        let advance = |gid: u16| {
            let i = (gid as usize).min(long.saturating_sub(1));
            u16_at(hmtx, 4 * i)
        };
        let advances = glyph_map(cmap)?
            .into_iter()
            .filter_map(|(c, g)| Some((c, advance(g)?)))
            .collect();
        Some(Metrics {
            units_per_em,
            advances,
            default_advance: advance(0)?,
        })
    }

    /// Width of `text` at `size_pt`, in points.
    pub(crate) fn width_pt(&self, text: &str, size_pt: f64) -> f64 {
        let units: u64 = text
            .chars()
            .filter(|c| !is_combining(*c))
            .map(|c| u64::from(*self.advances.get(&c).unwrap_or(&self.default_advance)))
            .sum();
        units as f64 / self.units_per_em * size_pt
    }
}

/// Combining marks take no advance (text that was not NFC-normalised upstream).
fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

/// Metrics of the regular or the bold face, parsed once.
pub(crate) fn metrics(bold: bool) -> &'static Metrics {
    static R: OnceLock<Metrics> = OnceLock::new();
    static B: OnceLock<Metrics> = OnceLock::new();
    let (cell, bytes) = if bold { (&B, BOLD) } else { (&R, REGULAR) };
    cell.get_or_init(|| {
        Metrics::parse(bytes).unwrap_or(Metrics {
            units_per_em: 2048.0,
            advances: Default::default(),
            // A Times capital is about 0.7 em: the fallback if parsing ever failed.
            default_advance: 1434,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_times_widths() {
        let r = metrics(false);
        // Times New Roman (and so Liberation Serif): "M" 0.889 em, "i" 0.278 em, space 0.25 em.
        assert!((r.width_pt("M", 1000.0) - 889.0).abs() < 1.0);
        assert!((r.width_pt("i", 1000.0) - 278.0).abs() < 1.0);
        assert!((r.width_pt(" ", 1000.0) - 250.0).abs() < 1.0);
        // Vietnamese letters are in the map (no fallback width): "Ộ" is as wide as "O".
        let b = metrics(true);
        assert!((b.width_pt("Ộ", 10.0) - b.width_pt("O", 10.0)).abs() < 0.01);
        assert!(b.advances.contains_key(&'ự'));
        let national = b.width_pt("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13.0);
        assert!(national > 200.0 && national < 280.0, "{national}");
    }
}
