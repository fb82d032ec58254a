//! The editor of a draft: the document's editable text laid out as form fields, and a posted
//! form applied back to the document.
//!
//! Only text is edited. Tables, charts and quotes carry the figures and their links back to
//! the items; they are kept exactly as drafted and may only be removed (a checkbox). The
//! paragraphs between two such blocks form one text box (paragraphs separated by blank
//! lines), so that a saved draft keeps every figure where it was. A paragraph whose text is
//! unchanged keeps its runs as they were (bold, links); an edited paragraph keeps the links of
//! its figures as long as the figure's text is still in it.
//!
//! Field names: `h:{path}` a heading, `p:{path}:{k}` the k-th text box of a section, `l:{path}:{b}`
//! the list at block `b`, `x:{path}:{b}` "remove block `b`"; `{path}` is `pre` for the
//! preamble, else the section's indexes joined by dots ("2", "2.1"). A field missing from the
//! form leaves its part of the document as it is.

use std::collections::HashMap;

use ykien_docs::{Block, Document, Run, Section};

use crate::i18n::Catalog;
use crate::pages::report::excerpt;

/// One field of the editor, in document order.
pub struct Piece {
    /// "text" (paragraphs), "list" (one entry per line) or "fixed" (a table, chart or quote,
    /// kept as drafted unless removed).
    pub kind: &'static str,
    pub name: String,
    pub text: String,
    pub rows: usize,
    /// What a fixed block is ("Bảng: …").
    pub label: String,
    /// A fixed block ticked for removal.
    pub remove: bool,
}

/// A section of the editor (sub-sections follow their section, one level deeper).
pub struct EditSection {
    pub path: String,
    /// 0: the preamble (no heading), 1: a section, 2 and more: sub-sections.
    pub depth: usize,
    pub heading_name: String,
    pub heading: String,
    pub pieces: Vec<Piece>,
}

/// The header and closing fields.
pub struct EditHead {
    /// The symbol after the number ("BC-MTTQ-BTT"), as the draft prints it.
    pub symbol: String,
    pub superior_body: String,
    pub issuing_body: String,
    pub place: String,
    pub summary: String,
    pub recipients: String,
    pub recipients_rows: usize,
    pub authority: String,
    pub signer_title: String,
    pub signer: String,
}

/// What the form shows: the document's text, or what the officer typed (kept after a refusal).
pub struct Typed<'a>(pub Option<&'a HashMap<String, String>>);

impl Typed<'_> {
    fn or(&self, name: &str, drafted: String) -> String {
        self.0.and_then(|f| f.get(name).cloned()).unwrap_or(drafted)
    }

    fn ticked(&self, name: &str) -> bool {
        self.0.is_some_and(|f| f.contains_key(name))
    }
}

