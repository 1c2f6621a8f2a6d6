"""Events as the read models that keep text see them: residents' personal data
opened (`crisis.privacy.model.reveal`), or None where it was erased.

Call `log.vault.refresh()` before each pass, so keys deleted meanwhile (by
any process) are not read from a cache. A pass over many events reads the
keys they need in one go (`preload_keys`), not one query per inquiry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from crisis.log import CrisisLog
from crisis.privacy.model import Sealed, reveal


def opened_event(log: CrisisLog, notification: Any) -> Any:
    return reveal(log.mapper.to_domain_event(notification), log.vault)


def decoded(log: CrisisLog, notifications: Sequence[Any]) -> list[Any]:
    """A batch's events, decoded, the keys of their sealed values read in one
    go (`reveal` each one applied)."""
    events = [log.mapper.to_domain_event(n) for n in notifications]
    preload_keys(log, events)
    return events


def preload_keys(log: CrisisLog, events: Iterable[Any]) -> None:
    """Read the keys of every sealed value in these decoded events at once."""
    log.vault.preload(
        {v.item for e in events for v in vars(e).values() if isinstance(v, Sealed) and v.box}
    )


def incident_of_item(log: CrisisLog, item: str) -> str | None:
    """The incident an item (fact, post, rumour, inquiry, ...) belongs to: the
    event that made it names it. None if there is no such item."""
    try:
        first = log.recorder.select_events(UUID(item), lte=1, limit=1)
    except ValueError:  # not an aggregate's id
        return None
    if not first:
        return None
    incident = getattr(log.mapper.to_domain_event(first[0]), "incident_id", None)
    return None if incident is None else str(incident)
