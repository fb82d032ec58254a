//! Shared synthetic data for the classify tests (no real corpus needed).
#![allow(dead_code)]

/// Deterministic tiny PRNG so the synthetic corpus is the same on every run.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next_u64() as usize) % xs.len()]
    }
}

pub const TOPICS: [(&str, &[&str]); 3] = [
    (
        "the thao",
        &[
            "bóng đá",
            "cầu thủ",
            "trận đấu",
            "huấn luyện viên",
            "ghi bàn",
            "giải đấu",
            "sân vận động",
        ],
    ),
    (
        "kinh te",
        &[
            "ngân hàng",
            "lãi suất",
            "doanh nghiệp",
            "xuất khẩu",
            "thị trường",
            "cổ phiếu",
            "lạm phát",
        ],
    ),
    (
        "y te",
        &[
            "bệnh viện",
            "bác sĩ",
            "điều trị",
            "bệnh nhân",
            "tiêm chủng",
            "dịch bệnh",
            "thuốc",
        ],
    ),
];

pub const COMMON: [&str; 12] = [
    "hôm nay",
    "theo",
    "cho biết",
    "người dân",
    "thành phố",
    "năm",
    "mới",
    "nhiều",
    "của",
    "và",
    "đã",
    "trong",
];

/// `n` synthetic texts: a few topic words among more common words (synthetic, clearly
/// separable by construction).
pub fn synthetic(n: usize, seed: u64) -> Vec<(String, String)> {
    let mut r = Lcg(seed);
    (0..n)
        .map(|i| {
            let (label, words) = TOPICS[i % TOPICS.len()];
            let mut parts: Vec<&str> = Vec::new();
            for _ in 0..3 {
                parts.push(r.pick(words));
            }
            for _ in 0..8 {
                parts.push(r.pick(&COMMON));
            }
            for j in (1..parts.len()).rev() {
                let k = (r.next_u64() as usize) % (j + 1);
                parts.swap(j, k);
            }
            (parts.join(" "), label.to_string())
        })
        .collect()
}
