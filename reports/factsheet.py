"""The fact sheet (faktaark): the incident's approved facts, the saved replies
and where to refer people, as one versioned document for the switchboard,
the service desk and the departments, so the front line says what the
website says and knows when it changed.

Each approval, correction or withdrawal of a fact, and each saved reply added
or removed, makes a new version. Only approved content is ever on the sheet:
a corrected fact leaves it until its new revision is approved. Versions are
worked out in one pass over the incident's events with the board's own code,
so a version shows exactly what the board held after that event.
"""

from __future__ import annotations

from typing import Any

import jinja2

from crisis.facts.model import Fact
from crisis.inquiries.model import POSTMOTTAK
from crisis.log import CrisisLog
from crisis.people.departments import DEPARTMENTS
from crisis.privacy.model import reveal
from crisis.replies.model import ReplyLibrary
from projections import board
from projections.events import decoded
from projections.replay import Moment, utc_iso
from projections.store import ViewStore
from projections.timeline import Timeline
from reports.narrate import when
from web.texts import catalogue

Doc = dict[str, Any]
BATCH = 2000
CHANGES = (
    Fact.Approved,
    Fact.Corrected,
    Fact.Withdrawn,
    ReplyLibrary.ReplySaved,
    ReplyLibrary.ReplyRemoved,
)


def versions(log: CrisisLog, store: ViewStore, incident: str) -> list[Doc]:
    """Every version of the incident's sheet, oldest first (none before the first change)."""
    timeline = Timeline(store)
    timeline.catch_up(log)
    first = timeline.lines(incident, limit=1)
    if not first:
        return []
    moment = Moment(first[0]["position"] - 1, None, board.Board(), incident=incident)
    found: list[Doc] = []
    log.vault.refresh()
    while True:
        batch = log.recorder.select_notifications(start=moment.position + 1, limit=BATCH)
        for n, event in zip(batch, decoded(log, batch), strict=True):
            if moment.about(event):
                moment.board.apply(reveal(event, log.vault), n.id)
                if isinstance(event, CHANGES):
                    doc = moment.board.incidents[incident]
                    found.append(_sheet(doc, len(found) + 1, n.id, event))
            moment.position = n.id
        if len(batch) < BATCH:
            return found


def _sheet(doc: Doc, number: int, position: int, event: Any) -> Doc:
    facts = sorted(
        (f for f in doc.get("facts", {}).values() if f["status"] == "approved"),
        key=lambda f: f["history"][0]["at"],
    )
    departments = [doc["department"], *(d["key"] for d in doc.get("supporting", []))]
    return {
        "version": number,
        "position": position,
        "at": utc_iso(event.at),
        "by": event.by["name"],
        "change": type(event).__qualname__,
        "title": doc["title"],
        "facts": [
            {
                "id": f["id"],
                "revision": f["revision"],
                "text": f["text"],
                "department": DEPARTMENTS.get(f["department"], f["department"]),
            }
            for f in facts
        ],
        "replies": [
            {"id": r["id"], "title": r["title"], "text": r["text"]}
            for r in doc.get("saved_replies", [])
        ],
        "referrals": [
            {"key": key, "name": DEPARTMENTS.get(key, key)} for key in dict.fromkeys(departments)
        ]
        + [{"key": POSTMOTTAK, "name": POSTMOTTAK}],
    }


def changes(old: Doc | None, new: Doc) -> Doc:
    """What changed from `old` to `new`: fact and reply ids added, removed, revised."""
    before = {f["id"]: f for f in (old or {}).get("facts", [])}
    after = {f["id"]: f for f in new["facts"]}
    replies_before = {r["id"] for r in (old or {}).get("replies", [])}
    replies_after = {r["id"] for r in new["replies"]}
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": [before[i] for i in sorted(before.keys() - after.keys())],
        "revised": {
            i: before[i]["text"]
            for i in sorted(after.keys() & before.keys())
            if after[i]["revision"] != before[i]["revision"]
        },
        "replies_added": sorted(replies_after - replies_before),
        "replies_removed": [
            r for r in (old or {}).get("replies", []) if r["id"] not in replies_after
        ],
    }


def render_sheet(
    sheet: Doc, compared: Doc | None, lang: str, templates: jinja2.Environment, standalone: bool
) -> str:
    """The sheet with the changes since `compared` marked (<ins>/<del>); `standalone`
    gives a whole self-contained document (the PDF's source), else the page's part."""
    texts = catalogue(lang)
    name = "records/fact_sheet.html" if standalone else "records/_fact_sheet_body.html"
    return templates.get_template(name).render(
        sheet=sheet,
        compared=compared,
        diff=changes(compared, sheet) if compared else None,
        t=texts["records"],
        ui=texts["ui"],
        when=lambda value: when(value, lang),
        lang=lang,
    )
