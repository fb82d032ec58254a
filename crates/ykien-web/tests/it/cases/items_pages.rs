//! Pages of the officers' workspace (items_pages), over real sockets.
