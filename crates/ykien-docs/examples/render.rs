//! Writes the SYNTHETIC sample document (tests/sample: made-up names and figures, labelled
//! so in the document) as HTML (standalone page), DOCX and PDF into a directory:
//!
//! ```text
//! cargo run -p ykien-docs --example render -- /tmp/ykien-docs
//! ```
//!
//! Then open `sample.html` in a browser, `sample.docx` in Word or LibreOffice and
//! `sample.pdf` in any PDF reader.

#[path = "../tests/sample/mod.rs"]
mod sample;

use ykien_docs::{Format, RenderOptions, render};

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: render OUTDIR");
        std::process::exit(2);
    };
    let dir = std::path::PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        std::process::exit(1);
    }
    let doc = sample::document();
    let opts = RenderOptions {
        base_url: Some("https://ykien.example.vn".into()),
        standalone: true,
    };
    let mut failed = false;
    for format in Format::ALL {
        let path = dir.join(format!("sample.{}", format.extension()));
        match render(&doc, format, &opts).map(|bytes| std::fs::write(&path, bytes)) {
            Ok(Ok(())) => println!("{} ({})", path.display(), sample::MARK),
            Ok(Err(e)) => {
                eprintln!("{}: {e}", path.display());
                failed = true;
            }
            Err(e) => {
                eprintln!("{}: {e}", format.as_str());
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
