//! DOCX rendering with docx-rs: a file the recipient can edit in Word or LibreOffice, in
//! the layout of Decree 30/2020/NĐ-CP. LibreOffice is not needed to write it.
//!
//! - Fonts: every run names "Times New Roman" for all four scripts (ascii, hAnsi, cs,
//!   eastAsia), so Word uses the real font; LibreOffice substitutes the metric-compatible
//!   Liberation Serif. Nothing is embedded.
//! - The header is a borderless 2 × 2 table (issuing body | national title and motto;
//!   number | place and date), the closing block a borderless 1 × 2 table (recipients |
//!   signature): tables keep the columns when someone edits the text, tab stops would not.
//! - The rules under the issuing body, the motto and the summary are empty paragraphs with a
//!   top border, indented to the length the decree asks for; the text widths come from the
//!   bundled font's metrics ([`crate::metrics`]).
//! - Page numbers: a PAGE field centred in the page header, with a different (empty) first
//!   page header, so page 1 has no number.
//! - Charts: DOCX gets the chart's table with its caption, not the picture. The stack has no
//!   SVG rasteriser (typst draws SVG only into its own PDF), and Word's SVG support needs a
//!   PNG fallback anyway; the table carries the same figures and stays editable.
//! - Links: a run or cell with a link becomes a hyperlink when the link is absolute (or made
//!   absolute by [`RenderOptions::base_url`]); otherwise plain text.
//! - The footnote (how ykien drafted the document) is left out: the DOCX is the version
//!   officers edit and sign.

use crate::layout::*;
use crate::metrics::metrics;
use crate::{Block, Cell, DocsError, Document, RenderOptions, Run as DocRun, Section, Table};
use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Header, Hyperlink, HyperlinkType, InstrPAGE,
    InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Tab, TabValueType,
    Table as DTable, TableCell, TableCellMargins, TableLayoutType, TableRow, TextBorder, WidthType,
};

/// One twentieth of a point per unit.
fn pt_twip(pt: f64) -> u32 {
    (pt * 20.0).round() as u32
}

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT_FAMILY)
        .hi_ansi(FONT_FAMILY)
        .cs(FONT_FAMILY)
        .east_asia(FONT_FAMILY)
}

/// A run in our font at `pt`.
fn run(text: &str, pt: f64) -> Run {
    Run::new()
        .add_text(clean(text).into_owned())
        .fonts(fonts())
        .size(pt_to_half(pt))
}

/// Line spacing of the body: LINE_EM as a multiple of Word's "single" (1.15 em for Times).
fn body_spacing(after_pt: f64) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line((LINE_EM / 1.15 * 240.0).round() as i32)
        .before(0)
        .after(pt_twip(after_pt))
}

/// Single spacing with nothing before or after (header and closing blocks).
fn tight(after_pt: f64) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(240)
        .before(0)
        .after(pt_twip(after_pt))
}

fn centred(text: &str, pt: f64, bold: bool, italic: bool) -> Paragraph {
    let mut r = run(text, pt);
    if bold {
        r = r.bold();
    }
    if italic {
        r = r.italic();
    }
    Paragraph::new()
        .add_run(r)
        .align(AlignmentType::Center)
        .line_spacing(tight(0.0))
}

/// A horizontal rule of `len_twip`, centred in a box `box_twip` wide: an empty paragraph
/// with a top border and equal indents. Its own line is 3 pt high so it sits close to the
/// text above.
fn rule(len_twip: i32, box_twip: i32, after_pt: f64) -> Paragraph {
    let side = ((box_twip - len_twip) / 2).max(0);
    let mut p = Paragraph::new()
        .align(AlignmentType::Center)
        .indent(Some(side), None, Some(side), None)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(pt_twip(3.0) as i32)
                .before(pt_twip(2.0))
                .after(pt_twip(after_pt)),
        )
        .size(pt_to_half(2.0));
    // `ParagraphBorders::default()` has all four sides: start from none, add the top.
    p.property = p.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Top)
                .val(BorderType::Single)
                .size(4) // eighths of a point: 0.5 pt
                .space(0)
                .color("000000"),
        ),
    );
    p
}

/// Width in twips of `text` at `pt`, never more than `max` (a long name wraps; its rule
/// then follows the full line).
fn text_twip(text: &str, pt: f64, bold: bool, max: i32) -> i32 {
    ((metrics(bold).width_pt(text, pt) * 20.0).round() as i32).min(max)
}

/// The cell of a borderless layout table.
fn layout_cell(width: i32) -> TableCell {
    TableCell::new().width(width as usize, WidthType::Dxa)
}

