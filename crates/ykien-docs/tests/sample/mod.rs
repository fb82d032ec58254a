//! A SYNTHETIC sample document for tests and `examples/render.rs`: every name, number and
//! quotation below is made up for illustration (and says so in the document itself). It
//! exercises every part of the model: the header with a superior body and a draft mark, a
//! preamble, sections and sub-sections, runs with bold/italic/links, a list, a quotation, a
//! table, a chart from ykien-charts, recipients, signature and footnote, with enough text
//! to fill more than one page (so page numbers show).

#![allow(dead_code)]

use ykien_charts::{BarRow, Bars, Chart, Lang, Meta};
use ykien_docs::*;

pub const MARK: &str = "DỮ LIỆU MINH HỌA";

fn p(text: &str) -> Block {
    Block::Paragraph {
        runs: vec![Run::plain(text)],
    }
}

fn cells(row: &[&str]) -> Vec<Cell> {
    row.iter().map(|c| Cell::plain(*c)).collect()
}

pub fn chart() -> Block {
    let bars = Bars {
        meta: Meta {
            id: "sample-topics".into(),
            title: "Số ý kiến theo lĩnh vực, tháng 11/2026 (minh họa)".into(),
            desc: "Đời sống, việc làm nhiều nhất; môi trường tăng mạnh so với tháng 10 (số liệu minh họa)."
                .into(),
            no_data: "Chưa có dữ liệu".into(),
            lang: Lang::Vi,
        },
        rows: vec![
            BarRow {
                label: "Đời sống, việc làm".into(),
                value: 1234,
                previous: Some(1010),
            },
            BarRow {
                label: "Môi trường, đô thị".into(),
                value: 876,
                previous: Some(512),
            },
            BarRow {
                label: "Y tế, giáo dục".into(),
                value: 455,
                previous: Some(470),
            },
            BarRow {
                label: "Thủ tục hành chính".into(),
                value: 301,
                previous: Some(298),
            },
        ],
        label_header: "Lĩnh vực".into(),
        value_header: "Số ý kiến".into(),
        change_header: "So với tháng 10".into(),
    };
    let t = bars.table();
    Block::Chart {
        caption: "Biểu đồ 1. Số ý kiến theo lĩnh vực (số liệu minh họa)".into(),
        svg: bars.svg(),
        table: Table {
            caption: t.caption,
            columns: t
                .columns
                .into_iter()
                .map(|c| Column {
                    header: c.header,
                    numeric: c.numeric,
                })
                .collect(),
            rows: t
                .rows
                .into_iter()
                .map(|r| r.into_iter().map(Cell::plain).collect())
                .collect(),
        },
    }
}

