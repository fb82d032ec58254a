//! Store cases of the officers' workspace (admin).
