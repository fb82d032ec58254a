//! The admin pages of the officers' workspace.