pub fn document() -> Document {
    let filler = "Các ý kiến phản ánh tập trung vào việc bảo đảm đời sống, việc làm của người lao động \
                  sau sắp xếp đơn vị hành chính; nhiều ý kiến đề nghị công khai tiến độ giải quyết, \
                  rút ngắn thời gian trả lời và tăng cường đối thoại trực tiếp giữa chính quyền với Nhân \
                  dân ở cơ sở. Thường trực Ủy ban đã tổng hợp, phân loại và chuyển các kiến nghị đến \
                  cơ quan có thẩm quyền theo quy định (nội dung minh họa).";
    Document {
        header: Header {
            // Lower case on purpose: the renderers print the decree's capitals themselves.
            superior_body: "Ủy ban MTTQ Việt Nam thành phố Hà Nội".into(),
            issuing_body: "BAN THƯỜNG TRỰC".into(),
            national_title: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
            motto: "Độc lập - Tự do - Hạnh phúc".into(),
            number: "Số: 05/BC-MTTQ-BTT".into(),
            place_date: "Hà Nội, ngày 05 tháng 12 năm 2026".into(),
            draft_mark: "Dự thảo".into(),
        },
        kind_title: "Báo cáo".into(),
        summary: "Tình hình tư tưởng, dư luận xã hội tháng 11 năm 2026 (DỮ LIỆU MINH HỌA)".into(),
        preamble: vec![
            Block::Paragraph {
                runs: vec![
                    Run {
                        text: "Văn bản mẫu tổng hợp, không có thật: ".into(),
                        italic: true,
                        ..Run::default()
                    },
                    Run::plain(
                        "mọi tên, số liệu và trích dẫn dưới đây chỉ để minh họa cách trình bày \
                         theo Nghị định số 30/2020/NĐ-CP. Ký tự đặc biệt: <script>alert(1)</script> & \"ngoặc\".",
                    ),
                ],
            },
            Block::Paragraph {
                runs: vec![
                    Run::plain("Thực hiện chương trình công tác, trong tháng 11 năm 2026 hệ thống đã tiếp nhận "),
                    Run::link("2.866 ý kiến", "/items?unit=01&from=2026-11-01&to=2026-11-30"),
                    Run::plain(" của Nhân dân; "),
                    Run::link("một liên kết không hợp lệ", "javascript:alert(2)"),
                    Run::plain(" được in như chữ thường."),
                ],
            },
        ],
        sections: vec![
            Section {
                heading: "I. TÌNH HÌNH TƯ TƯỞNG, DƯ LUẬN XÃ HỘI".into(),
                blocks: vec![
                    p(filler),
                    Block::Table(Table {
                        caption: "Bảng 1. Số ý kiến theo lĩnh vực (số liệu minh họa)".into(),
                        columns: vec![
                            Column {
                                header: "Lĩnh vực".into(),
                                numeric: false,
                            },
                            Column {
                                header: "Số ý kiến".into(),
                                numeric: true,
                            },
                            Column {
                                header: "Tỷ lệ (%)".into(),
                                numeric: true,
                            },
                        ],
                        rows: vec![
                            vec![
                                Cell::plain("Đời sống, việc làm"),
                                Cell {
                                    text: "1.234".into(),
                                    href: Some("/items?topic=doi-song".into()),
                                },
                                Cell::plain("43,1"),
                            ],
                            cells(&["Môi trường, đô thị", "876", "30,6"]),
                            cells(&["Y tế, giáo dục", "455", "15,9"]),
                            cells(&["Thủ tục hành chính", "301", "10,5"]),
                            cells(&["Tổng cộng", "2.866", "100,0"]),
                        ],
                    }),
                ],
                subsections: vec![
                    Section {
                        heading: "1. Về đời sống, việc làm".into(),
                        blocks: vec![
                            p(filler),
                            Block::List {
                                entries: vec![
                                    vec![Run::plain("Đề nghị công khai tiến độ giải quyết kiến nghị;")],
                                    vec![
                                        Run::bold("Ưu tiên"),
                                        Run::plain(" hỗ trợ người lao động mất việc sau sắp xếp;"),
                                    ],
                                    vec![Run::plain("Tăng cường đối thoại ở cơ sở.")],
                                ],
                            },
                            Block::Quote {
                                text: "Chúng tôi mong thành phố sớm có thông tin rõ ràng về lịch trả lời kiến nghị (ý kiến minh họa)."
                                    .into(),
                                attribution: "Phường Ba Đình, 12/11/2026, cộng tác viên".into(),
                                href: Some("/items/12345".into()),
                            },
                        ],
                        subsections: vec![],
                    },
                    Section {
                        heading: "2. Về môi trường, đô thị".into(),
                        blocks: vec![p(filler), p(filler)],
                        subsections: vec![],
                    },
                ],
            },
            Section {
                heading: "II. DIỄN BIẾN THEO LĨNH VỰC".into(),
                blocks: vec![p(filler), chart(), p(filler)],
                subsections: vec![],
            },
            Section {
                heading: "III. KIẾN NGHỊ, ĐỀ XUẤT".into(),
                blocks: vec![p(filler), p(filler)],
                subsections: vec![],
            },
        ],
        recipients: Recipients {
            label: "Nơi nhận:".into(),
            entries: vec![
                "- Ban Thường trực UBTW MTTQ Việt Nam;".into(),
                "- Thường trực Thành ủy Hà Nội;".into(),
                "- Lưu: VT.".into(),
            ],
        },
        signature: Signature {
            authority: "TM. Ban Thường trực".into(),
            title: "Chủ tịch".into(),
            name: "Nguyễn Văn Minh Họa".into(),
        },
        footnote: "Dự thảo do ykien lập từ 2.866 ý kiến (số liệu minh họa); cán bộ kiểm tra trước khi ban hành."
            .into(),
    }
}
