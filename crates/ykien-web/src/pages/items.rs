//! The items pages of the officers' workspace.
