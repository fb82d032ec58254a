//! Word segmentation throughput on a fixed paragraph of news-like text, with and without
//! diacritics. Small on purpose: the corpus-scale figure comes from `examples/segment_speed`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ykien_text::segment::{Segmenter, Word, strip_marks};

const PARAGRAPH: &str = "Chiều 29/11, tại Hà Nội, Ủy ban Mặt trận Tổ quốc Việt Nam thành phố tổ chức hội nghị \
lấy ý kiến nhân dân về dự thảo quy hoạch giao thông. Nhiều đại biểu cho rằng việc mở rộng đường \
vành đai 2,5 cần được đẩy nhanh, đồng thời bảo đảm quyền lợi của người dân bị thu hồi đất. \
Theo báo cáo, trong 10 tháng đầu năm, thành phố đã giải ngân hơn 12.000 tỷ đồng vốn đầu tư công \
(đạt 65% kế hoạch), tập trung cho các công trình trọng điểm như cầu Tứ Liên và tuyến metro số 3.";

fn bench(c: &mut Criterion) {
    let seg = Segmenter::default();
    let bare = strip_marks(PARAGRAPH);
    let mut words: Vec<Word> = Vec::new();
    let mut group = c.benchmark_group("segment");
    group.throughput(Throughput::Bytes(PARAGRAPH.len() as u64));
    group.bench_function("news_paragraph", |b| {
        b.iter(|| {
            seg.segment_into(black_box(PARAGRAPH), &mut words);
            words.len()
        })
    });
    group.throughput(Throughput::Bytes(bare.len() as u64));
    group.bench_function("news_paragraph_unaccented", |b| {
        b.iter(|| {
            seg.segment_into(black_box(&bare), &mut words);
            words.len()
        })
    });
    group.bench_function("segment_line", |b| {
        b.iter(|| seg.segment_line(black_box(PARAGRAPH)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
