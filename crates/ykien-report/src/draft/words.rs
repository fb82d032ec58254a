//! The words of a report, Vietnamese first and English for `lang = en`, in one catalogue so
//! that no literal is scattered through the drafting code. A struct rather than a TOML file:
//! the compiler checks that both languages have every entry, and a report never fails on a
//! missing key. Placeholders are `{name}`, replaced by the caller.
//!
//! The Vietnamese wording follows the administrative style of the Front's documents
//! (Decree 30/2020/NĐ-CP; Hướng dẫn 91/HD-MTTW-BTT) and of its public-opinion reports
//! (see the sources in [`crate::draft`]).

/// The language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" | "vn" | "vie" => Some(Lang::Vi),
            "en" | "eng" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub(crate) fn charts(self) -> ykien_charts::Lang {
        match self {
            Lang::Vi => ykien_charts::Lang::Vi,
            Lang::En => ykien_charts::Lang::En,
        }
    }
}

/// Every word a report prints.
pub struct Words {
    // Periods.
    pub period_month: &'static str,
    pub month_names: [&'static str; 12],
    pub period_quarter: &'static str,
    pub period_week: &'static str,
    pub period_range: &'static str,
    pub period_day: &'static str,

    // Header, title, closing blocks.
    pub national_title: &'static str,
    pub motto: &'static str,
    pub committee: &'static str,
    pub standing_board: &'static str,
    pub number: &'static str,
    pub symbol: &'static str,
    pub place_date: &'static str,
    pub draft_mark: &'static str,
    pub kind_title: &'static str,
    pub kind_title_flash: &'static str,
    pub summary: &'static str,
    pub summary_unit: &'static str,
    pub summary_flash: &'static str,
    pub recipients_label: &'static str,
    pub recipients_city: &'static [&'static str],
    pub recipients_lower: &'static [&'static str],
    pub archive: &'static str,
    pub sign_authority: &'static str,
    pub sign_title: &'static str,

    // Preamble: the basis and the general situation.
    pub basis: &'static str,
    pub general_label: &'static str,
    pub general_total: &'static str,
    pub general_total_no_previous: &'static str,
    pub previous_span: &'static str,
    pub up: &'static str,
    pub up_no_percent: &'static str,
    pub down: &'static str,
    pub same: &'static str,
    pub opinions: &'static str,
    /// One opinion (English has a singular).
    pub opinion: &'static str,
    pub general_channels: &'static str,
    pub channel_names: [(&'static str, &'static str); 7],
    pub general_units: &'static str,
    pub general_direct: &'static str,
    pub general_pending: &'static str,
    pub general_hidden: &'static str,
    pub general_completion: &'static str,
    pub general_none: &'static str,

    // Charts.
    pub chart_series: &'static str,
    pub chart_series_desc: &'static str,
    pub chart_topics: &'static str,
    pub chart_topics_desc: &'static str,
    pub chart_sentiment: &'static str,
    pub chart_sentiment_desc: &'static str,
    pub chart_units: &'static str,
    pub chart_units_desc: &'static str,
    pub current: &'static str,
    pub previous: &'static str,
    pub date: &'static str,
    pub topic: &'static str,
    pub unit: &'static str,
    pub count: &'static str,
    pub change: &'static str,
    pub period: &'static str,
    pub negative: &'static str,
    pub neutral: &'static str,
    pub positive: &'static str,
    pub total: &'static str,
    pub no_data: &'static str,
    pub not_analysed: &'static str,

    // I. Main trends.
    pub s1: &'static str,
    pub s1_intro: &'static str,
    pub s1_topic_share: &'static str,
    pub s1_sentiment: &'static str,
    pub s1_topic_line: &'static str,
    pub share_up: &'static str,
    pub share_down: &'static str,
    pub share_same: &'static str,
    pub s1_none: &'static str,
    pub quote_attribution: &'static str,

    // II. Issues.
    pub s2: &'static str,
    pub s2_issue: &'static str,
    pub s2_scope: &'static str,
    pub s2_scope_one: &'static str,
    pub s2_trend: &'static str,
    pub s2_localities: &'static str,
    pub s2_none: &'static str,
    pub s2_cases: &'static str,
    pub s2_cases_none: &'static str,
    pub case_col_case: &'static str,
    pub case_col_unit: &'static str,
    pub case_col_items: &'static str,
    pub case_col_status: &'static str,
    pub case_col_due: &'static str,
    pub overdue_mark: &'static str,
    pub status_names: [(&'static str, &'static str); 5],
    pub severity_urgent: &'static str,
    pub severity_normal: &'static str,

    // III. False information and rumours.
    pub s3: &'static str,
    pub s3_intro: &'static str,
    pub s3_group: &'static str,
    pub s3_none: &'static str,

    // IV. Forecast.
    pub s4: &'static str,
    pub s4_note: &'static str,
    pub s4_rising: &'static str,
    pub s4_steady: &'static str,
    pub s4_quiet: &'static str,
    pub s4_overdue: &'static str,
    pub s4_rumours: &'static str,

    // V. Proposals.
    pub s5: &'static str,
    pub s5_collaborators: &'static str,
    pub s5_proposal: &'static str,
    pub s5_forwarded: &'static str,
    pub s5_forwarded_line: &'static str,
    pub s5_general: &'static str,

    // Footnote.
    pub footnote: &'static str,
    pub footnote_capped: &'static str,

    // Flash report.
    pub f1: &'static str,
    pub f1_what: &'static str,
    pub f1_where: &'static str,
    pub f2: &'static str,
    pub f2_none: &'static str,
    pub f3: &'static str,
    pub f3_status: &'static str,
    pub f3_forwarded: &'static str,
    pub ev_opened: &'static str,
    pub ev_step: &'static str,
    pub ev_forward: &'static str,
    pub ev_assigned: &'static str,
    pub ev_comment: &'static str,
    pub ev_reply: &'static str,
    pub ev_items: &'static str,
    pub ev_merged_in: &'static str,
    pub ev_merged_into: &'static str,
    pub ev_split: &'static str,
    pub ev_other: &'static str,
    pub f4: &'static str,
    pub f4_default: &'static str,
    pub flash_footnote: &'static str,
}

