//! HTML rendering: a fragment for the web UI (`<article class="yk-doc">`, no `style`
//! attribute anywhere, since the web UI's CSP forbids inline styles; its rules are [`CSS`],
//! which the web UI serves as a stylesheet) or, with [`RenderOptions::standalone`], a whole
//! page with the CSS in a `<style>` and the print rules of [`PRINT_CSS`] (A4, the decree's
//! margins, page numbers centred in the top margin from page 2 on).
//!
//! Every string of the document is escaped here; the only markup taken as is is a chart's
//! SVG, which comes from our own ykien-charts and escapes its own text.

use crate::layout::{caps, clean, safe_href};
use crate::{Block, Cell, Document, RenderOptions, Run, Section, Table};
use std::fmt::Write as _;

/// The document's own rules, every selector under `.yk-doc` so they cannot leak into the
/// page around it. Sizes follow [`crate::layout`] (Decree 30/2020/NĐ-CP).
pub const CSS: &str = r#".yk-doc{font-family:"Times New Roman","Liberation Serif",Tinos,serif;font-size:14pt;line-height:1.26;color:#000;background:#fff;box-sizing:border-box;max-width:210mm;margin:0 auto;padding:20mm 15mm 20mm 30mm;text-align:left}
.yk-doc *{box-sizing:border-box}
.yk-doc p{margin:0}
.yk-doc a{color:inherit;text-decoration:underline;text-decoration-thickness:.5pt}
.yk-doc .yk-draft{text-align:right;margin:0 0 4mm}
.yk-doc .yk-draft span{display:inline-block;border:1pt solid #000;padding:1pt 6pt;font-weight:700;font-size:13pt}
.yk-doc .yk-head{display:grid;grid-template-columns:66fr 99fr;column-gap:2mm;text-align:center;line-height:1.2}
.yk-doc .yk-head-left,.yk-doc .yk-head-right{display:flex;flex-direction:column;align-items:center}
.yk-doc .yk-superior{font-size:13pt}
.yk-doc .yk-issuer{font-size:13pt;font-weight:700}
.yk-doc .yk-national{font-size:13pt;font-weight:700;white-space:nowrap}
.yk-doc .yk-motto{font-size:14pt;font-weight:700}
.yk-doc .yk-ruled{display:inline-block}
.yk-doc .yk-ruled::after{content:"";display:block;width:40%;margin:2pt auto 0;border-top:.5pt solid #000}
.yk-doc .yk-motto .yk-ruled{padding-bottom:2pt;border-bottom:.5pt solid #000}
.yk-doc .yk-motto .yk-ruled::after{content:none}
.yk-doc .yk-number{font-size:13pt;margin-top:6pt;white-space:pre-wrap}
.yk-doc .yk-place-date{font-size:14pt;font-style:italic;margin-top:6pt}
.yk-doc .yk-title{text-align:center;margin:14pt 0 12pt;line-height:1.2}
.yk-doc .yk-kind{font-size:14pt;font-weight:700;margin:0}
.yk-doc .yk-summary{font-size:14pt;font-weight:700}
.yk-doc .yk-p,.yk-doc .yk-list li{text-align:justify;text-indent:1.27cm;margin:0 0 6pt;hyphens:manual}
.yk-doc .yk-h{font-size:14pt;font-weight:700;text-indent:1.27cm;margin:6pt 0 6pt;text-align:justify}
.yk-doc .yk-list{list-style:none;margin:0;padding:0}
.yk-doc .yk-list li::before{content:"- "}
.yk-doc .yk-quote{margin:0 0 6pt 1.27cm;font-style:italic}
.yk-doc .yk-quote p{text-indent:0}
.yk-doc .yk-quote .yk-attribution{text-align:right;font-size:13pt;margin:0 0 6pt}
.yk-doc .yk-figure{margin:6pt 0 10pt;break-inside:avoid}
.yk-doc .yk-figure svg{display:block;width:100%;height:auto}
.yk-doc .yk-caption{text-align:center;font-weight:700;font-size:13pt;margin:0 0 4pt;line-height:1.2}
.yk-doc .yk-figure .yk-caption-below{margin:4pt 0 0}
.yk-doc table.yk-table{border-collapse:collapse;width:100%;font-size:12pt;line-height:1.2}
.yk-doc table.yk-table th,.yk-doc table.yk-table td{border:.5pt solid #000;padding:2pt 4pt;vertical-align:top;text-align:left}
.yk-doc table.yk-table th{font-weight:700;text-align:center}
.yk-doc table.yk-table .yk-num{text-align:right;font-variant-numeric:tabular-nums}
.yk-doc .yk-chart-data{margin-top:4pt;font-size:12pt}
.yk-doc .yk-chart-data summary{cursor:pointer}
.yk-doc .yk-closing{display:grid;grid-template-columns:75fr 90fr;column-gap:4mm;margin-top:12pt;break-inside:avoid;line-height:1.2}
.yk-doc .yk-recipients-label{font-size:12pt;font-weight:700;font-style:italic}
.yk-doc .yk-recipients ul{list-style:none;margin:0;padding:0;font-size:11pt}
.yk-doc .yk-signature{text-align:center;font-size:14pt;font-weight:700}
.yk-doc .yk-sig-space{height:25mm}
.yk-doc .yk-footnote{margin-top:12pt;font-size:10pt;font-style:italic;color:#333;border-top:.5pt solid #999;padding-top:4pt}
@media (max-width:720px){.yk-doc{padding:1rem}.yk-doc .yk-head,.yk-doc .yk-closing{column-gap:1rem}.yk-doc .yk-national{white-space:normal}}
@media print{.yk-doc{max-width:none;padding:0;margin:0}.yk-doc .yk-chart-data{display:none}.yk-doc a{text-decoration:none}}
"#;

/// Print rules for a whole page: A4 portrait with the decree's margins and the page number
/// centred in the top margin, none on the first page. The web UI may include it on the page
/// that shows one document (it styles the printed page, so not globally).
pub const PRINT_CSS: &str = r#"@page{size:A4 portrait;margin:20mm 15mm 20mm 30mm;@top-center{content:counter(page);font-family:"Times New Roman","Liberation Serif",Tinos,serif;font-size:13pt;vertical-align:middle}}
@page:first{@top-center{content:none}}
"#;

/// Only for the standalone page: a grey desk around the white sheet on screen.
const PAGE_CSS: &str = "body.yk-page{margin:0;padding:1rem 0;background:#e8e8e8}\n\
@media print{body.yk-page{padding:0;background:none}}\n";

/// Escapes text for element content and attribute values alike.
fn esc(s: &str) -> String {
    let s = clean(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `<a href>` around already escaped `inner` when the link is one we allow (a path of the
/// web UI, kept relative, or an http(s) URL); `inner` alone otherwise.
fn link(href: Option<&str>, inner: String) -> String {
    match href.map(str::trim) {
        Some(h) if safe_href(h) => format!("<a href=\"{}\">{inner}</a>", esc(h)),
        _ => inner,
    }
}

fn runs(out: &mut String, rs: &[Run]) {
    for r in rs {
        let mut inner = esc(&r.text);
        if r.italic {
            inner = format!("<em>{inner}</em>");
        }
        if r.bold {
            inner = format!("<strong>{inner}</strong>");
        }
        out.push_str(&link(r.href.as_deref(), inner));
    }
}

fn cell(c: &Cell) -> String {
    link(c.href.as_deref(), esc(&c.text))
}

fn table(out: &mut String, t: &Table, caption_above: bool) {
    if caption_above && !t.caption.trim().is_empty() {
        let _ = write!(out, "<p class=\"yk-caption\">{}</p>", esc(&t.caption));
    }
    out.push_str("<table class=\"yk-table\">");
    if !t.columns.is_empty() {
        out.push_str("<thead><tr>");
        for c in &t.columns {
            let _ = write!(out, "<th scope=\"col\">{}</th>", esc(&c.header));
        }
        out.push_str("</tr></thead>");
    }
    out.push_str("<tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let numeric = t.columns.get(i).is_some_and(|c| c.numeric);
            if numeric {
                let _ = write!(out, "<td class=\"yk-num\">{}</td>", cell(c));
            } else {
                let _ = write!(out, "<td>{}</td>", cell(c));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Paragraph { runs: rs } => {
            out.push_str("<p class=\"yk-p\">");
            runs(out, rs);
            out.push_str("</p>");
        }
        Block::List { entries } => {
            out.push_str("<ul class=\"yk-list\">");
            for e in entries {
                out.push_str("<li>");
                runs(out, e);
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        Block::Quote {
            text,
            attribution,
            href,
        } => {
            let _ = write!(out, "<blockquote class=\"yk-quote\"><p>“{}”</p>", esc(text));
            if !attribution.trim().is_empty() {
                let _ = write!(
                    out,
                    "<p class=\"yk-attribution\">({})</p>",
                    link(href.as_deref(), esc(attribution))
                );
            }
            out.push_str("</blockquote>");
        }
        Block::Table(t) => {
            out.push_str("<figure class=\"yk-figure\">");
            table(out, t, true);
            out.push_str("</figure>");
        }
        Block::Chart {
            caption,
            svg,
            table: t,
        } => {
            out.push_str("<figure class=\"yk-figure\">");
            // Trusted: ykien-charts escapes every string it writes into the SVG.
            out.push_str(svg);
            if !caption.trim().is_empty() {
                let _ = write!(
                    out,
                    "<figcaption class=\"yk-caption yk-caption-below\">{}</figcaption>",
                    esc(caption)
                );
            }
            let summary = if t.caption.trim().is_empty() {
                caption
            } else {
                &t.caption
            };
            let _ = write!(
                out,
                "<details class=\"yk-chart-data\"><summary>{}</summary>",
                esc(summary)
            );
            table(out, t, false);
            out.push_str("</details></figure>");
        }
    }
}

fn section(out: &mut String, s: &Section, depth: usize) {
    let h = (depth + 2).min(6);
    out.push_str("<section class=\"yk-section\">");
    let _ = write!(out, "<h{h} class=\"yk-h\">{}</h{h}>", esc(&s.heading));
    for b in &s.blocks {
        block(out, b);
    }
    for sub in &s.subsections {
        section(out, sub, depth + 1);
    }
    out.push_str("</section>");
}

/// The `<article>` alone.
fn article(doc: &Document) -> String {
    let h = &doc.header;
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<article class=\"yk-doc\" lang=\"vi\">");
    if !h.draft_mark.trim().is_empty() {
        let _ = write!(
            out,
            "<p class=\"yk-draft\"><span>{}</span></p>",
            esc(&caps(&h.draft_mark))
        );
    }
    out.push_str("<header class=\"yk-head\"><div class=\"yk-head-left\">");
    if !h.superior_body.trim().is_empty() {
        let _ = write!(
            out,
            "<p class=\"yk-superior\">{}</p>",
            esc(&caps(&h.superior_body))
        );
    }
    let _ = write!(
        out,
        "<p class=\"yk-issuer\"><span class=\"yk-ruled\">{}</span></p>",
        esc(&caps(&h.issuing_body))
    );
    let _ = write!(
        out,
        "</div><div class=\"yk-head-right\"><p class=\"yk-national\">{}</p>\
         <p class=\"yk-motto\"><span class=\"yk-ruled\">{}</span></p></div>",
        esc(&caps(&h.national_title)),
        esc(&h.motto)
    );
    let _ = write!(
        out,
        "<p class=\"yk-number\">{}</p><p class=\"yk-place-date\">{}</p></header>",
        esc(&h.number),
        esc(&h.place_date)
    );
    out.push_str("<div class=\"yk-title\">");
    let _ = write!(
        out,
        "<h1 class=\"yk-kind\">{}</h1>",
        esc(&caps(&doc.kind_title))
    );
    if !doc.summary.trim().is_empty() {
        let _ = write!(
            out,
            "<p class=\"yk-summary\"><span class=\"yk-ruled\">{}</span></p>",
            esc(&doc.summary)
        );
    }
    out.push_str("</div><div class=\"yk-body\">");
    for b in &doc.preamble {
        block(&mut out, b);
    }
    for s in &doc.sections {
        section(&mut out, s, 0);
    }
    out.push_str("</div><div class=\"yk-closing\"><div class=\"yk-recipients\">");
    let r = &doc.recipients;
    if !r.label.trim().is_empty() {
        let _ = write!(
            out,
            "<p class=\"yk-recipients-label\">{}</p>",
            esc(&r.label)
        );
    }
    if !r.entries.is_empty() {
        out.push_str("<ul>");
        for e in &r.entries {
            let _ = write!(out, "<li>{}</li>", esc(e));
        }
        out.push_str("</ul>");
    }
    let s = &doc.signature;
    out.push_str("</div><div class=\"yk-signature\">");
    for line in [&s.authority, &s.title] {
        if !line.trim().is_empty() {
            let _ = write!(out, "<p>{}</p>", esc(&caps(line)));
        }
    }
    out.push_str("<div class=\"yk-sig-space\"></div>");
    if !s.name.trim().is_empty() {
        let _ = write!(out, "<p class=\"yk-sig-name\">{}</p>", esc(&s.name));
    }
    out.push_str("</div></div>");
    if !doc.footnote.trim().is_empty() {
        let _ = write!(out, "<p class=\"yk-footnote\">{}</p>", esc(&doc.footnote));
    }
    out.push_str("</article>");
    out
}

/// Renders `doc` as an HTML fragment, or a whole page when `opts.standalone`.
pub fn render(doc: &Document, opts: &RenderOptions) -> String {
    let body = article(doc);
    if !opts.standalone {
        return body;
    }
    let kind = caps(&doc.kind_title);
    let title = [kind.trim(), doc.summary.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" – ");
    format!(
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{PRINT_CSS}{PAGE_CSS}{CSS}</style>\n</head>\n\
         <body class=\"yk-page\">\n{body}\n</body>\n</html>\n",
        esc(&title)
    )
}
