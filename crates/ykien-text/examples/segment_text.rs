//! Segments text given as arguments, or stdin line by line, and prints the VLSP rendering.
//!
//! cargo run --release -p ykien-text --example segment_text -- "sinh vien vi pham quy che"
//! echo "Hà Nội mùa thu" | cargo run --release -p ykien-text --example segment_text

use std::io::{BufRead, Write};

use ykien_text::segment::Segmenter;

fn main() -> std::io::Result<()> {
    let seg = Segmenter::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.is_empty() {
        for line in std::io::stdin().lock().lines() {
            writeln!(out, "{}", seg.segment_line(&line?))?;
        }
    } else {
        for a in &args {
            writeln!(out, "{}", seg.segment_line(a))?;
        }
    }
    out.flush()
}
