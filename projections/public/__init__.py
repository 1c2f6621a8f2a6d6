"""What the public may see of an incident: a pure function of its board doc.

The public page, the Atom feeds and the CAP messages are all rendered from
`public_incident(doc)` and nothing else, so what is not copied here cannot
leak: drafts, facts not (or no longer) approved, retracted posts, inquiries,
rumours and the names of staff never reach a public output.

An incident becomes public when its first website post is published (the
notice is issued); until then it does not exist for the public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crisis.channels import WEBSITE

Doc = dict[str, Any]

# Phases in which the danger is over: entering one issues the all-clear.
CLEARED = ("resolved", "closed")


@dataclass(frozen=True)
class Publisher:
    """Who publishes: the municipality's name, its CAP sender id and public address."""

    name: str
    sender: str
    base_url: str

    def page(self, incident_id: str) -> str:
        return f"{self.base_url}/public/incidents/{incident_id}"

    def cap(self, incident_id: str, identifier: str) -> str:
        return f"{self.page(incident_id)}/cap/{identifier}.xml"


def public_incident(doc: Doc) -> Doc | None:
    """The public view of one incident, or None while nothing is published."""
    issued = _issued(doc)
    if not issued:
        return None
    phases = doc.get("phases") or [{"phase": doc["phase"], "at": doc["opened_at"]}]
    updates = [_update(p) for p in reversed(issued) if _visible(p)]
    facts = _facts(doc)
    messages = _messages(doc, issued, phases)
    return {
        "id": doc["id"],
        "title": doc["title"],
        "kind": doc["kind"],
        "areas": list(doc["areas"]),
        "severity": doc["severity"],
        "phase": doc["phase"],
        "cleared": doc["phase"] in CLEARED,
        "department": doc["department_name"],
        "opened_at": doc["opened_at"],
        "updated_at": _latest(
            [doc["opened_at"]]
            + [p["at"] for p in phases]
            + [u["published_at"] for u in updates]
            + [f["approved_at"] for f in facts]
        ),
        "facts": facts,
        "updates": updates,
        "messages": messages,
    }


def current(incidents: list[Doc]) -> list[Doc]:
    """The incidents the public index lists: not closed, most recently updated first."""
    listed = [i for i in incidents if i["phase"] != "closed"]
    return sorted(listed, key=lambda i: moment(i["updated_at"]), reverse=True)


def _issued(doc: Doc) -> list[Doc]:
    """Every website post ever published, in order, retracted ones included:
    they were sent, so later CAP messages still reference them."""
    posts = [
        p
        for p in doc.get("posts", {}).values()
        if p["channel"] == WEBSITE and p.get("published_at")
    ]
    return sorted(posts, key=lambda p: (moment(p["published_at"]), p["id"]))


def _visible(post: Doc) -> bool:
    """Only a post standing as published is shown; a retracted one never is."""
    return post["status"] == "published"


def _update(post: Doc) -> Doc:
    return {
        "id": post["id"],
        "text": post["text"],
        "published_at": post["published_at"],
        "correction": bool(post.get("corrects")),
    }


def _facts(doc: Doc) -> list[Doc]:
    """The approved facts as currently stated (pending, unapproved and withdrawn left out)."""
    return [
        {"id": f["id"], "text": f["text"], "approved_at": f["updated_at"]}
        for f in doc.get("facts", {}).values()
        if f["status"] == "approved"
    ]


def _messages(doc: Doc, issued: list[Doc], phases: list[Doc]) -> list[Doc]:
    """The CAP message history: the first published website post is the Alert,
    each later one (an apology included) an Update, and each entry into a
    resolved phase an all-clear Update; each references all before it.

    A message keeps the severity and areas it was issued with (an all-clear,
    those of the message before it): a sent message never changes."""
    incident_id = doc["id"]
    live = {"severity": doc["severity"], "areas": list(doc["areas"])}
    steps: list[tuple[datetime, int, Doc | int]] = [
        (moment(p["published_at"]), 0, p) for p in issued
    ]
    for n, phase in enumerate(phases):
        entering = phase["phase"] in CLEARED and (n == 0 or phases[n - 1]["phase"] not in CLEARED)
        if entering:
            steps.append((moment(phase["at"]), 1, n))
    messages: list[Doc] = []
    for at, _, step in sorted(steps, key=lambda s: s[:2]):
        if isinstance(step, int) and not messages:
            continue  # nothing was issued yet, so there is nothing to clear
        message: Doc = {
            "type": "Update" if messages else "Alert",
            "sent": cap_time(at),
            "phase": _phase_at(phases, at),
            "references": [{"identifier": m["identifier"], "sent": m["sent"]} for m in messages],
        }
        if isinstance(step, int):
            message |= {
                "severity": messages[-1]["severity"],
                "areas": messages[-1]["areas"],
                "identifier": f"{incident_id}-clear-{step}",
                "kind": "all_clear",
                "text": None,
                "withdrawn": False,
            }
        else:
            visible = _visible(step)
            message |= step.get("issued") or live  # posts published before `issued` was kept
            message |= {
                "identifier": f"{incident_id}-post-{step['id']}",
                "kind": "correction" if step.get("corrects") else "notice",
                "text": step["text"] if visible else None,
                "withdrawn": not visible,
            }
        messages.append(message)
    return messages


def _phase_at(phases: list[Doc], at: datetime) -> str:
    phase = phases[0]["phase"]
    for entry in phases:
        if moment(entry["at"]) <= at:
            phase = entry["phase"]
    return phase


def _latest(times: list[str]) -> str:
    return max(times, key=moment)


def moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def cap_time(at: datetime) -> str:
    """CAP's dateTime: whole seconds and an explicit offset (`+00:00`, never `Z`)."""
    return at.astimezone(UTC).replace(microsecond=0).isoformat()
