"""The key store for residents' personal data (see `crisis.privacy.model`).

Lives in the accounts database, outside the event log: one AES-256-GCM key
per inquiry and part, tagged with the person. Forgetting a key overwrites it
with NULL (the row stays as a tombstone, so text from before sealing existed
is hidden too) and SQLite's `secure_delete` zeroes the freed bytes, so the
key is gone from the file, not only from the table. On PostgreSQL the old
row version lasts until vacuum; backups keep keys until they expire.

Sealing costs no transaction of its own: a new key waits in memory until
the log saves the events sealed with it, and `keep` then writes every key of
the save in one transaction, just before the events' transaction. A crash
between the two leaves at most a key no event uses (the next delivery of the
same message adopts it), never an event whose key is missing. That key store
transaction syncs to disk in full (`access.sqlite`), so even a power cut
cannot keep the events and lose their keys.

Keys are cached in memory, at most `CACHED` (the oldest go first: a log of
years holds keys for hundreds of thousands of inquiries, and readers that
open many at once, the read models' batches and replays, `preload` them in
one read); `refresh` drops the cache whenever any process has forgotten keys
since (a counter in the same database).
"""

from __future__ import annotations

import base64
import itertools
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import IntegrityError as EventStoreRefused
from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from access.sqlite import use_wal
from crisis.privacy.model import PARTS, Sealed, pseudonym

log = logging.getLogger(__name__)

