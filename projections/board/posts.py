"""Posts on the board, per channel: draft, approved, published."""

from __future__ import annotations

from crisis.posts.model import Post
from projections.board import Board, Doc, handles, iso, item_part, person
from projections.board.facts import citations

PART = item_part("posts")


@handles(Post.Drafted)
def drafted(board: Board, e: Post.Drafted) -> Doc:
    return board.add_item(
        PART,
        e,
        {
            "channel": e.channel,
            "text": e.text,
            "status": "draft",
            "cites": citations(board, e.cites),
            "links_to": str(e.links_to) if e.links_to else None,
            "drafted_by": person(e.by),
            "published_at": None,
            "updated_at": iso(e.at),
        },
    )


@handles(Post.Approved)
def approved(board: Board, e: Post.Approved) -> Doc:
    return _set_status(board, e, "approved")


@handles(Post.Published)
def published(board: Board, e: Post.Published) -> Doc:
    post = _set_status(board, e, "published")
    board.item(PART, e)["published_at"] = iso(e.at)
    return post


def _set_status(board: Board, e: Post.Event, status: str) -> Doc:
    post = board.item(PART, e)
    post.update({"status": status, "updated_at": iso(e.at)})
    return board.incident_of(post)