/// The plain text of runs.
pub fn plain(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

/// The symbol in "Số:      /BC-MTTQ-BTT" (empty when the number has none).
pub fn symbol_of(number: &str) -> &str {
    number.split_once('/').map(|(_, s)| s.trim()).unwrap_or("")
}

/// A symbol as typed, if it can be one: letters, digits and '-' only ("BC-MTTQ-BTT").
fn clean_symbol(s: &str) -> Option<String> {
    let s = s.trim().trim_start_matches('/').trim();
    (!s.is_empty() && s.len() <= 60 && s.chars().all(|c| c.is_alphanumeric() || c == '-'))
        .then(|| s.to_uppercase())
}

/// The place in "Hà Nội, ngày 05 tháng 12 năm 2026".
fn place_of(place_date: &str) -> &str {
    place_date.split(',').next().unwrap_or("").trim()
}

fn rows_for(text: &str, min: usize) -> usize {
    let lines: usize = text
        .lines()
        .map(|l| 1 + l.chars().count() / 80)
        .sum::<usize>();
    lines.clamp(min, 30)
}

pub fn head(doc: &Document, typed: &Typed) -> EditHead {
    let recipients = typed.or("recipients", doc.recipients.entries.join("\n"));
    EditHead {
        symbol: typed.or("symbol", symbol_of(&doc.header.number).to_string()),
        superior_body: typed.or("superior_body", doc.header.superior_body.clone()),
        issuing_body: typed.or("issuing_body", doc.header.issuing_body.clone()),
        place: typed.or("place", place_of(&doc.header.place_date).to_string()),
        summary: typed.or("summary", doc.summary.clone()),
        recipients_rows: rows_for(&recipients, 3),
        recipients,
        authority: typed.or("authority", doc.signature.authority.clone()),
        signer_title: typed.or("signer_title", doc.signature.title.clone()),
        signer: typed.or("signer", doc.signature.name.clone()),
    }
}

fn fixed_label(t: &Catalog, b: &Block) -> String {
    match b {
        Block::Table(tb) => format!("{}: {}", t.get("reports.block_table"), tb.caption),
        Block::Chart { caption, .. } => format!("{}: {caption}", t.get("reports.block_chart")),
        Block::Quote { text, .. } => {
            format!("{}: “{}”", t.get("reports.block_quote"), excerpt(text, 120))
        }
        Block::List { .. } | Block::Paragraph { .. } => String::new(),
    }
}

fn pieces(t: &Catalog, path: &str, blocks: &[Block], typed: &Typed) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut slot = 0;
    let mut paras: Vec<String> = Vec::new();
    let text_piece = |slot: usize, paras: &[String]| {
        let name = format!("p:{path}:{slot}");
        let text = typed.or(&name, paras.join("\n\n"));
        Piece {
            kind: "text",
            rows: rows_for(&text, 2),
            name,
            text,
            label: String::new(),
            remove: false,
        }
    };
    for (b, block) in blocks.iter().enumerate() {
        match block {
            Block::Paragraph { runs } => paras.push(plain(runs)),
            other => {
                out.push(text_piece(slot, &paras));
                slot += 1;
                paras.clear();
                if let Block::List { entries } = other {
                    let name = format!("l:{path}:{b}");
                    let drafted = entries
                        .iter()
                        .map(|e| plain(e))
                        .collect::<Vec<_>>()
                        .join("\n");
                    let text = typed.or(&name, drafted);
                    out.push(Piece {
                        kind: "list",
                        rows: rows_for(&text, 2),
                        name,
                        text,
                        label: t.get("reports.block_list").to_string(),
                        remove: false,
                    });
                } else {
                    let name = format!("x:{path}:{b}");
                    out.push(Piece {
                        kind: "fixed",
                        rows: 0,
                        remove: typed.ticked(&name),
                        name,
                        text: String::new(),
                        label: fixed_label(t, other),
                    });
                }
            }
        }
    }
    out.push(text_piece(slot, &paras));
    out
}

fn walk(
    t: &Catalog,
    sections: &[Section],
    prefix: &str,
    depth: usize,
    typed: &Typed,
    out: &mut Vec<EditSection>,
) {
    for (i, s) in sections.iter().enumerate() {
        let path = if prefix.is_empty() {
            i.to_string()
        } else {
            format!("{prefix}.{i}")
        };
        let heading_name = format!("h:{path}");
        out.push(EditSection {
            heading: typed.or(&heading_name, s.heading.clone()),
            heading_name,
            pieces: pieces(t, &path, &s.blocks, typed),
            depth,
            path: path.clone(),
        });
        walk(t, &s.subsections, &path, depth + 1, typed, out);
    }
}