fn layout_table(widths: &[i32], rows: Vec<TableRow>) -> DTable {
    DTable::without_borders(rows)
        .set_grid(widths.iter().map(|w| *w as usize).collect())
        .width(widths.iter().sum::<i32>() as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(0, 0, 0, 0))
        .indent(0)
}

fn header_table(doc: &Document) -> DTable {
    let h = &doc.header;
    let (lw, rw) = (mm_to_twip(HEADER_LEFT_MM), mm_to_twip(HEADER_RIGHT_MM));
    let mut left = layout_cell(lw);
    if !h.superior_body.trim().is_empty() {
        left = left.add_paragraph(centred(&caps(&h.superior_body), PT_SUPERIOR, false, false));
    }
    let issuer = caps(&h.issuing_body);
    left = left.add_paragraph(centred(&issuer, PT_ISSUER, true, false));
    let issuer_w = text_twip(&issuer, PT_ISSUER, true, lw);
    left = left.add_paragraph(rule((issuer_w as f64 * SHORT_RULE_RATIO) as i32, lw, 0.0));

    let motto = clean(&h.motto).into_owned();
    let right = layout_cell(rw)
        .add_paragraph(centred(&caps(&h.national_title), PT_NATIONAL, true, false))
        .add_paragraph(centred(&motto, PT_MOTTO, true, false))
        .add_paragraph(rule(text_twip(&motto, PT_MOTTO, true, rw), rw, 0.0));

    let number = layout_cell(lw).add_paragraph(
        centred(&h.number, PT_NUMBER, false, false).line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Auto)
                .line(240)
                .before(pt_twip(6.0)),
        ),
    );
    let date = layout_cell(rw).add_paragraph(
        centred(&h.place_date, PT_PLACE_DATE, false, true).line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Auto)
                .line(240)
                .before(pt_twip(6.0)),
        ),
    );
    layout_table(
        &[lw, rw],
        vec![
            TableRow::new(vec![left, right]),
            TableRow::new(vec![number, date]),
        ],
    )
}

/// Runs of a paragraph, with hyperlinks where the link is absolute.
fn add_runs(mut p: Paragraph, rs: &[DocRun], pt: f64, opts: &RenderOptions) -> Paragraph {
    for r in rs {
        let mut x = run(&r.text, pt);
        if r.bold {
            x = x.bold();
        }
        if r.italic {
            x = x.italic();
        }
        match absolute_href(r.href.as_deref(), opts.base_url.as_deref()) {
            Some(url) => {
                p = p.add_hyperlink(
                    Hyperlink::new(url, HyperlinkType::External)
                        .add_run(x.underline("single").color("1F3F8F")),
                )
            }
            None => p = p.add_run(x),
        }
    }
    p
}

fn body_paragraph() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(mm_to_twip(INDENT_CM * 10.0))),
            None,
            None,
        )
        .line_spacing(body_spacing(PARA_AFTER_PT))
}

/// Column widths for a data table: in proportion to the longest text of each column
/// (header words count less: they wrap), numeric columns at least wide enough for figures.
pub(crate) fn column_widths(t: &Table, total: i32) -> Vec<i32> {
    let n = t
        .columns
        .len()
        .max(t.rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1);
    let mut want: Vec<f64> = (0..n)
        .map(|i| {
            let head = t
                .columns
                .get(i)
                .map(|c| c.header.chars().count() as f64 * 0.6)
                .unwrap_or(0.0);
            let cells = t
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.text.chars().count() as f64)
                .fold(0.0, f64::max);
            head.max(cells).clamp(4.0, 40.0)
        })
        .collect();
    let sum: f64 = want.iter().sum();
    for w in &mut want {
        *w = *w / sum * total as f64;
    }
    let mut out: Vec<i32> = want.iter().map(|w| w.round() as i32).collect();
    let diff = total - out.iter().sum::<i32>();
    if let Some(last) = out.last_mut() {
        *last += diff;
    }
    out
}

fn data_cell(c: &Cell, numeric: bool, header: bool, width: i32, opts: &RenderOptions) -> TableCell {
    let align = if header {
        AlignmentType::Center
    } else if numeric {
        AlignmentType::Right
    } else {
        AlignmentType::Left
    };
    let r = DocRun {
        text: c.text.clone(),
        bold: header,
        italic: false,
        href: c.href.clone(),
    };
    let p = add_runs(
        Paragraph::new().align(align).line_spacing(tight(0.0)),
        std::slice::from_ref(&r),
        PT_TABLE,
        opts,
    );
    TableCell::new()
        .width(width as usize, WidthType::Dxa)
        .add_paragraph(p)
}

