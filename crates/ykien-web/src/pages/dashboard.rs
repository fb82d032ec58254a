//! The dashboard pages of the officers' workspace.