/// The body's editable parts, flattened in document order.
pub fn sections(t: &Catalog, doc: &Document, typed: &Typed) -> Vec<EditSection> {
    let mut out = vec![EditSection {
        path: "pre".into(),
        depth: 0,
        heading_name: String::new(),
        heading: String::new(),
        pieces: pieces(t, "pre", &doc.preamble, typed),
    }];
    walk(t, &doc.sections, "", 1, typed, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Applying a form

/// Paragraphs typed in one box: separated by blank lines; the lines of one paragraph are
/// joined (a browser wraps long lines itself).
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() {
            if !cur.is_empty() {
                out.push(cur.join(" "));
                cur.clear();
            }
        } else {
            cur.push(l);
        }
    }
    if !cur.is_empty() {
        out.push(cur.join(" "));
    }
    out
}

/// `text` with the styled runs of `orig` (links to figures, bold) kept where their text is
/// still found, in order.
fn restyle_with(text: &str, orig: &[Run]) -> Vec<Run> {
    let mut out = Vec::new();
    let mut rest = text;
    for run in orig {
        let styled = run.href.is_some() || run.bold || run.italic;
        if !styled || run.text.trim().is_empty() {
            continue;
        }
        if let Some(pos) = rest.find(&run.text) {
            if pos > 0 {
                out.push(Run::plain(&rest[..pos]));
            }
            out.push(run.clone());
            rest = &rest[pos + run.text.len()..];
        }
    }
    if !rest.is_empty() {
        out.push(Run::plain(rest));
    }
    out
}

/// The runs of the `i`-th paragraph typed in a box whose drafted paragraphs were `orig`.
fn restyle(text: &str, i: usize, orig: &[&Vec<Run>]) -> Vec<Run> {
    if let Some(same) = orig.iter().find(|r| plain(r) == text) {
        return (*same).clone();
    }
    match orig.get(i) {
        Some(r) => restyle_with(text, r),
        None => vec![Run::plain(text)],
    }
}

fn apply_blocks(blocks: &[Block], path: &str, f: &HashMap<String, String>) -> Vec<Block> {
    let mut out = Vec::new();
    let mut slot = 0;
    let mut paras: Vec<&Vec<Run>> = Vec::new();
    let flush = |slot: usize, paras: &[&Vec<Run>], out: &mut Vec<Block>| match f
        .get(&format!("p:{path}:{slot}"))
    {
        Some(text) => {
            for (i, p) in paragraphs(text).iter().enumerate() {
                out.push(Block::Paragraph {
                    runs: restyle(p, i, paras),
                });
            }
        }
        None => out.extend(
            paras
                .iter()
                .map(|r| Block::Paragraph { runs: (*r).clone() }),
        ),
    };
    for (b, block) in blocks.iter().enumerate() {
        match block {
            Block::Paragraph { runs } => paras.push(runs),
            other => {
                flush(slot, &paras, &mut out);
                slot += 1;
                paras.clear();
                if f.contains_key(&format!("x:{path}:{b}")) {
                    continue;
                }
                match (other, f.get(&format!("l:{path}:{b}"))) {
                    (Block::List { entries }, Some(text)) => {
                        let orig: Vec<&Vec<Run>> = entries.iter().collect();
                        let new: Vec<Vec<Run>> = text
                            .lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .enumerate()
                            .map(|(i, l)| restyle(l, i, &orig))
                            .collect();
                        if !new.is_empty() {
                            out.push(Block::List { entries: new });
                        }
                    }
                    _ => out.push(other.clone()),
                }
            }
        }
    }
    flush(slot, &paras, &mut out);
    out
}

fn apply_sections(sections: &mut [Section], prefix: &str, f: &HashMap<String, String>) {
    for (i, s) in sections.iter_mut().enumerate() {
        let path = if prefix.is_empty() {
            i.to_string()
        } else {
            format!("{prefix}.{i}")
        };
        if let Some(h) = f.get(&format!("h:{path}")).map(|h| h.trim())
            && !h.is_empty()
        {
            s.heading = h.to_string();
        }
        s.blocks = apply_blocks(&s.blocks, &path, f);
        apply_sections(&mut s.subsections, &path, f);
    }
}

