//! ykien's official documents: one [`Document`] model (Decree 30/2020/NĐ-CP and the
//! Front's guide 91/HD-MTTW-BTT) rendered as HTML, DOCX (docx-rs, editable in Word and
//! LibreOffice) and PDF (typeset in-process by typst with the fonts embedded; behind the
//! default-on `pdf` feature, since typst is the heaviest dependency of the workspace).
//!
//! Pure in the sense that matters here: bytes in, bytes out; no files, no network.
//!
//! # Why it is built this way
//!
//! - **One layout, three formats.** Page size, margins, sizes and spacing live in
//!   [`layout`] and are read by all three renderers (the typst template mirrors them), so an
//!   export looks the same whichever format is chosen. Callers never pick a font or a size.
//!   The values follow Phụ lục I of Decree 30/2020/NĐ-CP (A4 portrait; margins 20/20/30/15
//!   mm; Times New Roman; body 14 pt justified, first line indented 1.27 cm, 6 pt between
//!   paragraphs; national title 13 pt bold caps, motto 14 pt bold with a rule as long as
//!   the text; issuing body bold caps with a rule of 1/3–1/2 of its line; "Số:" 13 pt;
//!   place and date 14 pt italic; "Nơi nhận:" 12 pt bold italic, entries 11 pt; page
//!   numbers centred in the top margin, none on page 1).
//! - **Fonts.** The decree names Times New Roman, which may not be redistributed. The PDF
//!   embeds Liberation Serif 2.1 (SIL OFL 1.1, `fonts/`, licence beside it), which has the
//!   same metrics, so line breaks match the Word version. DOCX names "Times New Roman" for
//!   every script so Word uses the real font (LibreOffice falls back to Liberation Serif),
//!   and HTML asks for "Times New Roman", "Liberation Serif", Tinos, serif. DOCX draws its
//!   rules at lengths measured with the bundled font's metrics (module `metrics`).
//! - **The PDF template reads JSON.** typst typesets a fixed template
//!   (`templates/official.typ`) that loads the document from a virtual `/doc.json` and the
//!   charts from virtual `/chart-N.svg` files, in our own in-memory `World` (no filesystem,
//!   network, system fonts or packages). No user string is ever spliced into typst markup,
//!   so there is no escaping to get wrong and nothing to inject.
//! - **Charts in DOCX are tables.** The stack has no SVG rasteriser, and Word needs a PNG
//!   fallback for SVG anyway; the chart's own table (the same figures, from ykien-charts)
//!   is printed under its caption, and stays editable. HTML inlines the SVG (with the table
//!   in a `<details>`), the PDF draws it.
//! - **Escaping and links.** Every string is plain text, escaped by each renderer (XML
//!   1.0's forbidden control characters are dropped, since one would make Word refuse the
//!   file). A link is kept only if it is a path of the web UI or an http(s) URL; in DOCX
//!   and PDF a path becomes a link only when [`RenderOptions::base_url`] makes it absolute.
//! - **HTML and the web UI's CSP.** The fragment has no `style` attribute; its rules are
//!   [`html::CSS`] (every selector under `.yk-doc`) for the web UI to serve, plus
//!   [`html::PRINT_CSS`] for the printed page. Standalone pages carry both in a `<style>`.

mod error;
pub mod layout;
mod metrics;
pub mod model;

pub mod docx;
pub mod html;
#[cfg(feature = "pdf")]
pub mod pdf;

pub use error::DocsError;
pub use model::*;

/// Renders `doc` in `format`.
pub fn render(doc: &Document, format: Format, opts: &RenderOptions) -> Result<Vec<u8>, DocsError> {
    match format {
        Format::Html => Ok(html::render(doc, opts).into_bytes()),
        Format::Docx => docx::render(doc, opts),
        #[cfg(feature = "pdf")]
        Format::Pdf => pdf::render(doc, opts),
        #[cfg(not(feature = "pdf"))]
        Format::Pdf => Err(DocsError::PdfDisabled),
    }
}
