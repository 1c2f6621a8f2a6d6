"""Residents' personal data in an append-only log: sealed, so it can be erased.

The log is never rewritten, so what a resident wrote (their handle on the
channel, the message id there and the text) is stored only as ciphertext,
each part under its own key kept outside the log, in a key store (the
`Vault`). Erasing deletes the keys (crypto-shredding): the events stay, the
history and every figure still add up, and the words can never be read again.

Keys are per inquiry and part, and tagged with the person (the subject), so
one person's data can be erased at once (a request), one inquiry's
(retention), or only the text (sensitive personal information). Readers turn
sealed values into text with `Vault.open`, which answers None once the key is
gone: every view then shows "[removed]" in its place.

The subject id is derived from the channel and the handle with a secret kept
in the key store, so the log alone cannot tell whose inquiries they were.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Transcoding

# The parts of an inquiry sealed under separate keys: who wrote (handle and the
# channel's message id) and what they wrote, so the text can go on its own.
WHO, TEXT = "who", "text"
PARTS = (WHO, TEXT)


@dataclass(frozen=True)
class Sealed:
    """One piece of personal data as the log holds it: `box` is the ciphertext
    (base64 of nonce and AES-GCM output) under the key of (`item`, `part`).

    `plain` holds the text of events written before sealing existed
    (upcast from `Inquiry.Received` v1): those cannot be shredded, but the
    vault still hides them once their item is erased."""

    item: UUID
    part: str
    box: str | None = None
    plain: str | None = None

    @classmethod
    def legacy(cls, item: UUID, part: str, text: str) -> Sealed:
        return cls(item=item, part=part, plain=text)

    def as_token(self) -> dict[str, Any]:
        """As JSON for read models that store sealed values (the timeline)."""
        token = {"item": str(self.item), "part": self.part, "box": self.box}
        return {"sealed": token | ({"plain": self.plain} if self.plain is not None else {})}

    @classmethod
    def from_token(cls, value: Any) -> Sealed | None:
        """The sealed value a token stands for; None if `value` is no token."""
        if not (isinstance(value, dict) and set(value) == {"sealed"}):
            return None
        token = value["sealed"]
        return cls(UUID(token["item"]), token["part"], token.get("box"), token.get("plain"))


class SealedAsDict(Transcoding):
    type = Sealed
    name = "sealed"

    def encode(self, obj: Sealed) -> dict[str, Any]:
        return obj.as_token()["sealed"]

    def decode(self, data: dict[str, Any]) -> Sealed:
        return Sealed(UUID(data["item"]), data["part"], data.get("box"), data.get("plain"))


def pseudonym(pepper: bytes, channel: str, handle: str) -> UUID:
    """A person's subject id: the handle on the channel (spacing and case aside),
    keyed with the vault's secret so the log alone cannot tell who it was."""
    name = f"{channel}\n{' '.join(handle.split()).casefold()}".encode()
    return UUID(bytes=hmac.new(pepper, name, hashlib.sha256).digest()[:16])


class Vault(Protocol):
    """The key store: keys outside the event log, one per inquiry and part."""

    def subject(self, channel: str, handle: str) -> UUID:
        """The person's pseudonymous id: the same handle on the same channel, the same id."""
        ...

    def seal(self, item: UUID, part: str, subject: UUID, text: str) -> Sealed:
        """Encrypt under the key of (item, part), made on first use and tagged
        with the subject; a new key is stored by `keep`."""
        ...

    def preload(self, items: Iterable[UUID]) -> None:
        """Read what the store holds for these items in one go, so sealing
        them asks nothing more (a delivery of many inquiries)."""
        ...

    def keep(self, events: Sequence[Any]) -> None:
        """Store the keys made for these events' sealed values, before the
        events are saved (the log calls it on every save): sealing itself
        writes nothing, so a batch of inquiries costs one key store write."""
        ...

    def open(self, sealed: Sealed) -> str | None:
        """The text, or None if its key was deleted (erased, expired or redacted)."""
        ...

    def items_of(self, subject: UUID) -> list[UUID]:
        """Every item that ever held this person's data (erased ones included)."""
        ...

    def forget(self, items: Iterable[UUID], parts: Iterable[str] = PARTS) -> None:
        """Delete the keys of these parts of these items, for good."""
        ...

    def refresh(self) -> int:
        """Drop cached keys if any were deleted since (by any process); the
        number of deletions so far. Readers call it before each pass."""
        ...

    def close(self) -> None: ...


def reveal(event: Any, vault: Vault) -> Any:
    """The event with each sealed value opened: its text, or None once erased.
    For read models that keep text (the board); the event store is unchanged."""
    state = event.__dict__
    for name, value in state.items():
        if isinstance(value, Sealed):
            state[name] = vault.open(value)
    return event
