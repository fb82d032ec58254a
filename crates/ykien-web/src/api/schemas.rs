//! OpenAPI schemas of the types the API answers with but does not own: the store's cases and
//! opinion-report fields, the listen crate's suggested cases, and the error body written by
//! [`crate::error::render_errors`].
//!
//! They are descriptions only (derived `Serialize` just so that the schema derive reads the
//! same serde attributes as the real types), never constructed: the store and the listen crate stay free of
//! the OpenAPI dependency (they know nothing of HTTP). What keeps a description honest is the
//! web suite's contract test, which validates every answer of a real server against the
//! published document and fails on a field that is missing, mistyped or undocumented.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// Every error answer of the API: the status again, a stable machine code, and a message in
/// the request's language (Vietnamese unless `?lang=en` or the language cookie says English).
#[derive(Serialize, ToSchema)]
#[schema(
    as = Error,
    example = json!({"error": {"status": 404, "code": "not_found",
                               "message": "Không tìm thấy trang hoặc bản ghi."}})
)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status, repeated.
    #[schema(example = 422)]
    pub status: u16,
    /// Stable code: `bad_request`, `invalid`, `unauthorized`, `forbidden`, `csrf`,
    /// `not_found`, `conflict`, `too_large`, `too_many`, `unavailable` or `internal`.
    #[schema(example = "invalid")]
    pub code: String,
    /// Human message, with the detail that says what to fix (never internal details).
    #[schema(example = "Dữ liệu không hợp lệ. missing field `text`")]
    pub message: String,
}

/// Where an opinion was heard.
#[derive(Serialize, ToSchema)]
#[schema(as = Heard)]
#[serde(rename_all = "snake_case")]
pub enum HeardDoc {
    InPerson,
    Online,
}

/// The fields of a public-opinion report (báo cáo dư luận xã hội), all optional.
#[derive(Serialize, ToSchema)]
#[schema(as = OpinionReport)]
pub struct OpinionReportDoc {
    /// Field or topic as the reporter names it.
    #[schema(example = "giao thông")]
    pub topic_hint: Option<String>,
    #[schema(example = "Phường Ba Đình")]
    pub locality: Option<String>,
    /// Who is concerned (residents of an area, traders, pensioners…).
    #[schema(example = "người dân tổ dân phố 5")]
    pub population: Option<String>,
    #[schema(example = "cao")]
    pub intensity: Option<String>,
    #[schema(example = "tăng")]
    pub trend: Option<String>,
    pub heard: Option<HeardDoc>,
    pub quotes: Option<String>,
    pub proposed_handling: Option<String>,
}

/// Where a case stands in the workflow.
#[derive(Serialize, ToSchema)]
#[schema(as = CaseStatus)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatusDoc {
    New,
    Verifying,
    Forwarded,
    Answered,
    Closed,
}

/// How fast a case must be answered: urgent within 4 working hours, normal within 8.
#[derive(Serialize, ToSchema)]
#[schema(as = Severity)]
#[serde(rename_all = "lowercase")]
pub enum SeverityDoc {
    Urgent,
    Normal,
}

/// A case (vụ việc) as listed.
#[derive(Serialize, ToSchema)]
#[schema(as = Case)]
pub struct CaseDoc {
    #[schema(example = 12)]
    pub id: i64,
    /// Unit id of the case.
    #[schema(example = "00004")]
    pub unit: String,
    #[schema(example = "Phường Ba Đình")]
    pub unit_name: String,
    #[schema(example = "Phản ánh ngập úng đường Đội Cấn")]
    pub title: String,
    pub status: CaseStatusDoc,
    pub severity: SeverityDoc,
    pub assignee_user_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub due_at: DateTime<Utc>,
    /// Past its due date and not yet answered.
    pub overdue: bool,
    /// `unit`, `member_org` or `outside` once forwarded.
    pub forwarded_kind: Option<String>,
    #[schema(example = "iHanoi")]
    pub forwarded_to: Option<String>,
    /// The outside body's reference.
    pub forward_ref: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    #[schema(example = 3)]
    pub item_count: i64,
}

/// An officer's note on a case.
#[derive(Serialize, ToSchema)]
#[schema(as = CaseComment)]
pub struct CaseCommentDoc {
    pub id: i64,
    pub author_user_id: Option<i64>,
    pub author_name: Option<String>,
    #[schema(example = "Đã liên hệ tổ trưởng tổ dân phố.")]
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// One case with its items and comments, as the caller may see it.
#[derive(Serialize, ToSchema)]
#[schema(as = CaseDetail)]
pub struct CaseDetailDoc {
    #[serde(flatten)]
    pub case: CaseDoc,
    /// Item ids; in a reporter's view only its own items.
    pub items: Vec<i64>,
    /// Empty in a reporter's view.
    pub comments: Vec<CaseCommentDoc>,
    /// False: the view of someone who filed one of the items, not of a handler.
    pub handler_view: bool,
}

/// Recent near-duplicate items not yet in a case: a case an officer may open.
#[derive(Serialize, ToSchema)]
#[schema(as = SuggestedCase)]
pub struct SuggestedCaseDoc {
    /// The lowest unit whose subtree holds every item: where the case would be opened.
    #[schema(example = "00004")]
    pub unit: String,
    /// Item ids, oldest first.
    pub items: Vec<i64>,
    /// A title to start from: the oldest item's title, or the beginning of its text.
    pub title: String,
    pub first_received: DateTime<Utc>,
    pub last_received: DateTime<Utc>,
}

/// How an item reached ykien.
#[derive(Serialize, ToSchema)]
#[schema(as = Channel)]
#[serde(rename_all = "lowercase")]
pub enum ChannelDoc {
    Form,
    Citizen,
    Api,
    Import,
    Feed,
    Email,
    Other,
}

/// Need-to-know: a restricted item is seen only by officers and above in its unit's
/// subtree, and by its author.
#[derive(Serialize, ToSchema)]
#[schema(as = Confidentiality)]
#[serde(rename_all = "lowercase")]
pub enum ConfidentialityDoc {
    Normal,
    Restricted,
}

/// Where an item stands in the analysis pipeline.
#[derive(Serialize, ToSchema)]
#[schema(as = ItemStatus)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatusDoc {
    Pending,
    Analyzed,
    Failed,
}

/// What a write did to one item: stored now, or already there (nothing written).
#[derive(Serialize, ToSchema)]
#[schema(as = FiledStatus)]
#[serde(rename_all = "lowercase")]
pub enum FiledStatusDoc {
    Accepted,
    Duplicate,
}

/// What became of one item of a batch.
#[derive(Serialize, ToSchema)]
#[schema(as = BatchStatus)]
#[serde(rename_all = "lowercase")]
pub enum BatchStatusDoc {
    Accepted,
    Duplicate,
    Error,
}
