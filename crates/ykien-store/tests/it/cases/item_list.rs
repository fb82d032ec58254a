//! Store cases of the officers' workspace (item_list).
