//! ykien's official documents: one [`Document`] model (Decree 30/2020/NĐ-CP and the
//! Front's guide 91/HD-MTTW-BTT) rendered as HTML, DOCX (docx-rs, editable in Word and
//! LibreOffice) and PDF (typeset in-process by typst with the fonts embedded; behind the
//! default-on `pdf` feature, since typst is the heaviest dependency of the workspace).
//!
//! The body font is Liberation Serif 2 (SIL OFL 1.1, bundled in `fonts/`): metric-compatible
//! with Times New Roman, which the decree names but which may not be redistributed. DOCX
//! names "Times New Roman" so that Word on the recipient's machine uses the real font.
//!
//! Pure in the sense that matters here: bytes in, bytes out; no files, no network.

mod error;
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
