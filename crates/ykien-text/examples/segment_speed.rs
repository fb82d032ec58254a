//! Segmentation throughput on a text file, one line (paragraph) at a time.
//!
//! cargo run --release -p ykien-text --example segment_speed -- FILE [--out OUT] [--model FILE]
//!
//! Prints one JSON line: bytes, load seconds (model parse), processing seconds and MB/s by
//! the wall clock, and by this thread's CPU time (Linux; robust when the core is shared),
//! and the word count.
//! With `--out`, also writes each line's VLSP rendering ("_" inside words) to OUT.

use std::io::Write;
use std::time::Instant;

use ykien_text::segment::{Segmenter, Word};

/// CPU time of the current thread, from the scheduler's nanosecond counter (Linux only).
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut input = None;
    let mut out_path = None;
    let mut model = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out_path = Some(args.next().ok_or("--out needs a file")?),
            "--model" => model = Some(args.next().ok_or("--model needs a file")?),
            _ => input = Some(a),
        }
    }
    let text = std::fs::read_to_string(input.ok_or("usage: segment_speed FILE [--out OUT]")?)?;
    let t0 = Instant::now();
    let seg = match model {
        Some(m) => Segmenter::from_bytes(&std::fs::read(m)?)?,
        None => Segmenter::default(),
    };
    seg.segment("Hà Nội");
    let load = t0.elapsed().as_secs_f64();
    let cpu0 = thread_cpu_seconds();
    let t1 = Instant::now();
    let mut words: Vec<Word> = Vec::new();
    let mut count = 0usize;
    for line in text.lines() {
        seg.segment_into(line, &mut words);
        count += words.len();
    }
    let proc_s = t1.elapsed().as_secs_f64();
    let cpu_s = thread_cpu_seconds().zip(cpu0).map(|(b, a)| b - a);
    if let Some(p) = out_path {
        let mut f = std::io::BufWriter::new(std::fs::File::create(p)?);
        for line in text.lines() {
            writeln!(f, "{}", seg.segment_line(line))?;
        }
    }
    let cpu = cpu_s.map_or(String::new(), |c| {
        format!(
            ", \"cpu_s\": {c:.4}, \"mb_s_cpu\": {:.2}",
            text.len() as f64 / 1e6 / c
        )
    });
    println!(
        "{{\"tool\": \"ykien\", \"bytes\": {}, \"load_s\": {load:.4}, \"proc_s\": {proc_s:.4}, \"mb_s\": {:.2}{cpu}, \"words\": {count}}}",
        text.len(),
        text.len() as f64 / 1e6 / proc_s
    );
    Ok(())
}
