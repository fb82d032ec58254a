//! Fitting long Vietnamese labels ("Ô nhiễm môi trường và xử lý rác thải sinh hoạt") into a
//! label column: word wrap to a few lines, the last one cut with "…". Widths are estimated
//! (no font metrics on the server): an average sans-serif glyph is about 0.56 em, and
//! Vietnamese diacritics stack vertically, so they do not widen a syllable.

/// Rough width of `s` in user units at `font_size`.
pub(crate) fn width(s: &str, font_size: f64) -> f64 {
    s.chars().count() as f64 * font_size * 0.56
}

/// Lines of at most `max_chars`, at most `max_lines`; true when something was cut.
pub(crate) fn wrap(s: &str, max_chars: usize, max_lines: usize) -> (Vec<String>, bool) {
    let max_chars = max_chars.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cut = false;
    // a word longer than a line is cut into line-sized pieces first
    let words: Vec<String> = s
        .split_whitespace()
        .flat_map(|w| {
            let cs: Vec<char> = w.chars().collect();
            cs.chunks(max_chars)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let (cur_len, w_len) = (cur.chars().count(), w.chars().count());
        if cur.is_empty() {
            cur.push_str(w);
            i += 1;
        } else if cur_len + 1 + w_len <= max_chars {
            cur.push(' ');
            cur.push_str(w);
            i += 1;
        } else {
            lines.push(std::mem::take(&mut cur));
            if lines.len() == max_lines {
                cut = true;
                break;
            }
        }
    }
    if !cut && !cur.is_empty() {
        if lines.len() < max_lines {
            lines.push(cur);
        } else {
            cut = true;
        }
    }
    if cut && let Some(last) = lines.last_mut() {
        let keep: String = last.chars().take(max_chars.saturating_sub(1)).collect();
        *last = format!("{}…", keep.trim_end());
    }
    (lines, cut)
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_and_cuts() {
        assert_eq!(
            wrap("Giao thông", 20, 2),
            (vec!["Giao thông".to_string()], false)
        );
        let (l, cut) = wrap(
            "Ô nhiễm môi trường và xử lý rác thải sinh hoạt ở khu dân cư",
            20,
            2,
        );
        assert_eq!(l.len(), 2);
        assert!(cut && l[1].ends_with('…'), "{l:?}");
        assert!(l.iter().all(|x| x.chars().count() <= 20), "{l:?}");
        let (l, cut) = wrap(&"x".repeat(50), 20, 2);
        assert!(cut && l.len() == 2 && l[1].chars().count() == 20, "{l:?}");
        assert_eq!(wrap("", 20, 2), (vec![], false));
    }
}
