//! Renders the synthetic sample (tests/sample) in all three formats and reads each back
//! with a real reader: the DOCX unzipped (and opened by docx-rs's own reader), the PDF
//! through poppler's `pdftotext`/`pdffonts`/`pdftoppm` (Debian's poppler-utils; required
//! when `YKIEN_REQUIRE_POPPLER=1`, as in CI), the HTML by looking at its markup.

mod sample;

use std::io::Read;
use std::path::PathBuf;
#[cfg(feature = "pdf")]
use std::process::Command;
use ykien_docs::*;

/// What every format must show of the sample.
const EXPECTED: &[&str] = &[
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    // The superior body was typed in lower case: printed in capitals.
    "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI",
    "BAN THƯỜNG TRỰC",
    "Số: 05/BC-MTTQ-BTT",
    "Hà Nội, ngày 05 tháng 12 năm 2026",
    "DỰ THẢO",
    "BÁO CÁO",
    "I. TÌNH HÌNH TƯ TƯỞNG, DƯ LUẬN XÃ HỘI",
    "1. Về đời sống, việc làm",
    "III. KIẾN NGHỊ, ĐỀ XUẤT",
    "Bảng 1. Số ý kiến theo lĩnh vực (số liệu minh họa)",
    "Môi trường, đô thị",
    "2.866",
    "Nơi nhận:",
    "- Ban Thường trực UBTW MTTQ Việt Nam;",
    "- Lưu: VT.",
    "TM. BAN THƯỜNG TRỰC",
    "CHỦ TỊCH",
    "Nguyễn Văn Minh Họa",
];

fn opts(base: Option<&str>) -> RenderOptions {
    RenderOptions {
        base_url: base.map(str::to_string),
        standalone: false,
    }
}

/// Whitespace collapsed, so line breaks of a layout do not matter.
#[cfg(feature = "pdf")]
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("report-artifacts");
    std::fs::create_dir_all(&dir).expect("create report-artifacts");
    dir
}

// ---------------------------------------------------------------- HTML

#[test]
fn html_fragment_escapes_links_and_has_no_inline_style() {
    let doc = sample::document();
    let html = html::render(&doc, &opts(None));
    assert!(
        html.starts_with("<article class=\"yk-doc\""),
        "{}",
        &html[..80]
    );
    assert!(html.ends_with("</article>"));
    // Strict CSP: no style attribute, no <style>, no script anywhere.
    assert!(!html.contains("style="), "inline style found");
    assert!(!html.contains("<style"));
    assert!(!html.contains("<script"), "unescaped script");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;ngoặc&quot;"));
    // Relative links kept as they are; javascript: never becomes a link.
    assert!(html.contains(
        "<a href=\"/items?unit=01&amp;from=2026-11-01&amp;to=2026-11-30\">2.866 ý kiến</a>"
    ));
    assert!(!html.contains("javascript:"));
    assert!(html.contains("một liên kết không hợp lệ"));
    assert!(html.contains("<a href=\"/items?topic=doi-song\">1.234</a>"));
    // Structure: headings by level, numeric cells right-aligned by class, chart + details.
    assert!(html.contains("<h2 class=\"yk-h\">I. TÌNH HÌNH TƯ TƯỞNG, DƯ LUẬN XÃ HỘI</h2>"));
    assert!(html.contains("<h3 class=\"yk-h\">1. Về đời sống, việc làm</h3>"));
    assert!(html.contains("<td class=\"yk-num\">876</td>"));
    assert!(html.contains("<svg "));
    let svg_at = html.find("<svg ").unwrap();
    let details_at = html
        .find("<details class=\"yk-chart-data\">")
        .expect("chart table");
    assert!(svg_at < details_at);
    for want in EXPECTED {
        assert!(
            html.contains(&want.replace('"', "&quot;")),
            "HTML lacks {want:?}"
        );
    }
    // Every class used is styled by CSS (a renamed class would silently lose its look).
    for class in [
        "yk-head",
        "yk-issuer",
        "yk-motto",
        "yk-closing",
        "yk-signature",
        "yk-num",
    ] {
        assert!(
            html.contains(class) && html::CSS.contains(&format!(".{class}")),
            "{class}"
        );
    }
    assert!(
        html::CSS
            .lines()
            .all(|l| l.is_empty() || l.contains(".yk-doc"))
    );
}

