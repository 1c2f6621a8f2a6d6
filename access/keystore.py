"""The key store for residents' personal data (see `crisis.privacy.model`).

Lives in the accounts database, outside the event log: one AES-256-GCM key
per inquiry and part, tagged with the person. Forgetting a key overwrites it
with NULL (the row stays as a tombstone, so text from before sealing existed
is hidden too) and SQLite's `secure_delete` zeroes the freed bytes, so the
key is gone from the file, not only from the table. On PostgreSQL the old
row version lasts until vacuum; backups keep keys until they expire.

Keys are cached in memory; `refresh` drops the cache whenever any process
has forgotten keys since (a counter in the same database).
"""

from __future__ import annotations

import base64
import logging
import os
import threading
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from crisis.privacy.model import PARTS, Sealed, pseudonym

log = logging.getLogger(__name__)

NONCE = 12
metadata = MetaData()

personal_keys = Table(
    "personal_keys",
    metadata,
    Column("item", String(36), primary_key=True),
    Column("part", String(8), primary_key=True),
    Column("subject", String(36), index=True),
    Column("key", LargeBinary),  # NULL: forgotten
)

# One row: how many times keys were forgotten (so caches know), and the
# secret that turns a handle into a subject id.
key_store_state = Table(
    "key_store_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("forgotten", Integer, nullable=False),
    Column("pepper", LargeBinary, nullable=False),
)


class KeyStore:
    """A `crisis.privacy.model.Vault` on a SQLAlchemy database."""

    def __init__(self, url: str) -> None:
        memory = url in ("sqlite://", "sqlite:///:memory:")
        self.engine = create_engine(url, poolclass=StaticPool) if memory else create_engine(url)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _secure_delete)
        metadata.create_all(self.engine)
        self._pepper, self._seen = self._state()
        self._keys: dict[tuple[str, str], bytes | object] = {}
        self._loaded = False
        self._lock = threading.Lock()

    def _state(self) -> tuple[bytes, int]:
        with self.engine.begin() as conn:
            row = conn.execute(select(key_store_state)).first()
            if row is None:
                state = {"id": 1, "forgotten": 0, "pepper": os.urandom(32)}
                try:
                    with conn.begin_nested():
                        conn.execute(insert(key_store_state).values(**state))
                except IntegrityError:  # another process made it first
                    pass
        with self.engine.connect() as conn:
            row = conn.execute(select(key_store_state)).one()
        return row.pepper, row.forgotten

    # Vault

    def subject(self, channel: str, handle: str) -> UUID:
        return pseudonym(self._pepper, channel, handle)

    def seal(self, item: UUID, part: str, subject: UUID, text: str) -> Sealed:
        key = self._key_for(item, part, subject)
        nonce = os.urandom(NONCE)
        box = nonce + AESGCM(key).encrypt(nonce, text.encode(), _bound(item, part))
        return Sealed(item, part, box=base64.b64encode(box).decode())

    def open(self, sealed: Sealed) -> str | None:
        key = self._lookup(str(sealed.item), sealed.part)
        if sealed.box is None:  # written before sealing existed: hidden once forgotten
            return None if key is FORGOTTEN else sealed.plain
        if not isinstance(key, bytes):
            return None
        box = base64.b64decode(sealed.box)
        try:
            plain = AESGCM(key).decrypt(box[:NONCE], box[NONCE:], _bound(sealed.item, sealed.part))
        except InvalidTag:
            log.warning("sealed %s of %s does not open with its key", sealed.part, sealed.item)
            return None
        return plain.decode()

    def items_of(self, subject: UUID) -> list[UUID]:
        query = select(personal_keys.c.item).where(personal_keys.c.subject == str(subject))
        with self.engine.connect() as conn:
            return sorted({UUID(row.item) for row in conn.execute(query)})

    def forget(self, items: Iterable[UUID], parts: Iterable[str] = PARTS) -> None:
        wanted = [(str(i), p) for i in items for p in parts]
        if not wanted:
            return
        with self.engine.begin() as conn:
            for item, part in wanted:
                done = conn.execute(
                    update(personal_keys)
                    .where(personal_keys.c.item == item, personal_keys.c.part == part)
                    .values(key=None)
                )
                if done.rowcount == 0:  # nothing sealed (an old event): a tombstone hides it
                    conn.execute(insert(personal_keys).values(item=item, part=part, key=None))
            conn.execute(update(key_store_state).values(forgotten=key_store_state.c.forgotten + 1))
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:  # no copy of the old keys left in a journal
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        with self._lock:
            for key in wanted:
                self._keys[key] = FORGOTTEN

    def refresh(self) -> int:
        with self.engine.connect() as conn:
            forgotten = conn.execute(select(key_store_state.c.forgotten)).scalar_one()
        with self._lock:
            if forgotten != self._seen:
                self._keys.clear()
                self._loaded = False
                self._seen = forgotten
        return forgotten

    def close(self) -> None:
        self.engine.dispose()

    # Keys

    def _key_for(self, item: UUID, part: str, subject: UUID) -> bytes:
        """The key of (item, part), made now if there is none; a forgotten one is never remade."""
        with self.engine.begin() as conn:
            row = conn.execute(_row(str(item), part)).first()
            if row is None:
                key = AESGCM.generate_key(bit_length=256)
                try:
                    values = {"item": str(item), "part": part, "subject": str(subject), "key": key}
                    with conn.begin_nested():
                        conn.execute(insert(personal_keys).values(**values))
                    return key
                except IntegrityError:  # made meanwhile by a concurrent delivery
                    row = conn.execute(_row(str(item), part)).one()
        if row.key is None:
            raise ValueError(f"the {part} of {item} was erased; it cannot be sealed again")
        return row.key

    def _lookup(self, item: str, part: str) -> bytes | object:
        """The key of (item, part): bytes, FORGOTTEN or MISSING. From the cache; on
        the first miss the whole table is read in one go, later misses row by row."""
        with self._lock:
            found = self._keys.get((item, part))
            if found is None and not self._loaded:
                with self.engine.connect() as conn:
                    for row in conn.execute(select(personal_keys)):
                        self._keys[(row.item, row.part)] = _cached(row.key)
                self._loaded = True
                found = self._keys.get((item, part))
        if found is not None:
            return found
        with self.engine.connect() as conn:
            stored = conn.execute(_row(item, part)).first()
        found = _cached(stored.key) if stored else MISSING
        with self._lock:
            self._keys[(item, part)] = found
        return found


FORGOTTEN, MISSING = object(), object()


def _cached(key: bytes | None) -> bytes | object:
    return FORGOTTEN if key is None else key


def _row(item: str, part: str) -> Any:
    return select(personal_keys).where(personal_keys.c.item == item, personal_keys.c.part == part)


def _bound(item: UUID, part: str) -> bytes:
    """Associated data: a box opens only as the part of the item it was sealed for."""
    return f"{item}/{part}".encode()


def _secure_delete(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA secure_delete=ON")
