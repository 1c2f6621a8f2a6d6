"""A vault in memory, for a log in memory (domain tests, experiments).

The server's vault is `access.keystore.KeyStore`, injected by the composition
root (`server.runtime`). This one keeps each text in a dict under a random
box id instead of encrypting it: the log holds only the id, and forgetting
drops the text, so erasure behaves as it does with real keys.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from crisis.privacy.model import PARTS, Sealed, pseudonym


class MemoryVault:
    """A `crisis.privacy.model.Vault` that lives as long as the process."""

    def __init__(self) -> None:
        self._pepper = os.urandom(32)
        self._subjects: dict[tuple[UUID, str], UUID] = {}
        self._texts: dict[tuple[UUID, str], dict[str, str]] = {}  # (item, part) -> box -> text
        self._forgotten: set[tuple[UUID, str]] = set()

    def subject(self, channel: str, handle: str) -> UUID:
        return pseudonym(self._pepper, channel, handle)

    def seal(self, item: UUID, part: str, subject: UUID, text: str) -> Sealed:
        if (item, part) in self._forgotten:
            raise ValueError(f"the {part} of {item} was erased; it cannot be sealed again")
        self._subjects.setdefault((item, part), subject)
        box = secrets.token_hex(16)
        self._texts.setdefault((item, part), {})[box] = text
        return Sealed(item, part, box=box)

    def preload(self, items: Iterable[UUID]) -> None:
        pass  # nothing to read

    def keep(self, events: Sequence[Any]) -> None:
        pass  # kept when sealed: nothing outlives the process anyway

    def open(self, sealed: Sealed) -> str | None:
        if (sealed.item, sealed.part) in self._forgotten:
            return None
        if sealed.box is None:  # written before sealing existed
            return sealed.plain
        return self._texts.get((sealed.item, sealed.part), {}).get(sealed.box)

    def items_of(self, subject: UUID) -> list[UUID]:
        return sorted({item for (item, _), s in self._subjects.items() if s == subject})

    def forget(self, items: Iterable[UUID], parts: Iterable[str] = PARTS) -> None:
        for key in [(item, part) for item in items for part in parts]:
            self._forgotten.add(key)
            self._texts.pop(key, None)

    def refresh(self) -> int:
        return len(self._forgotten)

    def close(self) -> None:
        pass
