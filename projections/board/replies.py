"""Saved replies on the board: the approved answers on hand in the inbox.

Incident doc field `saved_replies`: [{"id", "title", "text", "cites"
([{fact, revision}], as posts cite them), "by", "at"}], in the order saved.
A reply whose cited revision is no longer the fact's current one is stale;
the inbox says so, and the answer command refuses a withdrawn fact.
"""

from __future__ import annotations

from crisis.replies.model import ReplyLibrary
from projections.board import Board, Doc, handles, iso, person
from projections.board.facts import citations

FIELD = "saved_replies"


@handles(ReplyLibrary.ReplySaved)
def reply_saved(board: Board, e: ReplyLibrary.ReplySaved) -> Doc:
    incident = board.incidents[str(e.incident_id)]
    incident.setdefault(FIELD, []).append(
        {
            "id": str(e.reply_id),
            "title": e.title,
            "text": e.text,
            "cites": citations(board, e.cites),
            "by": person(e.by),
            "at": iso(e.at),
        }
    )
    return incident


@handles(ReplyLibrary.ReplyRemoved)
def reply_removed(board: Board, e: ReplyLibrary.ReplyRemoved) -> Doc:
    incident = board.incidents[str(e.incident_id)]
    incident[FIELD] = [r for r in incident.get(FIELD, []) if r["id"] != str(e.reply_id)]
    return incident
