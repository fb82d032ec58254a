/// Domain errors: bad names coming from the outside (CLI flags, forms, API bodies).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error(
        "unknown role {0:?} (expected one of: admin, leader, officer, editor, collaborator, viewer)"
    )]
    UnknownRole(String),
    #[error("invalid unit id {0:?}")]
    InvalidUnitId(String),
}