#[test]
fn html_standalone_has_print_css() {
    let doc = sample::document();
    let html = html::render(
        &doc,
        &RenderOptions {
            standalone: true,
            ..RenderOptions::default()
        },
    );
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(html.contains("<style>"));
    assert!(html.contains("@page{size:A4 portrait;margin:20mm 15mm 20mm 30mm"));
    assert!(html.contains("@page:first{@top-center{content:none}}"));
    assert!(html.contains("<title>BÁO CÁO – Tình hình tư tưởng"));
    assert!(html.contains("<article class=\"yk-doc\""));
}

// ---------------------------------------------------------------- DOCX

fn unzip(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("DOCX is a zip");
    let mut f = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in DOCX"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// The text of `w:t` elements, paragraphs on their own lines, entities decoded.
fn docx_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        let Some(j) = rest[i..].find('>') else { break };
        let tag = &rest[i + 1..i + j];
        rest = &rest[i + j + 1..];
        if tag == "w:t" || tag.starts_with("w:t ") {
            let end = rest.find("</w:t>").expect("closed w:t");
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else if tag == "/w:p" {
            out.push('\n');
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[test]
fn docx_has_the_official_layout() {
    let doc = sample::document();
    let bytes = docx::render(&doc, &opts(None)).expect("docx");
    assert!(bytes.starts_with(b"PK"));
    std::fs::write(artifacts_dir().join("sample.docx"), &bytes).unwrap();

    // docx-rs's own reader opens it.
    let read = docx_rs::read_docx(&bytes).expect("read_docx");
    assert!(!read.document.children.is_empty());

    let xml = unzip(&bytes, "word/document.xml");
    let text = docx_text(&xml);
    let lines: Vec<&str> = text.lines().collect();
    for want in EXPECTED.iter().filter(|w| **w != "DỰ THẢO") {
        assert!(text.contains(want), "DOCX lacks {want:?}");
    }
    // Whole paragraphs where the layout fixes them.
    assert!(lines.contains(&"BÁO CÁO"));
    assert!(lines.contains(&"Độc lập - Tự do - Hạnh phúc"));
    assert!(text.contains("<script>alert(1)</script> & \"ngoặc\""));
    assert!(
        xml.contains("&lt;script&gt;"),
        "text must be escaped in XML"
    );
    // The footnote is for HTML and PDF only.
    assert!(!text.contains("Dự thảo do ykien lập"));

    // Font: Times New Roman for every script.
    for attr in ["w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"] {
        assert!(
            xml.contains(&format!("{attr}=\"Times New Roman\"")),
            "font attribute {attr}"
        );
    }
    let styles = unzip(&bytes, "word/styles.xml");
    assert!(styles.contains("w:ascii=\"Times New Roman\""));
    // Body size 14 pt (28 half-points), header 13 pt (26), recipients 11 and 12 pt.
    for sz in ["28", "26", "24", "22"] {
        assert!(
            xml.contains(&format!("<w:sz w:val=\"{sz}\" />")),
            "size {sz}"
        );
    }
    // A4 portrait, margins 20/20/30/15 mm, different first page.
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\""), "A4");
    for m in [
        "w:top=\"1134\"",
        "w:bottom=\"1134\"",
        "w:left=\"1701\"",
        "w:right=\"850\"",
    ] {
        assert!(xml.contains(m), "margin {m}");
    }
    assert!(xml.contains("<w:titlePg"), "different first page");
    // Three rules (issuing body, motto, summary), each a top border only: docx-rs's
    // default border set has four sides, which draws a box instead of a line.
    let borders: Vec<&str> = xml
        .split("<w:pBdr>")
        .skip(1)
        .map(|s| &s[..s.find("</w:pBdr>").expect("closed pBdr")])
        .collect();
    assert_eq!(borders.len(), 3, "{borders:?}");
    for b in borders {
        assert!(
            b.starts_with("<w:top ") && b.matches("<w:").count() == 1,
            "{b}"
        );
    }
    assert!(xml.contains("w:val=\"both\""), "justified body");
    assert!(
        xml.contains("w:firstLine=\"720\""),
        "1.27 cm first-line indent"
    );
    // Page number: a PAGE field in the default header, none in the first-page header.
    let rels = unzip(&bytes, "word/_rels/document.xml.rels");
    let mut with_page = 0;
    let mut headers = 0;
    for i in 1..=2 {
        let name = format!("word/header{i}.xml");
        if rels.contains(&format!("header{i}.xml")) {
            headers += 1;
            let h = unzip(&bytes, &name);
            assert!(h.contains("DỰ THẢO"), "draft mark in {name}");
            if h.contains(">PAGE<") {
                with_page += 1;
            }
        }
    }
    assert_eq!((headers, with_page), (2, 1));
    // No base URL: relative links are plain text, no hyperlink relationship.
    assert!(!rels.contains("TargetMode=\"External\""));
    assert!(!xml.contains("<w:hyperlink"));
}

#[test]
fn docx_links_become_absolute_with_a_base_url() {
    let doc = sample::document();
    let bytes = docx::render(&doc, &opts(Some("https://ykien.example.vn/"))).unwrap();
    let rels = unzip(&bytes, "word/_rels/document.xml.rels");
    assert!(
        rels.contains(
            "https://ykien.example.vn/items?unit=01&amp;from=2026-11-01&amp;to=2026-11-30"
        ),
        "{rels}"
    );
    assert!(rels.contains("https://ykien.example.vn/items?topic=doi-song"));
    assert!(!rels.contains("javascript"));
    let xml = unzip(&bytes, "word/document.xml");
    assert!(xml.contains("<w:hyperlink"));
}

#[test]
fn docx_survives_control_characters_and_empty_fields() {
    let mut doc = sample::document();
    doc.header.superior_body.clear();
    doc.header.draft_mark.clear();
    doc.summary.clear();
    doc.sections[0].heading = "I. Tiêu đề có ký tự lạ \u{1}\u{8}\u{FFFF}".into();
    let bytes = docx::render(&doc, &opts(None)).unwrap();
    let xml = unzip(&bytes, "word/document.xml");
    assert!(xml.contains("I. Tiêu đề có ký tự lạ "));
    assert!(!xml.contains('\u{1}') && !xml.contains('\u{FFFF}'));
    docx_rs::read_docx(&bytes).expect("still readable");
    assert!(!unzip(&bytes, "word/header1.xml").contains("DỰ THẢO"));
}

// ---------------------------------------------------------------- PDF

/// Runs a poppler tool; `None` (with a note) when it is missing and not required.
#[cfg(feature = "pdf")]
fn poppler(tool: &str, args: &[&str]) -> Option<String> {
    match Command::new(tool).args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{tool} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).expect("UTF-8 from poppler"))
        }
        Err(e) => {
            if std::env::var("YKIEN_REQUIRE_POPPLER").as_deref() == Ok("1") {
                panic!("{tool} is required (YKIEN_REQUIRE_POPPLER=1) but cannot run: {e}");
            }
            eprintln!("note: {tool} not available ({e}); PDF text checks skipped");
            None
        }
    }
}