/// Applies a posted editor form to the draft.
pub fn apply(doc: &mut Document, f: &HashMap<String, String>) {
    let one_line = |name: &str| {
        f.get(name)
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    if let Some(sym) = f.get("symbol").and_then(|v| clean_symbol(v))
        && let Some((before, _)) = doc.header.number.split_once('/')
    {
        doc.header.number = format!("{before}/{sym}");
    }
    if let Some(v) = one_line("superior_body") {
        doc.header.superior_body = v;
    }
    if let Some(v) = one_line("issuing_body") {
        doc.header.issuing_body = v;
    }
    if let Some(v) = one_line("place").filter(|v| !v.is_empty()) {
        let rest = doc
            .header
            .place_date
            .find(',')
            .map(|i| doc.header.place_date[i..].to_string())
            .unwrap_or_default();
        doc.header.place_date = format!("{v}{rest}");
    }
    if let Some(v) = one_line("summary").filter(|v| !v.is_empty()) {
        doc.summary = v;
    }
    if let Some(v) = f.get("recipients") {
        doc.recipients.entries = v
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
    }
    if let Some(v) = one_line("authority") {
        doc.signature.authority = v;
    }
    if let Some(v) = one_line("signer_title") {
        doc.signature.title = v;
    }
    if let Some(v) = one_line("signer") {
        doc.signature.name = v;
    }
    doc.preamble = apply_blocks(&doc.preamble, "pre", f);
    apply_sections(&mut doc.sections, "", f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ykien_docs::{Header, Recipients, Signature, Table};

    fn doc() -> Document {
        Document {
            header: Header {
                superior_body: "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI".into(),
                issuing_body: "BAN THƯỜNG TRỰC".into(),
                national_title: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
                motto: "Độc lập - Tự do - Hạnh phúc".into(),
                number: "Số:      /BC-MTTQ-BTT".into(),
                place_date: "Hà Nội, ngày      tháng 12 năm 2026".into(),
                draft_mark: "DỰ THẢO".into(),
            },
            kind_title: "BÁO CÁO".into(),
            summary: "Tình hình dư luận xã hội tháng 11 năm 2026".into(),
            preamble: vec![],
            sections: vec![Section {
                heading: "I. TÌNH HÌNH CHUNG".into(),
                blocks: vec![
                    Block::Paragraph {
                        runs: vec![
                            Run::plain("Trong tháng có "),
                            Run::link("1.234", "/items?unit=01"),
                            Run::plain(" ý kiến."),
                        ],
                    },
                    Block::Table(Table {
                        caption: "Ý kiến theo lĩnh vực".into(),
                        ..Table::default()
                    }),
                    Block::Paragraph {
                        runs: vec![Run::plain("Đoạn sau bảng.")],
                    },
                ],
                subsections: vec![Section {
                    heading: "1. Giao thông".into(),
                    blocks: vec![Block::List {
                        entries: vec![vec![Run::plain("Ùn tắc")], vec![Run::plain("Đèn hỏng")]],
                    }],
                    subsections: vec![],
                }],
            }],
            recipients: Recipients {
                label: "Nơi nhận:".into(),
                entries: vec!["- Như trên;".into(), "- Lưu: VT.".into()],
            },
            signature: Signature {
                authority: "TM. BAN THƯỜNG TRỰC".into(),
                title: "CHỦ TỊCH".into(),
                name: String::new(),
            },
            footnote: String::new(),
        }
    }

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn an_empty_form_changes_nothing() {
        let mut d = doc();
        apply(&mut d, &HashMap::new());
        assert_eq!(d, doc());
    }

    #[test]
    fn the_editor_shows_text_boxes_around_fixed_blocks() {
        let t = crate::i18n::Lang::Vi.catalog();
        let s = sections(t, &doc(), &Typed(None));
        assert_eq!(s.len(), 3, "preamble, section, subsection");
        assert_eq!(s[1].path, "0");
        assert_eq!(s[2].path, "0.0");
        let kinds: Vec<&str> = s[1].pieces.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, ["text", "fixed", "text"]);
        assert_eq!(s[1].pieces[0].name, "p:0:0");
        assert_eq!(s[1].pieces[0].text, "Trong tháng có 1.234 ý kiến.");
        assert_eq!(s[1].pieces[1].name, "x:0:1");
        assert!(s[1].pieces[1].label.contains("Ý kiến theo lĩnh vực"));
        assert_eq!(s[2].pieces[1].kind, "list");
        assert_eq!(s[2].pieces[1].text, "Ùn tắc\nĐèn hỏng");
        let h = head(&doc(), &Typed(None));
        assert_eq!(h.place, "Hà Nội");
        assert_eq!(h.symbol, "BC-MTTQ-BTT");
        assert_eq!(h.recipients, "- Như trên;\n- Lưu: VT.");
    }

    #[test]
    fn edited_paragraphs_keep_their_figures_links_and_fixed_blocks_stay_put() {
        let mut d = doc();
        let f = form(&[
            (
                "p:0:0",
                "Trong tháng 11 có tất cả 1.234 ý kiến\ncủa Nhân dân.\n\nMột đoạn mới.",
            ),
            ("p:0:1", "Đoạn sau bảng."),
            ("place", "  Hà   Nội "),
            ("signer", "Nguyễn Văn A"),
            ("symbol", " bc-mttq-bđ "),
            ("recipients", "- Ban Thường trực;\n\n- Lưu: VT."),
        ]);
        apply(&mut d, &f);
        let b = &d.sections[0].blocks;
        assert_eq!(b.len(), 4);
        let Block::Paragraph { runs } = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(
            plain(runs),
            "Trong tháng 11 có tất cả 1.234 ý kiến của Nhân dân."
        );
        assert_eq!(runs[1].href.as_deref(), Some("/items?unit=01"));
        assert_eq!(runs[1].text, "1.234");
        assert!(matches!(&b[1], Block::Paragraph { runs } if plain(runs) == "Một đoạn mới."));
        assert!(matches!(&b[2], Block::Table(_)));
        assert_eq!(b[3], doc().sections[0].blocks[2]);
        assert_eq!(d.header.place_date, "Hà Nội, ngày      tháng 12 năm 2026");
        assert_eq!(d.signature.name, "Nguyễn Văn A");
        assert_eq!(d.header.number, "Số:      /BC-MTTQ-BĐ");
        let mut bad = doc();
        apply(&mut bad, &form(&[("symbol", "BC MTTQ; <x>")]));
        assert_eq!(
            bad.header.number,
            doc().header.number,
            "not a symbol: ignored"
        );
        assert_eq!(d.recipients.entries, ["- Ban Thường trực;", "- Lưu: VT."]);
    }

    #[test]
    fn blocks_are_removed_and_lists_edited() {
        let mut d = doc();
        apply(
            &mut d,
            &form(&[
                ("x:0:1", "1"),
                ("l:0.0:0", "Ùn tắc\nNgập úng\n"),
                ("h:0.0", "1. Hạ tầng"),
            ]),
        );
        assert!(
            !d.sections[0]
                .blocks
                .iter()
                .any(|b| matches!(b, Block::Table(_)))
        );
        assert_eq!(d.sections[0].blocks.len(), 2);
        let sub = &d.sections[0].subsections[0];
        assert_eq!(sub.heading, "1. Hạ tầng");
        let Block::List { entries } = &sub.blocks[0] else {
            panic!()
        };
        let texts: Vec<String> = entries.iter().map(|e| plain(e)).collect();
        assert_eq!(texts, ["Ùn tắc", "Ngập úng"]);
    }

    #[test]
    fn paragraphs_are_split_on_blank_lines() {
        assert_eq!(
            paragraphs("a\r\nb\r\n\r\n\r\n  c  \n"),
            vec!["a b".to_string(), "c".to_string()]
        );
        assert!(paragraphs(" \n \n").is_empty());
    }
}
