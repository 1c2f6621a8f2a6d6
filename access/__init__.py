"""Who may do what: people and their sessions, API tokens, the second factor,
login throttling, the access policy, and the key store that holds residents'
data keys. Kept apart from `api/` so the server and the CLI use it without HTTP."""