/// The words of `lang`.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

impl Words {
    /// A channel's name for the reader ("form" → "báo cáo của cộng tác viên").
    pub fn channel(&self, key: &str) -> String {
        self.channel_names
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| key.to_string())
    }

    /// A case status's name ("forwarded" → "đã chuyển").
    pub fn status(&self, key: &str) -> String {
        self.status_names
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| key.to_string())
    }
}

static VI: Words = Words {
    period_month: "tháng {month} năm {year}",
    month_names: [
        "tháng 1",
        "tháng 2",
        "tháng 3",
        "tháng 4",
        "tháng 5",
        "tháng 6",
        "tháng 7",
        "tháng 8",
        "tháng 9",
        "tháng 10",
        "tháng 11",
        "tháng 12",
    ],
    period_quarter: "quý {q} năm {year}",
    period_week: "tuần {week} ({range})",
    period_range: "từ ngày {from} đến ngày {to}",
    period_day: "ngày {day}",

    national_title: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    motto: "Độc lập - Tự do - Hạnh phúc",
    committee: "ỦY BAN MTTQ VIỆT NAM {NAME}",
    standing_board: "BAN THƯỜNG TRỰC",
    number: "Số: {number}",
    symbol: "BC-MTTQ-BTT",
    place_date: "Hà Nội, ngày {d} tháng {m} năm {y}",
    draft_mark: "DỰ THẢO",
    kind_title: "BÁO CÁO",
    kind_title_flash: "BÁO CÁO NHANH",
    summary: "Tình hình dư luận xã hội {period}",
    summary_unit: "Tình hình dư luận xã hội {period} trên địa bàn {unit}",
    summary_flash: "Về vụ việc: {title}",
    recipients_label: "Nơi nhận:",
    recipients_city: &[
        "- Ban Thường trực UBTƯ MTTQ Việt Nam;",
        "- Thường trực Thành ủy Hà Nội;",
        "- Ban Tuyên giáo và Dân vận Thành ủy;",
        "- Thường trực HĐND, UBND Thành phố;",
    ],
    recipients_lower: &[
        "- Ban Thường trực Ủy ban MTTQ Việt Nam {parent};",
        "- Thường trực Đảng ủy {unit};",
        "- Thường trực HĐND, UBND {unit};",
    ],
    archive: "- Lưu: VT.",
    sign_authority: "TM. BAN THƯỜNG TRỰC",
    sign_title: "CHỦ TỊCH",

    basis: "Thực hiện Kết luận số 100-KL/TW ngày 18/8/2014 của Ban Bí thư về đổi mới và nâng cao \
            chất lượng công tác điều tra, nắm bắt, nghiên cứu dư luận xã hội, Ban Thường trực \
            Ủy ban MTTQ Việt Nam {unit} báo cáo tình hình tư tưởng, dư luận xã hội {period} \
            như sau:",
    general_label: "Khái quát chung: ",
    general_total: "Trong {period}, đã ghi nhận {n} trên địa bàn {unit}, {change} so với kỳ \
                    trước ({previous}).",
    general_total_no_previous: "Trong {period}, đã ghi nhận {n} trên địa bàn {unit}; kỳ \
                                trước ({previous}) chưa ghi nhận ý kiến nào.",
    previous_span: "{span}: {n}",
    up: "tăng {d} ý kiến ({p})",
    up_no_percent: "tăng {d} ý kiến",
    down: "giảm {d} ý kiến ({p})",
    same: "không thay đổi",
    opinions: "{n} ý kiến",
    opinion: "{n} ý kiến",
    general_channels: "Theo kênh tiếp nhận: {list}.",
    channel_names: [
        ("form", "báo cáo của cộng tác viên"),
        ("citizen", "phản ánh của người dân"),
        ("api", "gửi qua hệ thống khác"),
        ("import", "bình luận trên mạng xã hội"),
        ("feed", "tin tức, trang thông tin điện tử"),
        ("email", "thư điện tử"),
        ("other", "kênh khác"),
    ],
    general_units: "Ý kiến đến từ {k}/{m} đơn vị trực thuộc; nhiều nhất là {list}.",
    general_direct: "{n} được ghi nhận trực tiếp tại {unit}.",
    general_pending: "Còn {n} chưa được phân tích lĩnh vực, thái độ.",
    general_hidden: "Ngoài ra, {n} tin rác, quảng cáo (spam) đã được loại khỏi các số liệu.",
    general_completion: "Về báo cáo của cộng tác viên: {done}/{total} cộng tác viên đã báo cáo \
                         ({rate}), trong đó {nothing} báo cáo không có vấn đề nổi bật; {flash} \
                         báo cáo nhanh.",
    general_none: "Trong {period}, chưa ghi nhận ý kiến nào trên địa bàn {unit}.",

    chart_series: "Số ý kiến theo ngày",
    chart_series_desc: "{n} ý kiến trong kỳ, kỳ trước {p}",
    chart_topics: "Ý kiến theo lĩnh vực",
    chart_topics_desc: "Nhiều nhất: {top}",
    chart_sentiment: "Thái độ của ý kiến",
    chart_sentiment_desc: "Tiêu cực {neg}, trung lập {neu}, tích cực {pos}",
    chart_units: "Đơn vị có nhiều ý kiến nhất",
    chart_units_desc: "Nhiều nhất: {top}",
    current: "Kỳ này",
    previous: "Kỳ trước",
    date: "Ngày",
    topic: "Lĩnh vực",
    unit: "Đơn vị",
    count: "Số ý kiến",
    change: "Thay đổi",
    period: "Kỳ",
    negative: "Tiêu cực",
    neutral: "Trung lập",
    positive: "Tích cực",
    total: "Tổng",
    no_data: "Không có dữ liệu",
    not_analysed: "Chưa phân tích",

    s1: "I. TÌNH HÌNH TƯ TƯỞNG, DƯ LUẬN XÃ HỘI NỔI BẬT",
    s1_intro: "Ý kiến của Nhân dân tập trung vào các lĩnh vực: {list}.",
    s1_topic_share: "{topic} ({n}, chiếm {share})",
    s1_sentiment: "Về thái độ: {neg} tiêu cực ({negp}), {neu} trung lập, {pos} tích cực; tỉ lệ \
                   ý kiến tiêu cực {trend} so với kỳ trước ({prevp}).",
    s1_topic_line: "Ghi nhận {n} ({change} so với kỳ trước), trong đó {neg} tiêu cực. Một số ý \
                    kiến tiêu biểu:",
    share_up: "tăng",
    share_down: "giảm",
    share_same: "tương đương",
    s1_none: "Trong kỳ chưa ghi nhận ý kiến nào.",
    quote_attribution: "{unit}, {date}, {channel}",

    s2: "II. NHỮNG VẤN ĐỀ NHÂN DÂN QUAN TÂM, BỨC XÚC",
    s2_issue: "{topic}: {neg} tiêu cực trên tổng số {n} ({share}); {scope}; {trend}.",
    s2_scope: "ghi nhận tại {k} đơn vị, tập trung ở {places}",
    s2_scope_one: "ghi nhận tại {places}",
    s2_trend: "so với kỳ trước {change}",
    s2_localities: "Địa bàn được cộng tác viên nêu cụ thể: {list}.",
    s2_none: "Trong kỳ chưa ghi nhận vấn đề bức xúc nổi bật.",
    s2_cases: "Hiện có {open} vụ việc đang được xử lý, trong đó {overdue} vụ việc quá hạn. Các \
               vụ việc cần quan tâm:",
    s2_cases_none: "Hiện không có vụ việc nào đang chờ xử lý.",
    case_col_case: "Vụ việc",
    case_col_unit: "Đơn vị",
    case_col_items: "Số ý kiến",
    case_col_status: "Trạng thái",
    case_col_due: "Hạn xử lý",
    overdue_mark: " (quá hạn)",
    status_names: [
        ("new", "mới"),
        ("verifying", "đang xác minh"),
        ("forwarded", "đã chuyển xử lý"),
        ("answered", "đã có trả lời"),
        ("closed", "đã kết thúc"),
    ],
    severity_urgent: "khẩn",
    severity_normal: "thường",

    s3: "III. THÔNG TIN SAI SỰ THẬT, TIN ĐỒN",
    s3_intro: "Ghi nhận {n} phản ánh thông tin sai sự thật, tin đồn, thuộc {g} nội dung:",
    s3_group: "ghi nhận {n} tại {k} đơn vị: {units}; lần đầu ngày {first}",
    s3_none: "Trong kỳ chưa ghi nhận thông tin sai sự thật, tin đồn đáng chú ý.",

    s4: "IV. DỰ BÁO TÌNH HÌNH",
    s4_note: "(Nội dung dự thảo, đề nghị cán bộ rà soát, chỉnh sửa.)",
    s4_rising: "Thời gian tới, dư luận có thể tiếp tục quan tâm đến các lĩnh vực {list}, là \
                những lĩnh vực có số ý kiến tăng so với kỳ trước.",
    s4_steady: "Thời gian tới, tình hình tư tưởng, dư luận xã hội trên địa bàn dự báo cơ bản ổn \
                định; các lĩnh vực được quan tâm nhiều vẫn là {list}.",
    s4_quiet: "Thời gian tới, tình hình tư tưởng, dư luận xã hội trên địa bàn dự báo cơ bản ổn \
               định.",
    s4_overdue: "Hiện còn {n} vụ việc quá hạn chưa được giải quyết; nếu không được xử lý kịp \
                 thời có thể phát sinh bức xúc, khiếu nại kéo dài.",
    s4_rumours: "Các thông tin sai sự thật, tin đồn nêu trên có thể tiếp tục lan truyền trên \
                 mạng xã hội nếu không được cải chính kịp thời.",

    s5: "V. ĐỀ XUẤT, KIẾN NGHỊ",
    s5_collaborators: "Từ báo cáo của cộng tác viên:",
    s5_proposal: " ({n})",
    s5_forwarded: "Đề nghị các cơ quan đã được chuyển vụ việc sớm xem xét, trả lời:",
    s5_forwarded_line: "{title}: đã chuyển {to}{reference}",
    s5_general: "Đề nghị cấp ủy, chính quyền quan tâm chỉ đạo giải quyết dứt điểm những vấn đề \
                 Nhân dân quan tâm, bức xúc nêu trên; kịp thời thông tin chính xác để định hướng \
                 dư luận.",

    footnote: "Dự thảo do hệ thống ykien lập ngày {today} từ {n} của {period}; các số liệu \
               trùng với bảng điều khiển của {unit} cho cùng kỳ, so với {span} liền trước. Mục \
               III nhận diện tự động các ý kiến có nội dung, lĩnh vực, trích dẫn hoặc đề xuất \
               chứa một trong các cụm từ: {markers} (so khớp có dấu; không dấu đối với văn bản \
               viết không dấu); cán bộ cần thẩm định trước khi ban hành. Dữ liệu cá nhân trong \
               trích dẫn (số điện thoại, số định danh, thư điện tử, số tài khoản) đã được che.",
    footnote_capped: " Mục II, III, V xét {n} ý kiến mới nhất của kỳ.",

    f1: "1. Diễn biến vụ việc",
    f1_what: "Vụ việc \"{title}\" (mức độ {severity}) do {unit} tiếp nhận, mở ngày {opened}. Đến \
              nay đã ghi nhận {n} (lần đầu ngày {first}, gần nhất ngày {last}).",
    f1_where: "Địa bàn: {list}.",
    f2: "2. Ý kiến của Nhân dân",
    f2_none: "Chưa có ý kiến nào được gắn với vụ việc.",
    f3: "3. Kết quả xử lý",
    f3_status: "Trạng thái hiện nay: {status}; hạn xử lý: {due}{overdue}.",
    f3_forwarded: "Đã chuyển {to}{reference}.",
    ev_opened: "Mở vụ việc",
    ev_step: "Chuyển trạng thái: {to}",
    ev_forward: "Chuyển {to} xử lý",
    ev_assigned: "Giao cán bộ {to} theo dõi",
    ev_comment: "Ghi chú: {body}",
    ev_reply: "Nội dung trả lời: {body}",
    ev_items: "Bổ sung {n}",
    ev_merged_in: "Gộp vụ việc số {id}",
    ev_merged_into: "Gộp vào vụ việc số {id}",
    ev_split: "Tách {n} sang vụ việc số {id}",
    ev_other: "{action}",
    f4: "4. Đề xuất, kiến nghị",
    f4_default: "Đề nghị cơ quan có thẩm quyền sớm xem xét, giải quyết và thông tin kết quả \
                 để Nhân dân được biết.",
    flash_footnote: "Báo cáo nhanh do hệ thống ykien lập ngày {today} từ vụ việc số {id} và {n} \
                     của vụ việc. Dữ liệu cá nhân trong trích dẫn đã được che.",
};

