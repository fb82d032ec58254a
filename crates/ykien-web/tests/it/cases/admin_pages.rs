//! Pages of the officers' workspace (admin_pages), over real sockets.
