"""Situation reports (situasjonsrapport): the communications part of the
report crisis staff send to the crisis leadership and the county governor,
filled from the log for a period, beside the sections staff write.

`period_figures` works the figures out from the timeline lines in the period
and the board as it stood at its end; the same function fills a draft (live)
and the figures a report freezes when issued. `reports` reads the issued
reports and the open draft back from the timeline (the `records` lines), up
to any log position, so a replay shows exactly what was issued by then.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import jinja2
from markupsafe import Markup

from crisis.log import CrisisLog
from crisis.people.departments import DEPARTMENTS
from crisis.sitreps.model import DEFAULT_INTERVAL_HOURS, SECTIONS
from crisis.sla import BREACHED
from projections.board.inquiries import CLOSED, in_backlog, inquiry_sla, policy_of
from projections.replay import board_at
from projections.store import ViewStore
from projections.timeline import Timeline
from reports.narrate import describe, when
from web.texts import catalogue

Doc = dict[str, Any]
Line = dict[str, Any]


def in_period(
    lines: list[Line], start: datetime | None, end: datetime, after: int = 0
) -> list[Line]:
    """Lines with times in (start, end] (no start: from the first), or, with `after`,
    the lines after that log position up to `end`."""
    return [
        line
        for line in lines
        if line["position"] > after
        and (after or start is None or start < datetime.fromisoformat(line["at"]))
        and datetime.fromisoformat(line["at"]) <= end
    ]


def period_figures(
    doc: Doc,
    lines: list[Line],
    start: datetime | None,
    end: datetime,
    channels: dict[str, str],
    after: int = 0,
) -> Doc:
    """The figures for the lines `in_period`: `doc` is the incident's board as it stood at `end`."""
    period = in_period(lines, start, end, after)
    by_type: dict[str, list[Line]] = {}
    for line in period:
        by_type.setdefault(line["type"].split(":")[0], []).append(line)
    return {
        "posts": _posts(by_type.get("Post.Published", [])),
        "facts": {
            change: [_fact(line) for line in by_type.get(f"Fact.{kind}", [])]
            for change, kind in (
                ("approved", "Approved"),
                ("corrected", "Corrected"),
                ("withdrawn", "Withdrawn"),
            )
        },
        "rumours": _rumours(doc, by_type),
        "inquiries": _inquiries(doc, by_type, start, end),
        "moderation": _count(by_type.get("Inquiry.Moderated", []), "action"),
        "referrals": _count(by_type.get("Inquiry.Referred", []), "target"),
        "changes": [
            {
                "at": line["at"],
                "position": line["position"],
                "type": line["type"],
                "text": describe(line, "nb", channels),
            }
            for line in period
            if line["kind"] == "incident"
        ],
        "events": len(period),
    }


def _count(lines: list[Line], param: str) -> dict[str, int]:
    """How many lines there are per value of one param (e.g. per moderation action)."""
    return dict(sorted(Counter(line["params"][param] for line in lines).items()))


def _posts(published: list[Line]) -> dict[str, list[Doc]]:
    posts: dict[str, list[Doc]] = {}
    for line in published:
        posts.setdefault(line["channel"], []).append(
            {"at": line["at"], "post": line["params"]["post"], "by": line["by"]["name"]}
        )
    return dict(sorted(posts.items()))


def _fact(line: Line) -> Doc:
    return {
        "at": line["at"],
        "fact": line["params"]["fact"],
        "revision": line["params"]["revision"],
    }


def _rumours(doc: Doc, by_type: dict[str, list[Line]]) -> Doc:
    rumours = doc.get("rumours", {})
    still_open = [r for r in rumours.values() if r["status"] == "open"]
    return {
        "new": [
            {"claim": n["params"]["claim"], "channel": n["channel"], "reach": n["params"]["reach"]}
            for n in by_type.get("Rumour.Recorded", [])
        ],
        "corrected": [
            {"claim": c["params"]["claim"], "channel": c["channel"], "at": c["at"]}
            for c in by_type.get("Rumour.Corrected", [])
        ],
        "open": [
            {
                "claim": r["claim"],
                "reach": r["reach"],
                "assessment": r["assessment"],
                "first_seen_at": r["first_seen_at"],
                "corrected": r["corrected_at"] is not None,
            }
            for r in sorted(still_open, key=lambda r: (-r["reach"], r["first_seen_at"]))
        ],
    }


def _inquiries(
    doc: Doc, by_type: dict[str, list[Line]], start: datetime | None, end: datetime
) -> Doc:
    """Per channel: received, answered, referred and moderated in the period; waiting
    for an answer at its end; and answer-time breaches (still waiting past the
    target at the end, or closed in the period after it)."""
    channels: dict[str, Doc] = {}

    def of(channel: str) -> Doc:
        return channels.setdefault(
            channel,
            {
                "received": 0,
                "answered": 0,
                "referred": 0,
                "moderated": 0,
                "waiting": 0,
                "breached": 0,
            },
        )

    for kind, key in (
        ("Received", "received"),
        ("Answered", "answered"),
        ("Referred", "referred"),
        ("Moderated", "moderated"),
    ):
        for line in by_type.get(f"Inquiry.{kind}", []):
            of(line["channel"])[key] += 1
    policy = policy_of(doc)
    for item in doc.get("inquiries", {}).values():
        waiting = in_backlog(item)
        closed_at = datetime.fromisoformat(item["closed_at"]) if item["closed_at"] else None
        closed_now = (
            item["status"] in CLOSED
            and closed_at is not None
            and (start is None or start < closed_at)
            and closed_at <= end
        )
        if waiting:
            of(item["channel"])["waiting"] += 1
        if waiting or closed_now:
            sla = inquiry_sla(item, policy, end)
            if sla and sla["answer"]["state"] == BREACHED:
                of(item["channel"])["breached"] += 1
    return dict(sorted(channels.items()))