static EN: Words = Words {
    period_month: "{month_name} {year}",
    month_names: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    period_quarter: "Q{n} {year}",
    period_week: "week {week} ({range})",
    period_range: "from {from} to {to}",
    period_day: "{day}",

    national_title: "SOCIALIST REPUBLIC OF VIET NAM",
    motto: "Independence - Freedom - Happiness",
    committee: "VIETNAM FATHERLAND FRONT COMMITTEE OF {NAME}",
    standing_board: "STANDING BOARD",
    number: "No.: {number}",
    symbol: "BC-MTTQ-BTT",
    place_date: "Hà Nội, {d} {month_name} {y}",
    draft_mark: "DRAFT",
    kind_title: "REPORT",
    kind_title_flash: "FLASH REPORT",
    summary: "Public opinion, {period}",
    summary_unit: "Public opinion in {unit}, {period}",
    summary_flash: "On the case: {title}",
    recipients_label: "To:",
    recipients_city: &[
        "- Standing Board of the Central Committee of the Vietnam Fatherland Front;",
        "- Standing Committee of the Hà Nội Party Committee;",
        "- Propaganda and Mass Mobilization Commission of the Party Committee;",
        "- Standing bodies of the City People's Council and People's Committee;",
    ],
    recipients_lower: &[
        "- Standing Board of the Vietnam Fatherland Front Committee of {parent};",
        "- Standing Committee of the Party Committee of {unit};",
        "- Standing bodies of the People's Council and People's Committee of {unit};",
    ],
    archive: "- Filed: Records.",
    sign_authority: "ON BEHALF OF THE STANDING BOARD",
    sign_title: "CHAIR",

    basis: "Pursuant to Conclusion 100-KL/TW of 18 August 2014 of the Party Secretariat on \
            renewing and improving the investigation, grasp and study of public opinion, the \
            Standing Board of the Vietnam Fatherland Front Committee of {unit} reports on public \
            thought and opinion, {period}, as follows:",
    general_label: "Overview: ",
    general_total: "In {period}, {n} were heard in {unit}, {change} against the previous \
                    period ({previous}).",
    general_total_no_previous: "In {period}, {n} were heard in {unit}; none in the previous \
                                period ({previous}).",
    previous_span: "{span}: {n}",
    up: "up {d} ({p})",
    up_no_percent: "up {d}",
    down: "down {d} ({p})",
    same: "unchanged",
    opinions: "{n} opinions",
    opinion: "{n} opinion",
    general_channels: "By channel: {list}.",
    channel_names: [
        ("form", "collaborators' reports"),
        ("citizen", "citizens' feedback"),
        ("api", "sent by other systems"),
        ("import", "social media comments"),
        ("feed", "news and websites"),
        ("email", "e-mail"),
        ("other", "other channels"),
    ],
    general_units: "Opinions came from {k} of {m} units below; most from {list}.",
    general_direct: "{n} were filed at {unit} itself.",
    general_pending: "{n} are not analysed yet (field, sentiment).",
    general_hidden: "Besides, {n} spam and advertising messages were left out of every figure.",
    general_completion: "Collaborators' reports: {done} of {total} collaborators reported \
                         ({rate}), {nothing} of them with nothing notable; {flash} flash \
                         reports.",
    general_none: "In {period}, no opinion was heard in {unit}.",

    chart_series: "Opinions per day",
    chart_series_desc: "{n} opinions in the period, {p} in the previous one",
    chart_topics: "Opinions by field",
    chart_topics_desc: "Most: {top}",
    chart_sentiment: "Sentiment of the opinions",
    chart_sentiment_desc: "Negative {neg}, neutral {neu}, positive {pos}",
    chart_units: "Units with the most opinions",
    chart_units_desc: "Most: {top}",
    current: "This period",
    previous: "Previous period",
    date: "Day",
    topic: "Field",
    unit: "Unit",
    count: "Opinions",
    change: "Change",
    period: "Period",
    negative: "Negative",
    neutral: "Neutral",
    positive: "Positive",
    total: "Total",
    no_data: "No data",
    not_analysed: "Not analysed",

    s1: "I. MAIN TRENDS OF THOUGHT AND OPINION",
    s1_intro: "People's opinions concentrated on: {list}.",
    s1_topic_share: "{topic} ({n}, {share})",
    s1_sentiment: "Sentiment: {neg} negative ({negp}), {neu} neutral, {pos} positive; the share \
                   of negative opinions {trend} against the previous period ({prevp}).",
    s1_topic_line: "{n} ({change} against the previous period), {neg} of them negative. \
                    Representative opinions:",
    share_up: "rose",
    share_down: "fell",
    share_same: "held steady",
    s1_none: "No opinion was heard in the period.",
    quote_attribution: "{unit}, {date}, {channel}",

    s2: "II. ISSUES PEOPLE CARE ABOUT OR ARE UPSET BY",
    s2_issue: "{topic}: {neg} negative of {n} ({share}); {scope}; {trend}.",
    s2_scope: "heard in {k} units, mostly {places}",
    s2_scope_one: "heard in {places}",
    s2_trend: "against the previous period {change}",
    s2_localities: "Places named by collaborators: {list}.",
    s2_none: "No pressing issue was heard in the period.",
    s2_cases: "{open} cases are being handled, {overdue} of them overdue. Cases needing \
               attention:",
    s2_cases_none: "No case is waiting to be handled.",
    case_col_case: "Case",
    case_col_unit: "Unit",
    case_col_items: "Opinions",
    case_col_status: "Status",
    case_col_due: "Due",
    overdue_mark: " (overdue)",
    status_names: [
        ("new", "new"),
        ("verifying", "verifying"),
        ("forwarded", "forwarded"),
        ("answered", "answered"),
        ("closed", "closed"),
    ],
    severity_urgent: "urgent",
    severity_normal: "normal",

    s3: "III. FALSE INFORMATION AND RUMOURS",
    s3_intro: "{n} reports of false information or rumours, on {g} matters:",
    s3_group: "heard {n} in {k} units: {units}; first on {first}",
    s3_none: "No notable false information or rumour was heard in the period.",

    s4: "IV. FORECAST",
    s4_note: "(Draft wording: to be reviewed and edited by the officer.)",
    s4_rising: "In the coming period, public opinion may keep its attention on {list}, the \
                fields with more opinions than in the previous period.",
    s4_steady: "In the coming period, public thought and opinion is expected to stay broadly \
                stable; the fields of most concern remain {list}.",
    s4_quiet: "In the coming period, public thought and opinion is expected to stay broadly \
               stable.",
    s4_overdue: "{n} cases are overdue; if they are not settled in time, frustration and \
                 prolonged complaints may follow.",
    s4_rumours: "The false information and rumours above may keep spreading on social media \
                 unless corrected in time.",

    s5: "V. PROPOSALS",
    s5_collaborators: "From the collaborators' reports:",
    s5_proposal: " ({n})",
    s5_forwarded: "The bodies that received cases are asked to consider and answer them soon:",
    s5_forwarded_line: "{title}: forwarded to {to}{reference}",
    s5_general: "Party committees and authorities are asked to direct the settlement of the \
                 issues above, and to inform the public accurately and in time.",

    footnote: "Drafted by ykien on {today} from {n} of {period}; the figures equal {unit}'s \
               dashboard for the same period, compared with the {span} before it. Section III \
               finds opinions whose text, field, quotes or proposal contain one of: {markers} \
               (matched with diacritics; without them for text written without them); an \
               officer must check them before issue. Personal data in quotes (phone numbers, \
               ID numbers, e-mail addresses, bank accounts) is masked.",
    footnote_capped: " Sections II, III and V consider the newest {n} opinions of the period.",

    f1: "1. What happened",
    f1_what: "The case \"{title}\" ({severity}) was taken up by {unit} on {opened}. So far {n} \
              were heard (first on {first}, latest on {last}).",
    f1_where: "Places: {list}.",
    f2: "2. What people say",
    f2_none: "No opinion is attached to the case.",
    f3: "3. What has been done",
    f3_status: "Status: {status}; due: {due}{overdue}.",
    f3_forwarded: "Forwarded to {to}{reference}.",
    ev_opened: "Case opened",
    ev_step: "Status changed: {to}",
    ev_forward: "Forwarded to {to}",
    ev_assigned: "Assigned to {to}",
    ev_comment: "Note: {body}",
    ev_reply: "Answer: {body}",
    ev_items: "{n} added",
    ev_merged_in: "Case {id} merged in",
    ev_merged_into: "Merged into case {id}",
    ev_split: "{n} split off into case {id}",
    ev_other: "{action}",
    f4: "4. Proposals",
    f4_default: "The competent body is asked to consider and settle the matter soon and to \
                 inform the public of the outcome.",
    flash_footnote: "Flash report drafted by ykien on {today} from case {id} and its {n}. \
                     Personal data in quotes is masked.",
};
