/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    /// This build was made without the `pdf` feature (typst).
    #[error("this ykien was built without PDF support (cargo feature `pdf`)")]
    PdfDisabled,
    /// The typesetter rejected the generated source (a bug of ours, not of the caller).
    #[error("PDF typesetting failed: {0}")]
    Typeset(String),
    /// The DOCX writer failed.
    #[error("DOCX writing failed: {0}")]
    Docx(String),
}