#[cfg(feature = "pdf")]
fn write_pdf(name: &str, bytes: &[u8]) -> PathBuf {
    let path = artifacts_dir().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[cfg(feature = "pdf")]
#[test]
fn pdf_has_the_text_and_the_font() {
    let doc = sample::document();
    let bytes = pdf::render(&doc, &opts(Some("https://ykien.example.vn"))).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let path = write_pdf("sample.pdf", &bytes);
    let p = path.to_str().unwrap();

    let Some(text) = poppler("pdftotext", &["-enc", "UTF-8", p, "-"]) else {
        return;
    };
    let flat = squash(&text);
    for want in EXPECTED {
        assert!(flat.contains(want), "PDF text lacks {want:?}\n---\n{text}");
    }
    assert!(flat.contains("<script>alert(1)</script> & \"ngoặc\""));
    assert!(flat.contains("Dự thảo do ykien lập"), "footnote");
    // More than one page, numbered from page 2 in the top margin: "2" alone on a line
    // right at the start of page 2.
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(
        pages.len() >= 2,
        "sample should fill 2+ pages, got {}",
        pages.len()
    );
    let first_line = |p: &str| {
        p.lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    assert!(
        !first_line(pages[0]).chars().all(|c| c.is_ascii_digit()),
        "page 1 must have no number"
    );
    let p2: Vec<String> = pages[1]
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .take(3)
        .collect();
    assert!(
        p2.iter().any(|l| l == "2"),
        "page 2 number near the top: {p2:?}"
    );

    let fonts = poppler("pdffonts", &[p]).unwrap();
    let liberation: Vec<&str> = fonts
        .lines()
        .filter(|l| l.contains("LiberationSerif"))
        .collect();
    assert!(
        liberation.len() >= 3,
        "regular, bold, italic faces: {fonts}"
    );
    for l in &liberation {
        // Columns: name type encoding emb sub uni object ID
        let cols: Vec<&str> = l.split_whitespace().collect();
        assert!(cols.contains(&"yes"), "embedded: {l}");
    }
    assert!(
        !fonts
            .lines()
            .skip(2)
            .any(|l| !l.contains("LiberationSerif")),
        "only our font: {fonts}"
    );

    // Page size A4: 595.28 x 841.89 pt.
    let info = poppler("pdfinfo", &[p]).unwrap();
    assert!(
        info.contains("595.28 x 841.89") || info.contains("595.276 x 841.89"),
        "{info}"
    );

    // Pictures of the pages, for people to look at.
    let prefix = artifacts_dir().join("sample-page");
    poppler(
        "pdftoppm",
        &["-r", "60", "-png", p, prefix.to_str().unwrap()],
    )
    .unwrap();
    assert!(artifacts_dir().join("sample-page-1.png").exists());
}

#[cfg(feature = "pdf")]
#[test]
fn pdf_prints_a_broken_chart_as_its_table() {
    let mut doc = sample::document();
    if let Block::Chart { svg, .. } = &mut doc.sections[1].blocks[1] {
        *svg = "<svg not really".into();
    } else {
        panic!("sample changed: section II block 1 is the chart");
    }
    let bytes = pdf::render(&doc, &opts(None)).expect("falls back to the table");
    let path = write_pdf("sample-broken-chart.pdf", &bytes);
    let Some(text) = poppler("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]) else {
        return;
    };
    let flat = squash(&text);
    assert!(flat.contains("So với tháng 10"), "chart table printed");
    assert!(flat.contains("+364"), "chart table figures: {flat}");
}

#[cfg(feature = "pdf")]
#[test]
fn pdf_minimal_document_and_hostile_strings() {
    let mut doc = sample::document();
    doc.header.superior_body.clear();
    doc.header.draft_mark.clear();
    doc.summary.clear();
    doc.footnote.clear();
    doc.preamble = vec![Block::Paragraph {
        runs: vec![Run::plain(
            "#set page(width: 1cm) ]) } #panic(\"x\") $x$ *bold* _it_ @ref <label> `raw` \\ // comment",
        )],
    }];
    doc.sections.truncate(1);
    doc.signature.name.clear();
    let bytes = pdf::render(&doc, &opts(None)).expect("strings are data, not markup");
    let path = write_pdf("sample-minimal.pdf", &bytes);
    let Some(text) = poppler("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]) else {
        return;
    };
    let flat = squash(&text);
    assert!(
        flat.contains("#set page(width: 1cm) ]) } #panic(\"x\") $x$ *bold* _it_ @ref <label> `raw` \\ // comment"),
        "{flat}"
    );
    assert!(!flat.contains("DỰ THẢO"));
}

#[cfg(not(feature = "pdf"))]
#[test]
fn pdf_disabled_says_so() {
    let doc = sample::document();
    assert!(matches!(
        render(&doc, Format::Pdf, &opts(None)),
        Err(DocsError::PdfDisabled)
    ));
}

#[test]
fn render_dispatches_by_format() {
    let doc = sample::document();
    let html = render(&doc, Format::Html, &opts(None)).unwrap();
    assert!(html.starts_with(b"<article"));
    let docx = render(&doc, Format::Docx, &opts(None)).unwrap();
    assert!(docx.starts_with(b"PK"));
}
