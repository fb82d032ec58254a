//! The text alternative: the figures a chart draws, as plain rows and cells. The web layer
//! renders it as an HTML `<table>` (or a `<details>` under the chart), the report layer as
//! a DOCX/typst table; neither has to recompute anything, so chart and table agree.

/// A column header and whether its cells are numbers (right-aligned by the renderer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub numeric: bool,
}

/// Rows of formatted cells under a caption (the chart's title). No markup anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(caption: &str, columns: &[(&str, bool)]) -> Table {
        Table {
            caption: caption.to_string(),
            columns: columns
                .iter()
                .map(|(h, n)| Column {
                    header: h.to_string(),
                    numeric: *n,
                })
                .collect(),
            rows: Vec::new(),
        }
    }
}
