//! Store cases of the officers' workspace (dashboard).
