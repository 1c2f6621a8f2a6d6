"""Facts on the board, their revisions, and what needs follow-up when one changes.

Fact item fields: text (the current revision's), revision, status (submitted,
verified, approved, withdrawn), department (the key of the department that owns
it), submitted_by, verified_by, approved_by, updated_at, and history:
[{"revision", "text", "change" (submitted, corrected, withdrawn), "reason",
"by", "at"}], oldest first.

Follow-up, for every item part (`ITEM_PARTS`): an item that cites facts
carries `cites: [{"fact", "revision"}]` (use `citations`). When a fact is
corrected or withdrawn, every item of the incident citing an older revision
of it (any revision, for a withdrawal) gets an entry in
  needs_follow_up: [{"fact", "revision" (cited), "current" (the fact's now),
                     "change" (corrected | withdrawn), "reason", "at"}]
and the incident doc lists them all in
  follow_up: [{"part", "item", "fact", "revision", "current", "change", "reason", "at"}]
Comms records a follow-up (`Fact.FollowedUp`): the entry moves to the item's
  followed_up: [{"fact", "note", "by", "at"}]
An item whose status is in `SETTLED` (a retracted or discarded post; other
parts add theirs) is left out of `follow_up` and not flagged again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from crisis.facts.model import Fact
from projections.board import ITEM_PARTS, Board, Doc, handles, iso, item_part, person

PART = item_part("facts")
SETTLED: set[str] = set()  # item statuses that need no follow-up; parts add their own


@handles(Fact.Submitted)
def submitted(board: Board, e: Fact.Submitted) -> Doc:
    return board.add_item(
        PART,
        e,
        {
            "text": e.text,
            "department": e.department,
            "revision": 1,
            "status": "submitted",
            "submitted_by": person(e.by),
            "verified_by": None,
            "approved_by": None,
            "updated_at": iso(e.at),
            "history": [_revision(e, 1, e.text, "submitted", "")],
        },
    )


@handles(Fact.Verified)
def verified(board: Board, e: Fact.Verified) -> Doc:
    return _set_status(board, e, "verified", "verified_by")


@handles(Fact.Approved)
def approved(board: Board, e: Fact.Approved) -> Doc:
    return _set_status(board, e, "approved", "approved_by")


@handles(Fact.Corrected)
def corrected(board: Board, e: Fact.Corrected) -> Doc:
    fact = board.item(PART, e)
    fact.update(
        {
            "text": e.text,
            "revision": e.revision,
            "status": "verified",
            "verified_by": person(e.by),
            "approved_by": None,
            "updated_at": iso(e.at),
        }
    )
    fact["history"].append(_revision(e, e.revision, e.text, "corrected", e.reason))
    return _flag(board, fact, e, "corrected", stale=lambda cited: cited < e.revision)


@handles(Fact.Withdrawn)
def withdrawn(board: Board, e: Fact.Withdrawn) -> Doc:
    fact = board.item(PART, e)
    fact.update({"status": "withdrawn", "updated_at": iso(e.at)})
    fact["history"].append(_revision(e, fact["revision"], fact["text"], "withdrawn", e.reason))
    return _flag(board, fact, e, "withdrawn", stale=lambda cited: True)


@handles(Fact.FollowedUp)
def followed_up(board: Board, e: Fact.FollowedUp) -> Doc:
    fact_id, item_id = str(e.originator_id), str(e.item_id)
    incident = board.incidents[board.owner[fact_id]]
    for part, item in _items(incident):
        if item["id"] == item_id:
            board.touch(incident, part, item_id)
            item["needs_follow_up"] = [
                f for f in item.get("needs_follow_up", []) if f["fact"] != fact_id
            ]
            item.setdefault("followed_up", []).append(
                {"fact": fact_id, "note": e.note, "by": person(e.by), "at": iso(e.at)}
            )
    refresh_follow_up(incident)
    return incident


def citations(board: Board, fact_ids: list, revisions: list[int] | None = None) -> list[Doc]:
    """What an item cites: each fact with the revision it rests on (given, or the
    fact's revision now), so a later correction can tell which items to follow up."""
    cited = []
    for i, fact_id in enumerate(map(str, fact_ids)):
        incident = board.incidents[board.owner[fact_id]]
        revision = revisions[i] if revisions else incident[PART][fact_id]["revision"]
        cited.append({"fact": fact_id, "revision": revision})
    return cited


def refresh_follow_up(incident: Doc) -> None:
    """Rebuild the incident's follow-up list from its items."""
    incident["follow_up"] = sorted(
        (
            {"part": part, "item": item["id"], **entry}
            for part in ITEM_PARTS
            for item in incident.get(part, {}).values()
            if item.get("status") not in SETTLED
            for entry in item.get("needs_follow_up", [])
        ),
        key=lambda entry: (entry["at"], entry["item"]),
    )


def _flag(
    board: Board,
    fact: Doc,
    e: Fact.Corrected | Fact.Withdrawn,
    change: str,
    stale: Callable[[int], bool],
) -> Doc:
    incident = board.incident_of(fact)
    entry = {
        "fact": fact["id"],
        "current": fact["revision"],
        "change": change,
        "reason": e.reason,
        "at": iso(e.at),
    }
    for part, item in _items(incident):
        if item.get("status") in SETTLED:
            continue
        for cite in item.get("cites", []):
            if cite["fact"] == fact["id"] and stale(cite["revision"]):
                board.touch(incident, part, item["id"])
                others = [f for f in item.get("needs_follow_up", []) if f["fact"] != fact["id"]]
                item["needs_follow_up"] = [*others, {**entry, "revision": cite["revision"]}]
    refresh_follow_up(incident)
    return incident


def _items(incident: Doc) -> Iterator[tuple[str, Doc]]:
    for part in ITEM_PARTS:
        for item in incident.get(part, {}).values():
            yield part, item


def _revision(e: Fact.Event, revision: int, text: str, change: str, reason: str) -> Doc:
    return {
        "revision": revision,
        "text": text,
        "change": change,
        "reason": reason,
        "by": person(e.by),
        "at": iso(e.at),
    }


def _set_status(board: Board, e: Fact.Event, status: str, who: str) -> Doc:
    fact = board.item(PART, e)
    fact.update({"status": status, who: person(e.by), "updated_at": iso(e.at)})
    return board.incident_of(fact)