def reports(lines: list[Line], position: int | None = None) -> Doc:
    """The issued reports and the open draft, from the incident's `records` lines
    (up to log `position`)."""
    issued: list[Doc] = []
    draft: Doc | None = None
    for line in lines:
        if position is not None and line["position"] > position:
            break
        if line["type"] == "Sitreps.Issued":
            issued.append(
                {
                    **line["params"],
                    "issued_by": line["by"]["name"],
                    "issued_at": line["at"],
                    "position": line["position"],
                }
            )
            draft = None
        elif line["type"] == "Sitreps.DraftSaved":
            draft = {**line["params"], "saved_by": line["by"]["name"], "saved_at": line["at"]}
    return {"issued": issued, "draft": draft, "next_number": len(issued) + 1}


def next_due(book: Doc, opened_at: str) -> str:
    """When the next report is due: what the last one said, else four hours after the opening."""
    if book["issued"]:
        return str(book["issued"][-1]["next_report_at"])
    due = datetime.fromisoformat(opened_at) + timedelta(hours=DEFAULT_INTERVAL_HOURS)
    return due.isoformat()


def render_report(
    report: Doc, channels: dict[str, str], lang: str, templates: jinja2.Environment
) -> str:
    """One self-contained HTML document (styles inline, nothing fetched): the
    `--format html` output and the PDF's source."""
    return _render("records/sitrep.html", report, channels, lang, templates)


def render_body(
    report: Doc, channels: dict[str, str], lang: str, templates: jinja2.Environment
) -> str:
    """The report's content alone, for the page (rendered and escaped already)."""
    return Markup(_render("records/_sitrep_body.html", report, channels, lang, templates))


def _render(
    name: str, report: Doc, channels: dict[str, str], lang: str, templates: jinja2.Environment
) -> str:
    texts = catalogue(lang)
    return templates.get_template(name).render(
        report=report,
        sections=SECTIONS,
        t=texts["records"],
        ui=texts["ui"],
        when=lambda value: when(value, lang),
        ch=lambda key: channels.get(key or "", key or ""),
        target=lambda key: DEPARTMENTS.get(key) or texts["ui"].get(f"to_{key}", key),
        lang=lang,
    )


# Reading reports from the log (the CLI and the routes share these).


def book_of(log: CrisisLog, store: ViewStore, incident: str) -> Doc:
    """The incident's issued reports and draft, reading only its `records` lines."""
    timeline = Timeline(store)
    timeline.catch_up(log)
    return reports(timeline.lines(incident, ["records"]))


def incident_lines(log: CrisisLog, store: ViewStore, incident: str) -> list[Line]:
    timeline = Timeline(store)
    timeline.catch_up(log)
    return timeline.lines(incident)


def draft_report(
    log: CrisisLog,
    store: ViewStore,
    incident: str,
    channels: dict[str, str],
    start: datetime | None = None,
    end: datetime | None = None,
) -> Doc | None:
    """The next report as it stands: the draft's sections and the figures from
    where the last report ended (or `start`) to now (or `end`)."""
    lines = incident_lines(log, store, incident)
    if not lines:
        return None
    book = reports(lines)
    end = end or log.clock.now()
    doc = board_at(log, store, at=end, incident=incident).board.incidents.get(incident)
    if doc is None:
        return None
    # By default the report starts just after the last one was issued (its log
    # position, so an event in the same instant is in exactly one report), or
    # at the incident's opening, which it includes.
    after, period_from = 0, start or datetime.fromisoformat(doc["opened_at"])
    if start is None and book["issued"]:
        last = book["issued"][-1]
        after, period_from = last["position"], datetime.fromisoformat(last["period_to"])
    since = period_from if after else start  # the time bound for inquiries closed in the period
    draft = book["draft"] or {}
    return {
        "incident": _summary(doc),
        "number": book["next_number"],
        "status": "draft",
        "period_from": period_from.isoformat(),
        "period_to": end.isoformat(),
        "sections": draft.get("sections", {}),
        "next_report_at": draft.get("next_report_at"),
        "figures": period_figures(doc, lines, since, end, channels, after),
    }


def issued_report(
    log: CrisisLog, store: ViewStore, incident: str, number: int, position: int | None = None
) -> Doc | None:
    """Report `number` as issued (None if it was not, by log `position`)."""
    lines = incident_lines(log, store, incident)
    book = reports(lines, position)
    found = [r for r in book["issued"] if r["number"] == number]
    if not found or not lines:
        return None
    opened = lines[0]["params"]
    summary = {"id": incident, "title": opened.get("title", ""), "areas": opened.get("areas", "")}
    return {"incident": summary, "status": "issued", **found[0]}


def _summary(doc: Doc) -> Doc:
    keep = ("id", "title", "kind", "severity", "phase", "department_name", "crisis_mode")
    return {**{key: doc.get(key) for key in keep}, "areas": ", ".join(doc["areas"])}
