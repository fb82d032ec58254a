//! Throughput of each text stage: normalize, fold, tokenize, sentences, pii, teencode,
//! places, language, fingerprint, key phrases, topics, sentiment, spam.
//! (Word segmentation has its own bench, `segment`; the whole analysis, `analyze`.)
//!
//! Input: the file named by `YKIEN_BENCH_TEXT` (e.g. 1 MB of news), or else the small
//! paragraph below repeated to about 200 KB. That paragraph was written for this bench
//! (it is not taken from any corpus): news-style Vietnamese with numbers, dates, money,
//! a phone number, an e-mail address and both tone-mark styles.
//!
//! Run: `cargo bench -p ykien-text --bench text` (kept short: few samples, 2 s each).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use ykien_text::places::Gazetteer;
use ykien_text::{
    fold, keywords, lang, minhash, normalize, pii, sentence, sentiment, spam, teencode, token,
    topics,
};

/// Written for this bench, not from a corpus.
const PARAGRAPH: &str = "Sáng 1/8/2024, Ủy ban Mặt trận Tổ quốc Việt Nam TP. Hà Nội tổ chức hội nghị \
lấy ý kiến Nhân dân về dự thảo quy hoạch giao thông của Q. Ba Đình và P. Thụy Phương. Theo báo cáo, \
trong 6 tháng đầu năm thành phố đã tiếp nhận 12.345 ý kiến, tăng 3,5% so với cùng kỳ; tổng kinh phí \
hỗ trợ các hộ khó khăn đạt 1,5 tỷ đồng, bình quân 500.000đ mỗi hộ. Nhiều ý kiến phản ánh tình trạng \
ùn tắc vào giờ cao điểm từ 7h30 đến 9h, nhất là trên tuyến đường vành đai 3. Bà Nguyễn Thị Hoà, \
cộng tác viên dư luận xã hội, cho biết người dân mong muốn được tham gia góp ý nhiều hơn qua cổng \
thông tin điện tử https://mattran.hanoi.gov.vn hoặc gửi thư về hop.thu@mattran.hanoi.gov.vn. \
Đường dây nóng 0912 345 678 hoạt động cả ngày thứ Bảy và Chủ nhật. PGS.TS. Trần Văn Thuỷ nhận định: \
“Khi chính quyền lắng nghe kịp thời, sự đồng thuận trong xã hội sẽ được củng cố.” Hội nghị kết thúc \
lúc 11:45 cùng ngày, các ý kiến sẽ được tổng hợp, v.v. và gửi tới HĐND thành phố trước ngày 15/9.\n";

fn input() -> String {
    if let Ok(path) = std::env::var("YKIEN_BENCH_TEXT") {
        match std::fs::read_to_string(&path) {
            Ok(text) => return text,
            Err(e) => eprintln!("YKIEN_BENCH_TEXT={path}: {e}; using the built-in paragraph"),
        }
    }
    PARAGRAPH.repeat(200_000 / PARAGRAPH.len() + 1)
}

fn stages(c: &mut Criterion) {
    let text = input();
    let normalized = normalize::normalize(&text).text;
    eprintln!("bench input: {} bytes", text.len());
    let mut g = c.benchmark_group("text");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("normalize", |b| {
        b.iter(|| normalize::normalize(black_box(&text)))
    });
    g.bench_function("fold", |b| b.iter(|| fold::fold(black_box(&normalized))));
    g.bench_function("tokenize", |b| {
        b.iter(|| token::tokenize(black_box(&normalized)))
    });
    g.bench_function("sentences", |b| {
        b.iter(|| sentence::sentences(black_box(&normalized)))
    });
    g.bench_function("pii", |b| b.iter(|| pii::detect(black_box(&normalized))));
    g.bench_function("teencode", |b| {
        b.iter(|| teencode::expand(black_box(&normalized)))
    });
    let gazetteer = Gazetteer::default();
    g.bench_function("places", |b| {
        b.iter(|| gazetteer.find_places(black_box(&normalized)))
    });
    g.bench_function("language", |b| {
        b.iter(|| lang::detect(black_box(&normalized)))
    });
    g.bench_function("fingerprint", |b| {
        b.iter(|| minhash::fingerprint(black_box(&normalized)))
    });
    g.bench_function("keywords", |b| {
        b.iter(|| keywords::keyphrases(black_box(&normalized), 8))
    });
    let seeds = topics::SeedScorer::new(topics::Taxonomy::embedded().clone());
    g.bench_function("topics", |b| {
        b.iter(|| seeds.score(black_box(&normalized), 3, 0.15))
    });
    g.bench_function("sentiment", |b| {
        b.iter(|| sentiment::sentiment(black_box(&normalized)))
    });
    g.bench_function("spam", |b| b.iter(|| spam::detect(black_box(&text))));
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
