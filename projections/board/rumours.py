"""Rumours on the board: where seen, how widely, how assessed, how fast corrected.

Incident doc part `rumours`, keyed by rumour id:
  claim, channel, where, reach (the sum over all sightings), sightings
  ([{channel, where, reach, at, by, inquiry}], the first one included),
  first_seen_at (ISO), recorded_by, assessment (false | misleading | true |
  unverifiable | checking), assessment_note, assessed_by, corrections
  ([{via: post | inquiry, ref, at, by, cites: [{fact, revision}]}]),
  corrected_at (the first correction), minutes_to_correction (from first
  sighting to first correction, wall clock), status (open | closed),
  resolution, closed_at, updated_at.

Incident doc field `watch_list`: the phrases watched for in incoming
inquiries, in the order added. A matching inquiry carries `watch_match`.
"""

from __future__ import annotations

from datetime import datetime

from crisis.rumours.model import Rumour, WatchList
from projections.board import Board, Doc, handles, iso, item_part, person
from projections.board.facts import citations
from projections.board.inquiries import PART as INQUIRIES

PART = item_part("rumours")


@handles(Rumour.Recorded)
def recorded(board: Board, e: Rumour.Recorded) -> Doc:
    return board.add_item(
        PART,
        e,
        {
            "claim": e.claim,
            "channel": e.channel,
            "where": e.where,
            "reach": e.reach,
            "sightings": [_sighting(e, None)],
            "first_seen_at": iso(e.at),
            "recorded_by": person(e.by),
            "assessment": "checking",
            "assessment_note": "",
            "assessed_by": None,
            "corrections": [],
            "corrected_at": None,
            "minutes_to_correction": None,
            "status": "open",
            "resolution": None,
            "closed_at": None,
            "updated_at": iso(e.at),
        },
    )


@handles(Rumour.Sighted)
def sighted(board: Board, e: Rumour.Sighted) -> Doc:
    rumour = board.item(PART, e)
    inquiry = str(e.inquiry_id) if e.inquiry_id else None
    rumour["sightings"].append(_sighting(e, inquiry))
    rumour.update(reach=rumour["reach"] + e.reach, updated_at=iso(e.at))
    incident = board.incident_of(rumour)
    if inquiry:
        incident[INQUIRIES][inquiry]["rumour"] = rumour["id"]
        board.touch(incident, INQUIRIES, inquiry)
    return incident


@handles(Rumour.Assessed)
def assessed(board: Board, e: Rumour.Assessed) -> Doc:
    rumour = board.item(PART, e)
    rumour.update(
        assessment=e.assessment,
        assessment_note=e.note,
        assessed_by=person(e.by),
        updated_at=iso(e.at),
    )
    return board.incident_of(rumour)


@handles(Rumour.Corrected)
def corrected(board: Board, e: Rumour.Corrected) -> Doc:
    rumour = board.item(PART, e)
    rumour["corrections"].append(
        {
            "via": e.via,
            "ref": str(e.ref),
            "at": iso(e.at),
            "by": person(e.by),
            "cites": citations(board, e.cites),
        }
    )
    if rumour["corrected_at"] is None:
        waited = e.at - datetime.fromisoformat(rumour["first_seen_at"])
        rumour["corrected_at"] = iso(e.at)
        rumour["minutes_to_correction"] = round(waited.total_seconds() / 60, 1)
    rumour["updated_at"] = iso(e.at)
    return board.incident_of(rumour)


@handles(Rumour.Closed)
def closed(board: Board, e: Rumour.Closed) -> Doc:
    rumour = board.item(PART, e)
    rumour.update(
        status="closed", resolution=e.resolution, closed_at=iso(e.at), updated_at=iso(e.at)
    )
    return board.incident_of(rumour)


@handles(WatchList.PhraseAdded, WatchList.PhraseRemoved)
def watch_list_changed(board: Board, e: WatchList.PhraseAdded | WatchList.PhraseRemoved) -> Doc:
    incident = board.incidents[str(e.incident_id)]
    phrases = incident.setdefault("watch_list", [])
    if isinstance(e, WatchList.PhraseAdded):
        phrases.append(e.phrase)
    else:
        phrases.remove(e.phrase)
    return incident


def open_rumours(incident: Doc) -> list[Doc]:
    """Open rumours, the widest reach first, then the oldest."""
    rumours = [r for r in incident.get(PART, {}).values() if r["status"] == "open"]
    return sorted(rumours, key=lambda r: (-r["reach"], r["first_seen_at"]))


def _sighting(e: Rumour.Recorded | Rumour.Sighted, inquiry: str | None) -> Doc:
    return {
        "channel": e.channel,
        "where": e.where,
        "reach": e.reach,
        "at": iso(e.at),
        "by": person(e.by),
        "inquiry": inquiry,
    }
