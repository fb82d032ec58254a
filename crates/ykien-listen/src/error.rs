use ykien_store::StoreError;

/// What can go wrong while listening: the store's errors, passed through so that callers
/// keep telling the user's mistakes (`is_user_error`) from the environment's.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ListenError {
    pub fn is_user_error(&self) -> bool {
        match self {
            ListenError::Store(e) => e.is_user_error(),
        }
    }
}