fn caption(text: &str) -> Paragraph {
    centred(text, PT_CAPTION, true, false)
        .keep_next(true)
        .line_spacing(tight(4.0).before(pt_twip(6.0)))
}

fn data_table(t: &Table, opts: &RenderOptions) -> DTable {
    let total = mm_to_twip(TEXT_W_MM);
    let widths = column_widths(t, total);
    let mut rows = Vec::with_capacity(t.rows.len() + 1);
    if !t.columns.is_empty() {
        let cells = t
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| data_cell(&Cell::plain(c.header.clone()), false, true, *w, opts))
            .collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    for row in &t.rows {
        let cells = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let numeric = t.columns.get(i).is_some_and(|c| c.numeric);
                let empty = Cell::default();
                data_cell(row.get(i).unwrap_or(&empty), numeric, false, *w, opts)
            })
            .collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    DTable::new(rows)
        .set_grid(widths.iter().map(|w| *w as usize).collect())
        .width(total as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(30, 80, 30, 80))
}

/// What one body block adds: paragraphs and tables, in order.
enum Piece {
    P(Box<Paragraph>),
    T(Box<DTable>),
}

fn block(b: &Block, opts: &RenderOptions, out: &mut Vec<Piece>) {
    match b {
        Block::Paragraph { runs } => {
            out.push(Piece::P(Box::new(add_runs(
                body_paragraph(),
                runs,
                PT_BODY,
                opts,
            ))));
        }
        Block::List { entries } => {
            for e in entries {
                let p = body_paragraph().add_run(run("- ", PT_BODY));
                out.push(Piece::P(Box::new(add_runs(p, e, PT_BODY, opts))));
            }
        }
        Block::Quote {
            text,
            attribution,
            href,
        } => {
            let indent = mm_to_twip(INDENT_CM * 10.0);
            let q = Paragraph::new()
                .align(AlignmentType::Both)
                .indent(Some(indent), None, None, None)
                .line_spacing(body_spacing(if attribution.trim().is_empty() {
                    PARA_AFTER_PT
                } else {
                    0.0
                }))
                .add_run(run(&format!("“{text}”"), PT_BODY).italic());
            out.push(Piece::P(Box::new(q)));
            if !attribution.trim().is_empty() {
                let who = DocRun {
                    text: format!("({attribution})"),
                    italic: true,
                    href: href.clone(),
                    ..DocRun::default()
                };
                let p = Paragraph::new()
                    .align(AlignmentType::Right)
                    .line_spacing(body_spacing(PARA_AFTER_PT));
                out.push(Piece::P(Box::new(add_runs(p, &[who], PT_BODY - 1.0, opts))));
            }
        }
        Block::Table(t) => {
            if !t.caption.trim().is_empty() {
                out.push(Piece::P(Box::new(caption(&t.caption))));
            }
            out.push(Piece::T(Box::new(data_table(t, opts))));
            out.push(Piece::P(Box::new(spacer())));
        }
        Block::Chart {
            caption: c,
            table: t,
            ..
        } => {
            let text = if c.trim().is_empty() { &t.caption } else { c };
            if !text.trim().is_empty() {
                out.push(Piece::P(Box::new(caption(text))));
            }
            out.push(Piece::T(Box::new(data_table(t, opts))));
            out.push(Piece::P(Box::new(spacer())));
        }
    }
}

/// A small empty paragraph after a table, so the next paragraph does not touch it.
fn spacer() -> Paragraph {
    Paragraph::new()
        .size(pt_to_half(6.0))
        .line_spacing(tight(0.0))
}

fn section(s: &Section, opts: &RenderOptions, out: &mut Vec<Piece>) {
    let h = body_paragraph()
        .keep_next(true)
        .add_run(run(&s.heading, PT_BODY).bold());
    out.push(Piece::P(Box::new(h)));
    for b in &s.blocks {
        block(b, opts, out);
    }
    for sub in &s.subsections {
        section(sub, opts, out);
    }
}

