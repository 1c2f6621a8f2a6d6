"""How the product opens the SQLite files it writes: write-ahead log on.

With WAL, readers never block the writer and a commit appends to the log
instead of rewriting pages. `synchronous` says when a commit reaches the
disk: FULL syncs every commit (the key store: a key must be on disk before
the events sealed with it, even across a power cut, see `access.keystore`),
NORMAL syncs at checkpoints (a power cut may lose the last commits, a crash
of the process never does), enough for what can be recreated or retried.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def use_wal(engine: Engine, synchronous: str = "NORMAL", secure_delete: bool = False) -> Engine:
    """Set the pragmas on every connection the engine opens (no-op off SQLite)."""
    if engine.dialect.name != "sqlite":
        return engine

    def pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute(f"PRAGMA synchronous={synchronous}")
        if secure_delete:
            dbapi_conn.execute("PRAGMA secure_delete=ON")

    event.listen(engine, "connect", pragmas)
    return engine
