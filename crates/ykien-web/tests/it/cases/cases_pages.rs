//! Pages of the officers' workspace (cases_pages), over real sockets.