fn closing_table(doc: &Document) -> DTable {
    let (lw, rw) = (mm_to_twip(CLOSING_LEFT_MM), mm_to_twip(CLOSING_RIGHT_MM));
    let r = &doc.recipients;
    let mut left = layout_cell(lw);
    let label = Paragraph::new()
        .align(AlignmentType::Left)
        .line_spacing(tight(0.0))
        .add_run(run(&r.label, PT_RECIPIENTS_LABEL).bold().italic());
    left = left.add_paragraph(label);
    for e in &r.entries {
        left = left.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Left)
                .line_spacing(tight(0.0))
                .add_run(run(e, PT_RECIPIENTS)),
        );
    }
    let s = &doc.signature;
    let mut right = layout_cell(rw);
    for line in [&s.authority, &s.title] {
        if !line.trim().is_empty() {
            right = right.add_paragraph(centred(&caps(line), PT_SIGNATURE, true, false));
        }
    }
    // The space for the hand signature and the seal.
    right = right.add_paragraph(
        Paragraph::new().line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(mm_to_twip(SIGNATURE_SPACE_MM)),
        ),
    );
    right = right.add_paragraph(centred(&s.name, PT_SIGNATURE, true, false));
    layout_table(
        &[lw, rw],
        vec![TableRow::new(vec![left, right]).cant_split()],
    )
}

/// Page header from page 2 on: the number centred; the draft mark at the right margin.
fn page_header(draft: &str, with_number: bool) -> Header {
    let text_w = mm_to_twip(TEXT_W_MM) as usize;
    let mut p = Paragraph::new()
        .add_tab(Tab::new().val(TabValueType::Center).pos(text_w / 2))
        .add_tab(Tab::new().val(TabValueType::Right).pos(text_w))
        .line_spacing(tight(0.0));
    p = p.add_run(Run::new().add_tab());
    if with_number {
        let pt = pt_to_half(PT_PAGE_NUMBER);
        p = p.add_run(
            Run::new()
                .fonts(fonts())
                .size(pt)
                .add_field_char(FieldCharType::Begin, false)
                .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
                .add_field_char(FieldCharType::Separate, false)
                .add_text("2")
                .add_field_char(FieldCharType::End, false),
        );
    }
    if !draft.trim().is_empty() {
        p = p.add_run(Run::new().add_tab()).add_run(
            run(&caps(draft), PT_DRAFT).bold().text_border(
                TextBorder::new()
                    .border_type(BorderType::Single)
                    .size(8)
                    .space(2)
                    .color("000000"),
            ),
        );
    }
    Header::new().add_paragraph(p)
}

/// Renders `doc` as a DOCX file.
pub fn render(doc: &Document, opts: &RenderOptions) -> Result<Vec<u8>, DocsError> {
    let mut d = Docx::new()
        .page_size(mm_to_twip(PAGE_W_MM) as u32, mm_to_twip(PAGE_H_MM) as u32)
        .page_margin(
            PageMargin::new()
                .top(mm_to_twip(MARGIN_TOP_MM))
                .bottom(mm_to_twip(MARGIN_BOTTOM_MM))
                .left(mm_to_twip(MARGIN_LEFT_MM))
                .right(mm_to_twip(MARGIN_RIGHT_MM))
                .header(mm_to_twip(PAGE_NUMBER_FROM_TOP_MM - 2.0))
                .footer(mm_to_twip(10.0))
                .gutter(0),
        )
        .default_fonts(fonts())
        .default_size(pt_to_half(PT_BODY))
        .header(page_header(&doc.header.draft_mark, true))
        .first_header(page_header(&doc.header.draft_mark, false))
        .title_pg()
        .add_table(header_table(doc));

    let kind = caps(&doc.kind_title);
    d = d.add_paragraph(
        centred(&kind, PT_TITLE, true, false)
            .keep_next(true)
            .line_spacing(tight(0.0).before(pt_twip(14.0))),
    );
    if !doc.summary.trim().is_empty() {
        let text_w = mm_to_twip(TEXT_W_MM);
        let sw = text_twip(&doc.summary, PT_TITLE, true, text_w);
        d = d
            .add_paragraph(centred(&doc.summary, PT_TITLE, true, false).keep_next(true))
            .add_paragraph(rule((sw as f64 * SHORT_RULE_RATIO) as i32, text_w, 12.0));
    } else {
        d = d.add_paragraph(spacer());
    }

    let mut pieces = Vec::new();
    for b in &doc.preamble {
        block(b, opts, &mut pieces);
    }
    for s in &doc.sections {
        section(s, opts, &mut pieces);
    }
    for p in pieces {
        d = match p {
            Piece::P(p) => d.add_paragraph(*p),
            Piece::T(t) => d.add_table(*t),
        };
    }
    d = d.add_paragraph(spacer()).add_table(closing_table(doc));

    let mut buf = std::io::Cursor::new(Vec::new());
    d.build()
        .pack(&mut buf)
        .map_err(|e| DocsError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}
