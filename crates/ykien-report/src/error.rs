use ykien_store::StoreError;

/// Why a report could not be drafted, or a cycle step not taken.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A period that cannot be read ("2026-13", "2026-W60", a range ending before it starts).
    #[error("{0}")]
    Period(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
