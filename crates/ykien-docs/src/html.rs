//! HTML rendering (helper: implement).
use crate::{Document, RenderOptions};

pub fn render(_doc: &Document, _opts: &RenderOptions) -> String {
    todo!("ykien-docs helper")
}
