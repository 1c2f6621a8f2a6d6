"""Where read models keep their rows and the log position they have applied.

Rows and position are written in one transaction, so a read model that
restarts after a crash resumes exactly where it stopped. A save names the
position it continues from and is refused if the stored position moved, so
two writers can never apply the same events on top of each other.

Everything here is derived from the log, so its commits do not wait for the
disk (SQLite: `synchronous=NORMAL` in WAL mode; PostgreSQL: `synchronous_commit
off`): a crash of the machine or the database server can lose the last few,
each whole with its position, and the read model applies those events again.
The log and the key store still sync every commit.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
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
from sqlalchemy.dialects import postgresql, sqlite

from projections.view import View

metadata = MetaData()
ROW_ID = 128

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
    # An incident's header, or an item of it: "<incident>/<part>/<id>". Compared byte by
    # byte (collation C on PostgreSQL), so a group's rows are one index range (`_group`):
    # a linguistic collation may ignore the "/" and put them elsewhere.
    Column(
        "id",
        String(ROW_ID).with_variant(String(ROW_ID, collation="C"), "postgresql"),
        primary_key=True,
    ),
    Column("doc", Text, nullable=False),
)


class ViewMoved(Exception):
    """The stored position is not the one this save continues from."""


@dataclass(frozen=True)
class Stored:
    """A view as stored: None for position and layout if it was never written."""

    position: int | None
    layout: int | None
    docs: dict[str, Any]


class ViewStore:
    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite"):
            self.engine = create_engine(url)
            event.listen(self.engine, "connect", _sqlite_wal)
        else:
            self.engine = create_engine(url, connect_args={"options": "-c synchronous_commit=off"})
        metadata.create_all(self.engine)
        self._fit_row_ids()
        # A changed row is updated in place, not deleted and inserted: on PostgreSQL
        # that keeps the index free of dead entries (a header is rewritten by every
        # batch), which slowed each save more the longer a rebuild ran.
        upsert = (postgresql if self.engine.dialect.name == "postgresql" else sqlite).insert(rows)
        self._upsert = upsert.on_conflict_do_update(
            index_elements=[rows.c.view, rows.c.id], set_={"doc": upsert.excluded.doc}
        )

    def _fit_row_ids(self) -> None:
        """Row ids made before were 64 characters (before items had rows of their
        own) and took the database's collation; PostgreSQL enforces both (SQLite
        neither)."""
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.begin() as conn:
            found = conn.exec_driver_sql(
                "select character_maximum_length, collation_name from information_schema.columns"
                " where table_name = 'view_rows' and column_name = 'id'"
            ).first()
            if found is not None and (found[0] < ROW_ID or found[1] != "C"):
                conn.exec_driver_sql(
                    f'alter table view_rows alter column id type varchar({ROW_ID}) collate "C"'
                )

    def load(self, view: View) -> tuple[int, dict[str, Any]]:
        """The view's position and rows; empty if its layout changed, so it rebuilds.

        With `view.loads`, only the groupless rows (a board's incident headers)
        and the rows of the groups it picks from them are read; the model reads
        the others when it needs them (`rows`)."""
        with self.engine.begin() as conn:
            _create_own_tables(conn, view)
            row = conn.execute(select(tracking).where(tracking.c.view == view.name)).first()
            if row is None or row.layout != view.layout:
                self._reset(conn, view)
                return 0, {}
            if view.loads is None:
                return row.position, self._docs(conn, view.name)
            ungrouped = rows.c.id.not_like("%/%")
            found = conn.execute(
                select(rows.c.id, rows.c.doc).where(rows.c.view == view.name, ungrouped)
            )
            docs: dict[str, Any] = {r.id: json.loads(r.doc) for r in found}
            for group in view.loads(dict(docs)):
                docs.update(self._group(conn, view.name, group))
            return row.position, docs

    def read(self, view: View) -> Stored:
        """The view exactly as stored, changing nothing (for comparisons): its
        rows, and what it gives of its own tables (`View.stored`)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(tracking).where(tracking.c.view == view.name)).first()
            docs = self._docs(conn, view.name)
            if view.stored is not None and row is not None:
                docs.update(view.stored(conn))
        return Stored(row.position if row else None, row.layout if row else None, docs)

    def save(
        self,
        view: str,
        since: int,
        position: int,
        docs: dict[str, str | None],
        writes: Callable[[Connection], None] | None = None,
    ) -> None:
        """Write changed rows (JSON text), what `writes` writes to the view's own
        tables, and move the position to `position`, in one transaction. `docs`
        holds every row changed after `since`, so the save is right from any
        stored position between the two: several server processes on one
        database each follow the log, and whichever is ahead writes; a save the
        store is already past writes nothing (ViewMoved).
        A row given as None is deleted."""
        with self.engine.begin() as conn:
            moved = conn.execute(
                tracking.update()
                .where(
                    tracking.c.view == view,
                    tracking.c.position >= since,
                    tracking.c.position < position,
                )
                .values(position=position)
            )
            if moved.rowcount != 1:
                raise ViewMoved(f"{view} is not between positions {since} and {position}")
            gone = [k for k, v in docs.items() if v is None]
            if gone:
                conn.execute(delete(rows).where(rows.c.view == view, rows.c.id.in_(gone)))
            kept = [{"view": view, "id": k, "doc": v} for k, v in docs.items() if v is not None]
            if kept:
                conn.execute(self._upsert, kept)
            if writes is not None:
                writes(conn)

    def rows(self, view: str, group: str) -> dict[str, Any]:
        """The rows of one group: the row `group` and those whose id starts with
        `group/` (a board incident's header and its items), by an index range."""
        with self.engine.connect() as conn:
            return self._group(conn, view, group)

    @staticmethod
    def _group(conn: Any, view: str, group: str) -> dict[str, Any]:
        found = conn.execute(
            select(rows.c.id, rows.c.doc).where(
                rows.c.view == view, rows.c.id >= group, rows.c.id < group + "0"
            )
        )
        return {r.id: json.loads(r.doc) for r in found if r.id == group or r.id[len(group)] == "/"}

    def scrub(self) -> None:
        """After personal data was removed: fold the write-ahead log into the file
        and empty it, so no older copy of a row lingers there (SQLite)."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def reset(self, view: View) -> None:
        """Empty the view (its rows and own tables), at position 0 of its layout."""
        with self.engine.begin() as conn:
            _create_own_tables(conn, view)
            self._reset(conn, view)

    @staticmethod
    def _docs(conn: Any, view: str) -> dict[str, Any]:
        found = conn.execute(select(rows.c.id, rows.c.doc).where(rows.c.view == view))
        return {r.id: json.loads(r.doc) for r in found}

    @staticmethod
    def _reset(conn: Any, view: View) -> None:
        conn.execute(delete(rows).where(rows.c.view == view.name))
        conn.execute(delete(tracking).where(tracking.c.view == view.name))
        for table in view.tables:
            conn.execute(delete(table))
        conn.execute(insert(tracking).values(view=view.name, position=0, layout=view.layout))

    def close(self) -> None:
        self.engine.dispose()


def _create_own_tables(conn: Any, view: View) -> None:
    for table in view.tables:
        table.create(conn, checkfirst=True)


def _sqlite_wal(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA journal_mode=WAL")
    dbapi_conn.execute("PRAGMA synchronous=NORMAL")
    # Rows may hold residents' personal data until it is erased: zero what is deleted.
    dbapi_conn.execute("PRAGMA secure_delete=ON")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def remove_sqlite(path: Path) -> None:
    """Delete an SQLite file with its write-ahead log and shared memory."""
    for part in _sqlite_parts(path):
        part.unlink(missing_ok=True)


def replace_sqlite(fresh: Path, live: Path) -> None:
    """Switch `live` over to the closed SQLite file `fresh` in one rename.

    The live file's write-ahead log is folded in and removed first: a log left
    beside the new file would be replayed into it."""
    for path in (fresh, live):
        if path.exists():
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
    for part in _sqlite_parts(live)[1:] + _sqlite_parts(fresh)[1:]:
        part.unlink(missing_ok=True)
    os.replace(fresh, live)
    directory = os.open(live.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _sqlite_parts(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
