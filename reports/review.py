"""The review report: one incident's figures with their definitions, the
timeline, the pinned moments, the facts as finally stated and the
archive-worthy inquiries with their content, for journaling.

`report_data` is the JSON (`crisis review --format json`, and the page's
JSON); `render_report` prints the same data as one self-contained HTML file:
its styles inline, its chart inline SVG, no script and no outside reference.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from crisis.people.departments import DEPARTMENTS
from projections.board.audience import Audience
from projections.figures import FIGURES
from projections.review import ReviewViews
from reports.charts import overview, volume_chart
from reports.narrate import describe, duration, number, when
from web.texts import catalogue

Doc = dict[str, Any]


def report_data(
    views: ReviewViews, incident: str, lang: str, channels: dict[str, str], shown: Audience
) -> Doc | None:
    """Everything the report shows, as data, as far as `shown` may read
    residents' data; None if there is no such incident."""
    position = views.refresh()
    final, figures = views.final(incident), views.figures(incident)
    if final is None or figures is None:
        return None
    doc = shown.doc(final)
    texts = catalogue(lang)["figures"]
    pins = views.pins(incident)
    return {
        "position": position,
        "lang": lang,
        "incident": _incident(doc),
        "definitions": {key: texts[f"{key}_definition"] for key in FIGURES},
        "figures": figures,
        "pins": [
            {"position": p, **pin, "event": _line(views.line_at(p, shown=shown), lang, channels)}
            for p, pin in pins.items()
        ],
        "timeline": [_line(line, lang, channels) for line in views.lines(incident, shown=shown)],
        "facts": [_fact(f) for f in sorted(doc["facts"].values(), key=_submitted_at)],
        "archive": [
            _archived(doc["inquiries"][i["id"]])
            for i in sorted(final.get("inquiries", {}).values(), key=lambda i: i["received_at"])
            if i["archive_worthy"]
        ],
    }


def render_report(data: Doc, channels: dict[str, str], templates: jinja2.Environment) -> str:
    lang = data["lang"]
    return templates.get_template("review/report.html").render(
        data=data, **formatting(lang, channels, data["figures"])
    )


def formatting(lang: str, channels: dict[str, str], figures: Doc | None) -> Doc:
    """What the review templates use to show data: texts, times, durations, names, the chart."""
    texts = catalogue(lang)
    return {
        "lang": lang,
        "t": texts["ui"],
        "fig": texts["figures"],
        "when": lambda value: when(value, lang),
        "dur": lambda minutes: duration(minutes, lang),
        "num": lambda value: number(value, lang),
        "ch": lambda key: channels.get(key, key) if key else "",
        "target": lambda key: DEPARTMENTS.get(key, texts["ui"].get(f"to_{key}", key)),
        "chart": volume_chart(figures["volume"], channels, lang, texts["ui"])
        if figures
        else Markup(""),
        "overview": overview(figures, channels, lang, texts["ui"]) if figures else {},
    }


def _line(line: Doc | None, lang: str, channels: dict[str, str]) -> Doc | None:
    if line is None:
        return None
    return {
        "position": line["position"],
        "at": line["at"],
        "kind": line["kind"],
        "type": line["type"],
        "channel": line["channel"],
        "by": line["by"]["name"],
        "description": describe(line, lang, channels),
    }


def _incident(doc: Doc) -> Doc:
    keep = (
        "id",
        "title",
        "kind",
        "areas",
        "severity",
        "phase",
        "department_name",
        "opened_at",
        "opened_by",
        "crisis_mode",
        "sla_minutes",
    )
    return {key: doc.get(key) for key in keep}


def _fact(fact: Doc) -> Doc:
    keep = ("id", "text", "revision", "status", "submitted_by", "verified_by", "approved_by")
    return {**{key: fact[key] for key in keep}, "history": fact["history"]}


def _submitted_at(fact: Doc) -> str:
    return fact["history"][0]["at"]


def _archived(inquiry: Doc) -> Doc:
    keep = (
        "id",
        "channel",
        "handle",
        "text",
        "received_at",
        "category",
        "status",
        "archive_reason",
        "holding_reply",
        "answer",
        "referral",
        "escalation",
        "moderation",
        "redacted",
        "erased",
    )
    return {key: inquiry[key] for key in keep if key in inquiry}  # a reviewer has no handle