NONCE = 12
CACHED = 100_000  # (item, part) keys kept in memory
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
        engine = (
            create_engine(url, poolclass=StaticPool)
            if memory
            else create_engine(url, pool_pre_ping=True)
        )
        self.engine = use_wal(engine, synchronous="FULL", secure_delete=True)
        metadata.create_all(self.engine)
        self._pepper, self._seen = self._state()
        self._keys: dict[tuple[str, str], bytes | object] = {}
        self._lock = threading.Lock()
        self._new: dict[tuple[str, str], tuple[bytes, str]] = {}  # (key, subject), not yet kept

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
        return _sealed(item, part, self._key_for(item, part, subject), text)

    def preload(self, items: Iterable[UUID]) -> None:
        with self._lock:
            wanted = [i for i in map(str, items) if not self._known(i)]
        if not wanted:
            return
        stored = {(i, p): MISSING for i in wanted for p in PARTS}
        query = select(personal_keys).where(personal_keys.c.item.in_(wanted))
        with self.engine.connect() as conn:
            stored.update({(r.item, r.part): _cached(r.key) for r in conn.execute(query)})
        with self._lock:
            for key, found in stored.items():
                self._keys.setdefault(key, found)
            self._trim()

    def _known(self, item: str) -> bool:
        """Whether every part of the item is cached or new (call with the lock held)."""
        return all((item, p) in self._new or (item, p) in self._keys for p in PARTS)

    def keep(self, events: Sequence[Any]) -> None:
        """Write the new keys these events were sealed with, in one transaction.
        A key stored meanwhile for the same part (by another process, or by a
        save that crashed before its events) is adopted: the value is sealed
        again under it, so every event opens with the key the store holds."""
        values = [
            (event, name, value)
            for event in events
            for name, value in vars(event).items()
            if isinstance(value, Sealed) and value.box is not None
        ]
        with self._lock:
            new = {
                k: self._new[k]
                for k in {(str(v.item), v.part) for _, _, v in values} & set(self._new)
            }
        if not new:
            return
        stored = self._write(new)
        for event, name, value in values:
            mine = new.get((str(value.item), value.part))
            if mine is not None and stored[(str(value.item), value.part)] != mine[0]:
                plain = _opened(value, mine[0])
                vars(event)[name] = _sealed(
                    value.item, value.part, stored[(str(value.item), value.part)], plain
                )
        with self._lock:
            for k in new:
                self._new.pop(k, None)
                self._keys[k] = stored[k]
            self._trim()

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
                self._new.pop(key, None)

    def refresh(self) -> int:
        with self.engine.connect() as conn:
            forgotten = conn.execute(select(key_store_state.c.forgotten)).scalar_one()
        with self._lock:
            if forgotten != self._seen:
                self._keys.clear()
                self._seen = forgotten
        return forgotten

    def close(self) -> None:
        self.engine.dispose()

    # Keys

    def _key_for(self, item: UUID, part: str, subject: UUID) -> bytes:
        """The key of (item, part): the stored one, or one made now and kept
        with the events (`keep`); a forgotten one is never made again."""
        wanted = (str(item), part)
        with self._lock:
            found = self._new.get(wanted, (self._keys.get(wanted),))[0]
        if found is None and item.version == 4:  # a random id: nothing can be stored for it
            found = MISSING
        elif found is None:  # one read for all the item's parts; `keep` settles any race
            query = select(personal_keys).where(personal_keys.c.item == wanted[0])
            with self.engine.connect() as conn:
                stored = {row.part: _cached(row.key) for row in conn.execute(query)}
            with self._lock:
                for each in PARTS:
                    self._keys[(wanted[0], each)] = stored.get(each, MISSING)
                self._trim()
            found = stored.get(part, MISSING)
        if found is FORGOTTEN:
            raise ValueError(f"the {part} of {item} was erased; it cannot be sealed again")
        if isinstance(found, bytes):
            return found
        with self._lock:
            return self._new.setdefault(
                wanted, (AESGCM.generate_key(bit_length=256), str(subject))
            )[0]

    def _write(self, new: dict[tuple[str, str], tuple[bytes, str]]) -> dict[tuple[str, str], bytes]:
        """Insert the keys in one transaction; the key each part holds afterwards."""
        rows = {
            wanted: {"item": wanted[0], "part": wanted[1], "subject": subject, "key": key}
            for wanted, (key, subject) in new.items()
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(personal_keys), list(rows.values()))
            return {wanted: key for wanted, (key, _) in new.items()}
        except IntegrityError:  # some stored meanwhile: row by row
            pass
        with self.engine.begin() as conn:
            stored: dict[tuple[str, str], bytes] = {}
            for wanted, values in rows.items():
                try:
                    with conn.begin_nested():
                        conn.execute(insert(personal_keys).values(**values))
                    stored[wanted] = new[wanted][0]
                except IntegrityError:
                    key = conn.execute(_row(*wanted)).one().key
                    if key is None:  # received before and erased since: a copy of it
                        raise EventStoreRefused(
                            f"the {wanted[1]} of {wanted[0]} was erased"
                        ) from None
                    stored[wanted] = key
            return stored

    def _lookup(self, item: str, part: str) -> bytes | object:
        """The key of (item, part): bytes, FORGOTTEN or MISSING. A new key not
        yet kept opens what it sealed; a stored one comes from the cache, or
        is read (and cached) on a miss."""
        with self._lock:
            found = self._new.get((item, part), (self._keys.get((item, part)),))[0]
        if found is not None:
            return found
        with self.engine.connect() as conn:
            stored = conn.execute(_row(item, part)).first()
        found = _cached(stored.key) if stored else MISSING
        with self._lock:
            self._keys[(item, part)] = found
            self._trim()
        return found

    def _trim(self) -> None:
        """Keep at most `CACHED` keys, dropping the oldest quarter when full
        (call with the lock held)."""
        if len(self._keys) > CACHED:
            for key in list(itertools.islice(self._keys, len(self._keys) - CACHED * 3 // 4)):
                del self._keys[key]


FORGOTTEN, MISSING = object(), object()


def _cached(key: bytes | None) -> bytes | object:
    return FORGOTTEN if key is None else key


def _row(item: str, part: str) -> Any:
    return select(personal_keys).where(personal_keys.c.item == item, personal_keys.c.part == part)


def _bound(item: UUID, part: str) -> bytes:
    """Associated data: a box opens only as the part of the item it was sealed for."""
    return f"{item}/{part}".encode()


def _sealed(item: UUID, part: str, key: bytes, text: str) -> Sealed:
    nonce = os.urandom(NONCE)
    box = nonce + AESGCM(key).encrypt(nonce, text.encode(), _bound(item, part))
    return Sealed(item, part, box=base64.b64encode(box).decode())


def _opened(sealed: Sealed, key: bytes) -> str:
    box = base64.b64decode(sealed.box or "")
    return AESGCM(key).decrypt(box[:NONCE], box[NONCE:], _bound(sealed.item, sealed.part)).decode()
