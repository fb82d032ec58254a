//! A realistic background of items, generated.
//!
//! **Synthetic data, labelled as such**: the texts below were written for this test in the
//! style of residents' feedback and collaborators' reports (no public corpus of such reports
//! exists); names of people are invented; units are real Hanoi wards. Timestamps are
//! generated: five weeks of hourly Poisson arrivals per ward and topic, with a daily rhythm
//! (office hours busy, nights quiet, in Hanoi time) and a weekly one (weekends at half rate),
//! from a fixed seed.

use ykien_store::{Channel, Confidentiality, NewItem, OpinionReport, Store};

/// Wards of Hanoi (current units).
pub const WARDS: [&str; 6] = ["00004", "00008", "00025", "00070", "00082", "00103"];

/// Texts by intended topic (the pipeline's classifier decides the stored topic).
pub const TEXTS: [(&str, &[&str]); 3] = [
    (
        "environment",
        &[
            "Rác thải sinh hoạt ở đầu ngõ không được thu gom, bốc mùi hôi thối",
            "Khói bụi từ công trình xây dựng gây ô nhiễm không khí cho khu dân cư",
            "Cống thoát nước bị tắc, nước thải tràn ra đường gây ô nhiễm môi trường",
            "Người dân đốt rác ngoài bãi đất trống, khói gây ô nhiễm",
        ],
    ),
    (
        "traffic_urban",
        &[
            "Vỉa hè bị lấn chiếm để bán hàng, người đi bộ phải đi xuống lòng đường",
            "Đèn tín hiệu giao thông ở ngã tư bị hỏng, ùn tắc giao thông giờ cao điểm",
            "Mặt đường có nhiều ổ gà, xe máy đi qua rất nguy hiểm",
            "Ô tô đỗ trái phép dưới lòng đường gây ùn tắc giao thông",
        ],
    ),
    (
        "health",
        &[
            "Trạm y tế phường đông người chờ tiêm chủng, cần thêm bàn khám",
            "Người dân phản ánh giá thuốc ở nhà thuốc gần bệnh viện tăng cao",
            "Cần tăng cường phòng chống sốt xuất huyết, nhiều ca mắc trong tổ dân phố",
            "Bệnh viện quá tải, người bệnh phải nằm ghép giường",
        ],
    ),
];

/// The burst: one topic, one ward, the last two hours.
pub const BURST_WARD: &str = "00025";
pub const BURST_TEXTS: &[&str] = &[
    "Kênh thoát nước bốc mùi hôi thối nồng nặc, rác thải ùn ứ gây ô nhiễm",
    "Nước thải đen ngòm chảy ra kênh, mùi hôi thối ô nhiễm môi trường nghiêm trọng",
    "Rác thải và nước thải ô nhiễm bốc mùi hôi thối khắp khu dân cư ven kênh",
    "Ô nhiễm môi trường ven kênh, cá chết nổi trắng, mùi hôi thối",
];

/// A small deterministic generator (PCG-style LCG), so the background is the same each run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
    pub fn poisson(&mut self, mu: f64) -> u32 {
        let l = (-mu).exp();
        let (mut k, mut p) = (0u32, 1.0);
        loop {
            p *= self.uniform();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
    pub fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs[(self.uniform() * xs.len() as f64) as usize % xs.len()]
    }
}

/// Relative rate at a Unix time: Hanoi office hours busy, nights quiet, weekends half.
pub fn rhythm(t: i64) -> f64 {
    let local = t + 7 * 3600;
    let hour = (local.rem_euclid(86_400)) / 3600;
    let weekday = (local.div_euclid(86_400) + 4).rem_euclid(7); // 0 = Sunday
    let h = match hour {
        0..=5 | 22..=23 => 0.15,
        8..=11 | 14..=17 => 1.7,
        _ => 1.0,
    };
    let w = if weekday == 0 || weekday == 6 {
        0.5
    } else {
        1.0
    };
    h * w
}

pub fn item(unit: &str, text: String, at: i64, n: usize) -> NewItem {
    NewItem {
        unit: unit.into(),
        source: "synthetic-collaborators".into(),
        channel: Channel::Import,
        external_id: Some(format!("bg-{n}")),
        author_user_id: None,
        author_contact: None,
        occurred_at: chrono::DateTime::from_timestamp(at, 0),
        text,
        title: None,
        report: OpinionReport::default(),
        confidentiality: Confidentiality::Normal,
        dedup_text: String::new(),
    }
}

/// Submits `days` of background ending at `now` (excluded); returns (id, ward, time) of each.
pub async fn submit_background(
    store: &Store,
    now: i64,
    days: i64,
) -> Vec<(i64, &'static str, i64)> {
    let mut rng = Rng::new(20_261_129);
    let mut n = 0;
    let mut out = Vec::new();
    let start = (now - days * 86_400).div_euclid(3600) * 3600;
    for (w, ward) in WARDS.iter().enumerate() {
        for (k, (_, texts)) in TEXTS.iter().enumerate() {
            // Items a day for this ward and topic: 0.5 to 2.
            let daily = 0.5 + 1.5 * (((w * 3 + k) * 7919 % 17) as f64 / 16.0);
            let mut t = start;
            while t < now {
                // Normalized so that the rhythm averages about 1 over a week.
                let mu = daily / 24.0 * rhythm(t) / 0.92;
                for _ in 0..rng.poisson(mu) {
                    let at = t + (rng.uniform() * 3600.0) as i64;
                    if at >= now {
                        continue;
                    }
                    let text = format!("{} (tổ {}, phiếu {n})", rng.pick(texts), 1 + n % 23);
                    let s = ykien_listen::submit(store, None, item(ward, text, at, n))
                        .await
                        .expect("submit background");
                    assert!(s.created);
                    out.push((s.id, *ward, at));
                    n += 1;
                }
                t += 3600;
            }
        }
    }
    out
}
