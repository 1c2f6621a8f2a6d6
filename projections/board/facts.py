"""Facts on the board: pending, verified, approved, and by whom."""

from __future__ import annotations

from crisis.facts.model import Fact
from projections.board import Board, Doc, handles, iso, item_part, person

PART = item_part("facts")


@handles(Fact.Submitted)
def submitted(board: Board, e: Fact.Submitted) -> Doc:
    return board.add_item(
        PART,
        e,
        {
            "text": e.text,
            "revision": 1,
            "status": "submitted",
            "submitted_by": person(e.by),
            "verified_by": None,
            "approved_by": None,
            "updated_at": iso(e.at),
        },
    )


@handles(Fact.Verified)
def verified(board: Board, e: Fact.Verified) -> Doc:
    return _set_status(board, e, "verified", "verified_by")


@handles(Fact.Approved)
def approved(board: Board, e: Fact.Approved) -> Doc:
    return _set_status(board, e, "approved", "approved_by")


def _set_status(board: Board, e: Fact.Event, status: str, who: str) -> Doc:
    fact = board.item(PART, e)
    fact.update({"status": status, who: person(e.by), "updated_at": iso(e.at)})
    return board.incident_of(fact)


def citations(board: Board, fact_ids: list) -> list[Doc]:
    """What an item cites: each fact with the revision it had when cited, so a
    later correction can tell which items rest on an old version."""
    cited = []
    for fact_id in map(str, fact_ids):
        incident = board.incidents[board.owner[fact_id]]
        cited.append({"fact": fact_id, "revision": incident[PART][fact_id]["revision"]})
    return cited
