//! PDF rendering through typst (helper: implement).
use crate::{DocsError, Document, RenderOptions};

pub fn render(_doc: &Document, _opts: &RenderOptions) -> Result<Vec<u8>, DocsError> {
    todo!("ykien-docs helper")
}
