"""Posts on the board, per channel: draft, approved, published, retracted, discarded.

Post item fields: channel, text, status, cites [{"fact", "revision"}],
links_to (the website post it builds on), drafted_by, approved_by,
published_at, updated_at,
  issued: {"severity", "areas"} the incident's as the post was published
          (a CAP message keeps them, whatever changes later), and
  warnings: [{"code", "params"}]  the guidelines' advice given at drafting
                                  (texts in the catalogue's `warnings` section)
  corrects: id of the retracted post this apology corrects, or null
  corrected_by: id of the apology that corrects this (retracted) post, or null
  retracted: {"reason", "by", "at"} or null
  discarded: {"reason", "by", "at"} or null
and the follow-up fields described in facts.py.
"""

from __future__ import annotations

from crisis.posts.model import Post
from projections.board import Board, Doc, handles, iso, item_part, person
from projections.board.facts import SETTLED, citations, refresh_follow_up

PART = item_part("posts")
SETTLED.update({"retracted", "discarded"})


@handles(Post.Drafted)
def drafted(board: Board, e: Post.Drafted) -> Doc:
    return board.add_item(
        PART,
        e,
        {
            "channel": e.channel,
            "text": e.text,
            "status": "draft",
            "cites": citations(board, e.cites, e.revisions),
            "links_to": _id(e.links_to),
            "corrects": _id(e.corrects),
            "corrected_by": None,
            "warnings": list(e.warnings),
            "drafted_by": person(e.by),
            "approved_by": None,
            "published_at": None,
            "retracted": None,
            "discarded": None,
            "updated_at": iso(e.at),
        },
    )


@handles(Post.Approved)
def approved(board: Board, e: Post.Approved) -> Doc:
    return _set(board, e, status="approved", approved_by=person(e.by))


@handles(Post.Published)
def published(board: Board, e: Post.Published) -> Doc:
    incident = board.incident_of(board.item(PART, e))
    issued = {"severity": incident["severity"], "areas": list(incident["areas"])}
    return _set(board, e, status="published", published_at=iso(e.at), issued=issued)


@handles(Post.Retracted)
def retracted(board: Board, e: Post.Retracted) -> Doc:
    return _set(board, e, status="retracted", retracted=_why(e), corrected_by=_id(e.apology))


@handles(Post.Discarded)
def discarded(board: Board, e: Post.Discarded) -> Doc:
    return _set(board, e, status="discarded", discarded=_why(e))


def _set(board: Board, e: Post.Event, **fields: object) -> Doc:
    post = board.item(PART, e)
    post.update({**fields, "updated_at": iso(e.at)})
    incident = board.incident_of(post)
    refresh_follow_up(incident)
    return incident


def _why(e: Post.Retracted | Post.Discarded) -> Doc:
    return {"reason": e.reason, "by": person(e.by), "at": iso(e.at)}


def _id(value: object) -> str | None:
    return str(value) if value else None
