//! Store cases of the officers' workspace (cases_board).
