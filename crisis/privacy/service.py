"""Erasing residents' personal data: a person's on request, an inquiry's when
the retention time runs out, or only a text holding sensitive personal
information.

Each command checks its rules on every inquiry first (nothing happens when
one refuses), then deletes the keys (the erasure itself: from then on no
replay, rebuild or report can read the words), then records an event per
inquiry so every view drops the text at once and the log says who erased
what, when and why. Should recording fail, running the command again
records what is missing; the keys stay deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from uuid import UUID

from crisis.errors import Conflict, NotFound, Refused
from crisis.incidents.model import Incident
from crisis.inquiries.model import Inquiry
from crisis.log import GROUP_MAX, CrisisLog, Saved
from crisis.people.model import Actor, Role
from crisis.privacy.model import PARTS, TEXT

RETRIES = 3
# Who erases when the retention time runs out: the system, on the admins' authority.
RETENTION = Actor("system:retention", "Lagringstid (automatisk sletting)", Role.ADMIN)


def erase_person(log: CrisisLog, actor: Actor, inquiry_id: UUID, *, note: str = "") -> Saved:
    """Erase what the person behind this inquiry wrote to us: their handle,
    message ids and texts, in every inquiry of theirs (the right to erasure)."""
    actor.require("erase_personal_data")
    inquiry = log.load(Inquiry, inquiry_id)
    ids = [inquiry_id]
    if inquiry.subject is not None:
        ids += [i for i in log.vault.items_of(inquiry.subject) if i != inquiry_id]
    by = actor.as_record()
    return _forget(log, ids, PARTS, lambda i, at: i.erase("request", note, by, at))


def redact_inquiry(
    log: CrisisLog, actor: Actor, inquiry_id: UUID, *, reason: str, version: int | None = None
) -> Saved:
    """Remove sensitive personal information: the text goes, everywhere and for
    good; the event keeps the reason, never the text."""
    actor.require("redact_inquiry")
    log.load(Inquiry, inquiry_id, version)
    by = actor.as_record()
    return _forget(log, [inquiry_id], (TEXT,), lambda i, at: i.redact(reason, by, at))


def expire_inquiries(
    log: CrisisLog, inquiry_ids: Sequence[UUID], *, days: int, actor: Actor = RETENTION
) -> list[UUID]:
    """Erase the inquiries whose incident closed at least `days` ago, except
    archive-worthy ones. Inquiries no longer due (flagged meanwhile, incident
    reopened, erased already) are passed over. Returns those erased."""
    actor.require("expire_personal_data")
    by, now = actor.as_record(), log.clock.now()
    closed: dict[UUID, datetime | None] = {}
    due = []
    for inquiry_id in inquiry_ids:
        inquiry = log.load(Inquiry, inquiry_id)
        if inquiry.incident_id not in closed:
            closed[inquiry.incident_id] = log.load(Incident, inquiry.incident_id).closed_at
        try:
            inquiry.expire(closed[inquiry.incident_id], days, "", by, now)
        except (Refused, Conflict):
            continue
        due.append(inquiry.id)
    for start in range(0, len(due), GROUP_MAX):
        chunk = due[start : start + GROUP_MAX]
        _forget(log, chunk, PARTS, lambda i, at: i.expire(closed[i.incident_id], days, "", by, at))
    return due


def _forget(
    log: CrisisLog,
    ids: Iterable[UUID],
    parts: tuple[str, ...],
    act: Callable[[Inquiry, datetime], None],
) -> Saved:
    """Check `act` on each inquiry, delete the keys of `parts`, record the events.
    The first id is the one the command named: the answer is about it."""
    ids = list(dict.fromkeys(ids))
    for attempt in range(RETRIES):
        at = log.clock.now()
        inquiries = [i for i in (_found(log, i) for i in ids) if i is not None]
        named = inquiries[0] if inquiries and inquiries[0].id == ids[0] else None
        todo = [i for i in inquiries if not i.erased] if len(ids) > 1 else inquiries
        if not todo:
            raise Conflict("already_erased")
        for inquiry in todo:
            act(inquiry, at)
        log.vault.forget(ids, parts)
        try:
            saved = log.record(*todo)
        except Conflict:  # someone acted on one of them meanwhile: load again
            if attempt == RETRIES - 1:
                raise
            continue
        target = named or todo[-1]
        return Saved(target.id, target.version, saved.position)
    raise AssertionError("unreachable")


def _found(log: CrisisLog, inquiry_id: UUID) -> Inquiry | None:
    """The inquiry; None for keys made for a delivery that was never saved."""
    try:
        return log.load(Inquiry, inquiry_id)
    except NotFound:
        return None
