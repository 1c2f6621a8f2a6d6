"""The running server's wiring: settings, the composition root (`runtime`)
that builds the log, the read models, the hub and the accounts in one place,
the websocket hub and the retention timer."""
