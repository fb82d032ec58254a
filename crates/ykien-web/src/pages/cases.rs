//! The cases pages of the officers' workspace.
