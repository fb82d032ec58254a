//! PDF rendering: typst typesets the fixed template `templates/official.typ` in-process.
//!
//! Our own [`World`] serves exactly three kinds of file from memory: the template (the main
//! source), `/doc.json` (the document as data) and `/chart-N.svg` (the charts). Fonts are the
//! four Liberation Serif faces compiled into the binary. No filesystem, no network, no
//! system fonts, no typst packages: the same document gives the same PDF on any machine.
//!
//! The document reaches typst as JSON, never as generated markup: no user string can be
//! parsed as typst, so there is no escaping to get wrong and no way to inject code.

use crate::layout::{absolute_href, caps, clean};
use crate::metrics::{BOLD, BOLD_ITALIC, ITALIC, REGULAR};
use crate::{Block, DocsError, Document, RenderOptions, Run, Section, Table};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

static TEMPLATE: &str = include_str!("../templates/official.typ");

/// The standard library and the fonts, built once per process (building the library takes
/// milliseconds, parsing the fonts more).
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = [REGULAR, BOLD, ITALIC, BOLD_ITALIC]
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

fn file_id(path: &str) -> FileId {
    // The paths are ours and valid; `VirtualPath::new` fails only on paths escaping the root.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("bad virtual path {path}"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One compilation's world: the template, the document and its charts, all in memory.
struct DocWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    /// The template never asks for today's date; the document carries its own.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

// ---- The document as the template reads it: cleaned strings, capitals applied, links
// ---- absolute or null, tables rectangular, charts as file paths.

#[derive(Serialize)]
struct ViewDoc {
    title: String,
    header: ViewHeader,
    kind_title: String,
    summary: String,
    preamble: Vec<ViewBlock>,
    sections: Vec<ViewSection>,
    recipients: ViewRecipients,
    signature: ViewSignature,
    footnote: String,
}

#[derive(Serialize)]
struct ViewHeader {
    superior_body: String,
    issuing_body: String,
    national_title: String,
    motto: String,
    number: String,
    place_date: String,
    draft_mark: String,
}

#[derive(Serialize)]
struct ViewSection {
    heading: String,
    blocks: Vec<ViewBlock>,
    subsections: Vec<ViewSection>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ViewBlock {
    Paragraph {
        runs: Vec<ViewRun>,
    },
    List {
        entries: Vec<Vec<ViewRun>>,
    },
    Quote {
        text: String,
        attribution: String,
        href: Option<String>,
    },
    Table {
        table: ViewTable,
    },
    Chart {
        caption: String,
        /// `/chart-N.svg`, or null to print the table instead.
        image: Option<String>,
        table: ViewTable,
    },
}

#[derive(Serialize)]
struct ViewRun {
    text: String,
    bold: bool,
    italic: bool,
    href: Option<String>,
}

#[derive(Serialize)]
struct ViewTable {
    caption: String,
    has_header: bool,
    columns: Vec<ViewColumn>,
    /// Relative column widths (fractions summing to about 1).
    widths: Vec<f64>,
    rows: Vec<Vec<ViewCell>>,
}

#[derive(Serialize)]
struct ViewColumn {
    header: String,
    numeric: bool,
}

#[derive(Serialize)]
struct ViewCell {
    text: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct ViewRecipients {
    label: String,
    entries: Vec<String>,
}

#[derive(Serialize)]
struct ViewSignature {
    /// Authority and title, the non-empty ones, in capitals.
    lines: Vec<String>,
    name: String,
}

struct Builder<'a> {
    opts: &'a RenderOptions,
    charts: bool,
    files: HashMap<FileId, Bytes>,
    n_charts: usize,
}

fn s(x: &str) -> String {
    clean(x).into_owned()
}

impl Builder<'_> {
    fn href(&self, h: Option<&str>) -> Option<String> {
        absolute_href(h, self.opts.base_url.as_deref())
    }

    fn runs(&self, rs: &[Run]) -> Vec<ViewRun> {
        rs.iter()
            .map(|r| ViewRun {
                text: s(&r.text),
                bold: r.bold,
                italic: r.italic,
                href: self.href(r.href.as_deref()),
            })
            .collect()
    }

    fn table(&self, t: &Table) -> ViewTable {
        let n = t
            .columns
            .len()
            .max(t.rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let columns: Vec<ViewColumn> = (0..n)
            .map(|i| {
                let c = t.columns.get(i);
                ViewColumn {
                    header: c.map(|c| s(&c.header)).unwrap_or_default(),
                    numeric: c.is_some_and(|c| c.numeric),
                }
            })
            .collect();
        let rows = t
            .rows
            .iter()
            .map(|row| {
                (0..n)
                    .map(|i| match row.get(i) {
                        Some(c) => ViewCell {
                            text: s(&c.text),
                            href: self.href(c.href.as_deref()),
                        },
                        None => ViewCell {
                            text: String::new(),
                            href: None,
                        },
                    })
                    .collect()
            })
            .collect();
        let total = 10_000;
        let widths = crate::docx::column_widths(t, total)
            .into_iter()
            .map(|w| f64::from(w) / f64::from(total))
            .collect();
        ViewTable {
            caption: s(&t.caption),
            has_header: !t.columns.is_empty(),
            columns,
            widths,
            rows,
        }
    }

    fn block(&mut self, b: &Block) -> ViewBlock {
        match b {
            Block::Paragraph { runs } => ViewBlock::Paragraph {
                runs: self.runs(runs),
            },
            Block::List { entries } => ViewBlock::List {
                entries: entries.iter().map(|e| self.runs(e)).collect(),
            },
            Block::Quote {
                text,
                attribution,
                href,
            } => ViewBlock::Quote {
                text: s(text),
                attribution: s(attribution),
                href: self.href(href.as_deref()),
            },
            Block::Table(t) => ViewBlock::Table {
                table: self.table(t),
            },
            Block::Chart {
                caption,
                svg,
                table,
            } => {
                let image = if self.charts && !svg.trim().is_empty() {
                    self.n_charts += 1;
                    let path = format!("/chart-{}.svg", self.n_charts);
                    self.files
                        .insert(file_id(&path), Bytes::new(svg.clone().into_bytes()));
                    Some(path)
                } else {
                    None
                };
                ViewBlock::Chart {
                    caption: s(caption),
                    image,
                    table: self.table(table),
                }
            }
        }
    }

    fn section(&mut self, sec: &Section) -> ViewSection {
        ViewSection {
            heading: s(&sec.heading),
            blocks: sec.blocks.iter().map(|b| self.block(b)).collect(),
            subsections: sec.subsections.iter().map(|x| self.section(x)).collect(),
        }
    }

    fn doc(&mut self, d: &Document) -> ViewDoc {
        let h = &d.header;
        let title = [d.kind_title.trim(), d.summary.trim()]
            .into_iter()
            .filter(|x| !x.is_empty())
            .map(s)
            .collect::<Vec<_>>()
            .join(" – ");
        ViewDoc {
            title,
            header: ViewHeader {
                superior_body: caps(&h.superior_body).trim().to_string(),
                issuing_body: caps(&h.issuing_body),
                national_title: caps(&h.national_title),
                motto: s(&h.motto),
                number: s(&h.number),
                place_date: s(&h.place_date),
                draft_mark: caps(&h.draft_mark).trim().to_string(),
            },
            kind_title: caps(&d.kind_title),
            summary: s(d.summary.trim()),
            preamble: d.preamble.iter().map(|b| self.block(b)).collect(),
            sections: d.sections.iter().map(|x| self.section(x)).collect(),
            recipients: ViewRecipients {
                label: s(&d.recipients.label),
                entries: d.recipients.entries.iter().map(|e| s(e)).collect(),
            },
            signature: ViewSignature {
                lines: [&d.signature.authority, &d.signature.title]
                    .into_iter()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| caps(l))
                    .collect(),
                name: s(&d.signature.name),
            },
            footnote: s(d.footnote.trim()),
        }
    }
}

/// typst's errors as text: message, hints and, inside the template, the line.
fn diagnostics(world: &DocWorld, diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let mut msg = String::new();
            if d.span.id() == Some(world.main.id())
                && let Some(range) = world.range(d.span)
            {
                let line = TEMPLATE
                    .get(..range.start)
                    .map_or(0, |p| p.matches('\n').count() + 1);
                msg.push_str(&format!("official.typ:{line}: "));
            }
            msg.push_str(&d.message);
            for hint in &d.hints {
                msg.push_str(&format!(" (hint: {})", hint.v));
            }
            msg
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn compile(doc: &Document, opts: &RenderOptions, charts: bool) -> Result<Vec<u8>, DocsError> {
    let mut b = Builder {
        opts,
        charts,
        files: HashMap::new(),
        n_charts: 0,
    };
    let view = b.doc(doc);
    let json = serde_json::to_vec(&view).map_err(|e| DocsError::Typeset(e.to_string()))?;
    let mut files = b.files;
    files.insert(file_id("/doc.json"), Bytes::new(json));
    let world = DocWorld {
        main: Source::new(file_id("/official.typ"), TEMPLATE.to_string()),
        files,
    };
    let result = typst::compile::<PagedDocument>(&world).output;
    let out = match result {
        Ok(paged) => typst_pdf::pdf(&paged, &typst_pdf::PdfOptions::default())
            .map_err(|e| DocsError::Typeset(diagnostics(&world, &e))),
        Err(e) => Err(DocsError::Typeset(diagnostics(&world, &e))),
    };
    // typst memoises across calls; keep a long-running server's memory flat.
    typst::comemo::evict(10);
    out
}

/// Renders `doc` as a PDF (A4, Liberation Serif embedded, text extractable).
///
/// A chart whose SVG typst cannot read does not lose the document: the PDF is made again
/// with every chart printed as its table.
pub fn render(doc: &Document, opts: &RenderOptions) -> Result<Vec<u8>, DocsError> {
    match compile(doc, opts, true) {
        Ok(pdf) => Ok(pdf),
        Err(first) if has_charts(doc) => compile(doc, opts, false).map_err(|_| first),
        Err(e) => Err(e),
    }
}

fn has_charts(doc: &Document) -> bool {
    fn blocks(bs: &[Block]) -> bool {
        bs.iter().any(|b| matches!(b, Block::Chart { .. }))
    }
    fn section(s: &Section) -> bool {
        blocks(&s.blocks) || s.subsections.iter().any(section)
    }
    blocks(&doc.preamble) || doc.sections.iter().any(section)
}
