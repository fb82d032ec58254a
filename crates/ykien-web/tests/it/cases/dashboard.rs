//! Pages of the officers' workspace (dashboard), over real sockets.
