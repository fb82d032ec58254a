use ykien_listen::ListenError;
use ykien_store::StoreError;

/// What can stop the poller or a command. A failed fetch is not one of these: it is
/// recorded with the source and retried later ([`crate::FetchFailure`]).
#[derive(Debug, thiserror::Error)]
pub enum FeedsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Listen(#[from] ListenError),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

impl FeedsError {
    /// Whether the caller's input (not the environment) is at fault.
    pub fn is_user_error(&self) -> bool {
        match self {
            FeedsError::Store(e) => e.is_user_error(),
            FeedsError::Listen(e) => e.is_user_error(),
            FeedsError::Client(_) => false,
        }
    }
}
