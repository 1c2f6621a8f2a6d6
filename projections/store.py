"""Where read models keep their rows and the log position they have applied.

Rows and position are written in one transaction, so a read model that
restarts after a crash resumes exactly where it stopped.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    select,
)

metadata = MetaData()

tracking = Table(
    "view_tracking",
    metadata,
    Column("view", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("layout", Integer, nullable=False),
)

rows = Table(
    "view_rows",
    metadata,
    Column("view", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("doc", Text, nullable=False),
)


class ViewStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_wal)
        metadata.create_all(self.engine)

    def load(self, view: str, layout: int) -> tuple[int, dict[str, Any]]:
        """The view's position and rows; empty if its layout changed, so it rebuilds."""
        with self.engine.begin() as conn:
            row = conn.execute(select(tracking).where(tracking.c.view == view)).first()
            if row is None or row.layout != layout:
                self._reset(conn, view, layout)
                return 0, {}
            docs = conn.execute(select(rows.c.id, rows.c.doc).where(rows.c.view == view))
            return row.position, {r.id: json.loads(r.doc) for r in docs}

    def save(self, view: str, previous: int, position: int, docs: dict[str, Any]) -> bool:
        """Move the view from `previous` to `position`, writing its changed rows,
        in one transaction. Several server processes may follow one database:
        only the first to make a given move writes it (the others find the
        position already moved and write nothing), so nothing is applied twice.
        """
        with self.engine.begin() as conn:
            moved = conn.execute(
                tracking.update()
                .where(tracking.c.view == view, tracking.c.position == previous)
                .values(position=position)
            )
            if moved.rowcount != 1:
                return False
            if docs:
                conn.execute(delete(rows).where(rows.c.view == view, rows.c.id.in_(list(docs))))
                conn.execute(
                    insert(rows),
                    [{"view": view, "id": k, "doc": json.dumps(v)} for k, v in docs.items()],
                )
            return True

    def reset(self, view: str, layout: int) -> None:
        with self.engine.begin() as conn:
            self._reset(conn, view, layout)

    @staticmethod
    def _reset(conn: Any, view: str, layout: int) -> None:
        conn.execute(delete(rows).where(rows.c.view == view))
        conn.execute(delete(tracking).where(tracking.c.view == view))
        conn.execute(insert(tracking).values(view=view, position=0, layout=layout))

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_wal(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA journal_mode=WAL")
    dbapi_conn.execute("PRAGMA synchronous=NORMAL")
