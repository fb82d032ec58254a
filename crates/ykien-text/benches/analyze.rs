//! Throughput of the whole reading of a document: `Analyzer::analyze`, the call behind
//! `ykien analyze` and the intake pipeline (normalize, language, teencode, segmentation,
//! places, personal data, key phrases, fingerprint).
//!
//! Input: the file named by `YKIEN_BENCH_TEXT` (e.g. 1 MB of news), analysed as one
//! document, or else the short paragraph below. That paragraph was written for this bench,
//! not taken from any corpus.
//!
//! Run: `cargo bench -p ykien-text --bench analyze` (few samples, kept short).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use ykien_text::analysis::Analyzer;

/// Written for this bench, not from a corpus: a citizen's feedback with a place, a
/// phone number, old tone placement and some chat spelling.
const PARAGRAPH: &str = "Kính gửi Ủy ban Mặt trận Tổ quốc phường Thụy Phương, quận Bắc Từ Liêm. \
Tôi là người dân sống ở ngõ 12 đường Thụy Phương, xin phản ánh tình trạng rác thải không được \
thu gom đã ba ngày nay, mùi hôi ảnh hưởng tới sức khoẻ của bà con, nhất là trẻ nhỏ. Đường ống \
thoát nước cũng bị tắc, mỗi khi mưa to nước ngập tới đầu gối. Mong các cơ quan chức năng sớm \
kiểm tra, xử lý. Nếu cần thêm thông tin xin gọi 0912 345 678 hoặc gửi thư về an@example.vn. \
Ko bít gửi ý kiến ở đâu nữa nên mik viết vào đây, mong dc trả lời sớm. Xin cảm ơn!";

fn input() -> (String, &'static str) {
    if let Ok(path) = std::env::var("YKIEN_BENCH_TEXT") {
        match std::fs::read_to_string(&path) {
            Ok(text) => return (text, "file"),
            Err(e) => eprintln!("YKIEN_BENCH_TEXT={path}: {e}; using the built-in paragraph"),
        }
    }
    (PARAGRAPH.to_string(), "paragraph")
}

fn analyze(c: &mut Criterion) {
    let (text, label) = input();
    let analyzer = Analyzer::default();
    // models and the gazetteer automaton load on first use; keep that out of the timing
    black_box(analyzer.analyze("Hà Nội"));
    eprintln!("bench input ({label}): {} bytes", text.len());
    let mut g = c.benchmark_group("analyze");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(if text.len() > 100_000 {
            10
        } else {
            3
        }));
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function(label, |b| b.iter(|| analyzer.analyze(black_box(&text))));
    g.finish();
}

criterion_group!(benches, analyze);
criterion_main!(benches);
