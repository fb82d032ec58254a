//! An official document as plain data: what Decree 30/2020/NĐ-CP (Phụ lục I) and the
//! Front's guide 91/HD-MTTW-BTT put on the page, independent of the output format. The
//! renderers ([`crate::html`], [`crate::docx`], [`crate::pdf`]) place these fields in the
//! layout the rules fix (header columns, fonts, sizes, margins); callers never choose a
//! font or a size, so every export of one document looks the same.
//!
//! No markup anywhere: every string is plain text, escaped by each renderer.

use serde::{Deserialize, Serialize};

/// A whole document: header, title, body, closing blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub header: Header,
    /// "BÁO CÁO": the document type, printed in capitals, bold.
    pub kind_title: String,
    /// The summary line under the type ("Tình hình dư luận xã hội tháng 11 năm 2026"),
    /// bold, lower case, with a short line under it.
    pub summary: String,
    /// Optional paragraphs before the first numbered section (the legal basis, the scope).
    pub preamble: Vec<Block>,
    pub sections: Vec<Section>,
    pub recipients: Recipients,
    pub signature: Signature,
    /// Printed small under the recipients in HTML and PDF only: how the draft was made
    /// ("Drafted by ykien from 1.234 items…"). Empty for none.
    pub footnote: String,
}

/// The two-column header of Decree 30: issuing body on the left, national title and motto
/// on the right, then the number and the place and date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The superior body, in capitals, regular ("ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI").
    /// Empty when the issuing body has none above it.
    pub superior_body: String,
    /// The issuing body, in capitals, bold, with a short line under it ("BAN THƯỜNG TRỰC").
    pub issuing_body: String,
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
    pub national_title: String,
    /// "Độc lập - Tự do - Hạnh phúc", with a line under it as long as the text.
    pub motto: String,
    /// "Số: 05/BC-MTTQ-BTT", or "Số:      /BC-MTTQ-BTT" for a draft not yet numbered.
    pub number: String,
    /// "Hà Nội, ngày 05 tháng 12 năm 2026", italic.
    pub place_date: String,
    /// Printed across the top of every page of a draft ("DỰ THẢO"); empty when issued.
    pub draft_mark: String,
}

/// A numbered part of the body: "I. TÌNH HÌNH CHUNG".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The heading as printed, numbering included ("I. Tình hình tư tưởng…"); bold.
    pub heading: String,
    pub blocks: Vec<Block>,
    /// Sub-sections ("1. …", "2. …"), printed after the blocks.
    #[serde(default)]
    pub subsections: Vec<Section>,
}

/// One piece of body content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A justified paragraph with a first-line indent.
    Paragraph { runs: Vec<Run> },
    /// A bulleted list ("- " in the official style), one paragraph per entry.
    List { entries: Vec<Vec<Run>> },
    /// A quotation of what somebody said, italic, with where it comes from.
    Quote {
        text: String,
        /// "Phường Ba Đình, 12/11/2026, cộng tác viên"; may be empty.
        attribution: String,
        href: Option<String>,
    },
    /// A table of figures; the first row of `rows` is data, not the header.
    Table(Table),
    /// A chart as an SVG string (from ykien-charts) with its caption. Renderers that cannot
    /// draw SVG print `table` instead, so no figure is lost.
    Chart {
        caption: String,
        svg: String,
        table: Table,
    },
}

/// A span of text, optionally bold or italic or a link to the items behind a figure.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Run {
    pub text: String,
    #[serde(default)]
    pub bold: bool,
    #[serde(default)]
    pub italic: bool,
    /// Where the figure comes from: a path of the web UI ("/items?unit=01&from=…") or an
    /// absolute URL. Renderers join a path to [`RenderOptions::base_url`] when one is
    /// given, and print plain text otherwise.
    #[serde(default)]
    pub href: Option<String>,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            ..Run::default()
        }
    }

    pub fn bold(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: true,
            ..Run::default()
        }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            href: Some(href.into()),
            ..Run::default()
        }
    }
}

/// A table: header cells and rows of cells; numeric columns are right-aligned.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Table {
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Column {
    pub header: String,
    #[serde(default)]
    pub numeric: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    #[serde(default)]
    pub href: Option<String>,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            href: None,
        }
    }
}

/// The "Nơi nhận:" block at the bottom left.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Recipients {
    /// "Nơi nhận:" (italic bold, 12 pt).
    pub label: String,
    /// "- Ban Thường trực UBTW MTTQ Việt Nam;", "- Lưu: VT." (11 pt).
    pub entries: Vec<String>,
}

/// The signature block at the bottom right.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Signature {
    /// "TM. BAN THƯỜNG TRỰC" (or KT./TL.), capitals, bold.
    pub authority: String,
    /// "CHỦ TỊCH", capitals, bold.
    pub title: String,
    /// The signer's name, bold; empty leaves the space for a hand signature only.
    pub name: String,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Html,
    Docx,
    Pdf,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Html, Format::Docx, Format::Pdf];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn extension(self) -> &'static str {
        self.as_str()
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
        }
    }
}

/// What a renderer needs besides the document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderOptions {
    /// "https://ykien.example.vn": makes figure links absolute in DOCX and PDF. None prints
    /// them as plain text there (HTML keeps relative links).
    pub base_url: Option<String>,
    /// HTML only: a whole page (`<!doctype html>`, print CSS) rather than a fragment to put
    /// inside the web UI's own page.
    pub standalone: bool,
}
