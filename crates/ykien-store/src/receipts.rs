//! Receipts for citizens' feedback: a citizen has no account, so the receipt code handed out
//! after submitting is the only key to the feedback's status. The code is the item's
//! external id under [`CITIZEN_SOURCE`], so the (source, external_id) index finds it and no
//! extra table is needed. The lookup is deliberately unscoped (the code itself is the
//! capability) and answers the processing status only, nothing of the item's content.

use crate::db::db;
use crate::{Store, StoreError};

/// The source of every item sent through the public feedback form.
pub const CITIZEN_SOURCE: &str = "citizen-feedback";

/// What a receipt code reveals: how far its item has got, and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    /// Received and waiting for (or failed in) automatic processing; a citizen need not know
    /// the difference.
    Received,
    /// Received and read by the pipeline: it is in the officers' lists.
    Processed,
}

impl Store {
    /// The status of the citizen item whose receipt code is `code`; None for an unknown code.
    pub async fn receipt_status(&self, code: &str) -> Result<Option<ReceiptStatus>, StoreError> {
        let code = code.trim();
        if code.is_empty() || code.len() > 64 {
            return Ok(None);
        }
        let status: Option<String> = db!(self, |pool| {
            sqlx::query_scalar("SELECT status FROM items WHERE source = $1 AND external_id = $2")
                .bind(CITIZEN_SOURCE)
                .bind(code)
                .fetch_optional(pool)
                .await?
        });
        Ok(status.map(|s| match s.as_str() {
            "analyzed" => ReceiptStatus::Processed,
            _ => ReceiptStatus::Received,
        }))
    }
}
