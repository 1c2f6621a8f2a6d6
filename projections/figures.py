"""The review's figures: how fast and how well an incident was handled.

Pure functions of the incident's final board doc and its timeline lines (the
event history with times; see `projections.timeline`), so the review page,
the printed report and its JSON all come from this one code. Each figure's
definition is a sentence in the catalogue's `figures` section, under the
figure's key.

Minutes are rounded to one decimal. "Wall" is clock time; "working" counts
only Norwegian office hours (`crisis.sla.working_minutes`). Percentiles are
nearest-rank: p50 is the smallest value that at least half the values are at
or below, p90 likewise for nine in ten. Anything still open is judged as of
the incident's last recorded event (`end`), so the figures never change with
the day the report is run.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from crisis.channels import WEBSITE
from crisis.sla import BREACHED, DEFAULT_CRISIS_TARGET_MINUTES, Policy, sla_state, working_minutes
from projections.board import time_of
from projections.board.inquiries import needs_answer

Doc = dict[str, Any]
Line = dict[str, Any]
FIGURES = (
    "first_posts",
    "facts",
    "rumours",
    "responses",
    "sla",
    "holding_replies",
    "referrals",
    "moderation",
    "volume",
    "retractions",
    "moments",
    "reply_times",
)
# Bucket sizes for inquiry volume: the first that gives at most MAX_BUCKETS.
BUCKET_MINUTES = (15, 60, 360, 1440)
MAX_BUCKETS = 48


def figures(doc: Doc, lines: list[Line]) -> Doc:
    """Every figure for one incident: its doc as finally stated, and its lines in log order."""
    end = _end(doc, lines)
    return {
        "incident": {
            "id": doc["id"],
            "title": doc["title"],
            "opened_at": doc["opened_at"],
            "end": end.isoformat(),
            "minutes": minutes(time_of(doc["opened_at"]), end),
        },
        "first_posts": first_posts(doc),
        "facts": fact_pipeline(doc, lines),
        "rumours": rumour_corrections(doc),
        "responses": response_times(doc),
        "sla": sla_compliance(doc, lines, end),
        "holding_replies": holding_replies(doc, lines),
        "referrals": referrals(doc),
        "moderation": moderation(doc),
        "volume": volume(doc),
        "retractions": retractions(doc),
        "moments": key_moments(doc, lines),
        "reply_times": reply_times(doc, lines, end),
    }


# Helpers


def minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60, 1)


def working(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round(working_minutes(start, end), 1)


def percentile(values: list[float], p: int) -> float | None:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def spread(durations: list[float | None]) -> Doc:
    """Count, median and 90th percentile of the durations known (None: not yet over)."""
    values = [v for v in durations if v is not None]
    return {"count": len(values), "p50": percentile(values, 50), "p90": percentile(values, 90)}


# Acts on the record, not on the incident: removing residents' personal data
# (perhaps months later, when the retention time is up) changes no figure.
RECORD_KEEPING = ("Inquiry.Erased", "Inquiry.TextRedacted")


def _end(doc: Doc, lines: list[Line]) -> datetime:
    """The incident's last recorded event; the review's own pins and the removal
    of personal data do not count."""
    times = [
        line["at"]
        for line in lines
        if line["kind"] != "review" and not line["type"].startswith(RECORD_KEEPING)
    ]
    return time_of(max(times)) if times else time_of(doc["opened_at"])


# Publishing


def first_posts(doc: Doc) -> Doc:
    """From the incident opened to the first published post on the website and on each channel."""
    opened = time_of(doc["opened_at"])
    first: dict[str, Doc] = {}
    for post in doc.get("posts", {}).values():
        if post["published_at"] is None:
            continue
        known = first.get(post["channel"])
        if known is None or time_of(post["published_at"]) < time_of(known["published_at"]):
            first[post["channel"]] = {
                "channel": post["channel"],
                "post": post["id"],
                "text": post["text"],
                "published_at": post["published_at"],
                "minutes": minutes(opened, time_of(post["published_at"])),
            }
    channels = sorted(first.values(), key=lambda f: time_of(f["published_at"]))
    return {"website": first.get(WEBSITE), "channels": channels}


def fact_pipeline(doc: Doc, lines: list[Line]) -> list[Doc]:
    """Per fact and revision: verified, approved, and the first published post citing it."""
    verified: dict[tuple[str, int], str] = {}
    approved: dict[tuple[str, int], str] = {}
    for line in lines:
        key = (line["item"], line["params"].get("revision", 1))
        if line["type"] in ("Fact.Verified", "Fact.Corrected"):
            verified.setdefault(key, line["at"])
        elif line["type"] == "Fact.Approved":
            approved.setdefault(key, line["at"])
    cited: dict[tuple[str, int], str] = {}
    for post in doc.get("posts", {}).values():
        if post["published_at"] is None:
            continue
        for cite in post["cites"]:
            key = (cite["fact"], cite["revision"])
            if key not in cited or time_of(post["published_at"]) < time_of(cited[key]):
                cited[key] = post["published_at"]
    facts = []
    for fact in doc.get("facts", {}).values():
        texts = {h["revision"]: h["text"] for h in fact["history"]}
        revisions = []
        for revision, text in sorted(texts.items()):
            key = (fact["id"], revision)
            v, a, p = (
                time_of(verified.get(key)),
                time_of(approved.get(key)),
                time_of(cited.get(key)),
            )
            revisions.append(
                {
                    "revision": revision,
                    "text": text,
                    "verified_at": verified.get(key),
                    "approved_at": approved.get(key),
                    "first_post_at": cited.get(key),
                    "verified_to_approved": minutes(v, a),
                    "approved_to_first_post": minutes(a, p),
                }
            )
        facts.append(
            {
                "fact": fact["id"],
                "text": fact["text"],
                "status": fact["status"],
                "revisions": revisions,
            }
        )
    return sorted(facts, key=lambda f: f["revisions"][0]["verified_at"] or "~")


# Rumours


def rumour_corrections(doc: Doc) -> list[Doc]:
    """Per rumour, and per channel it was seen on: first sighting to the first
    correction recorded (the post or answer was published by then). On a
    channel, the correction is one published there (a post on that channel, or
    an answer to an inquiry from it); 0 if one was already there."""
    posts, inquiries = doc.get("posts", {}), doc.get("inquiries", {})
    result = []
    for rumour in doc.get("rumours", {}).values():
        seen: dict[str, str] = {}
        for sighting in rumour["sightings"]:
            seen.setdefault(sighting["channel"], sighting["at"])
        fixed: dict[str, str] = {}
        for correction in rumour["corrections"]:
            source = (posts if correction["via"] == "post" else inquiries).get(
                correction["ref"], {}
            )
            if source.get("channel"):
                fixed.setdefault(source["channel"], correction["at"])
        channels = [
            {
                "channel": channel,
                "first_seen_at": first,
                "corrected_at": fixed.get(channel),
                "minutes": _not_negative(minutes(time_of(first), time_of(fixed.get(channel)))),
            }
            for channel, first in sorted(seen.items(), key=lambda item: item[1])
        ]
        result.append(
            {
                "rumour": rumour["id"],
                "claim": rumour["claim"],
                "reach": rumour["reach"],
                "assessment": rumour["assessment"],
                "first_seen_at": rumour["first_seen_at"],
                "corrected_at": rumour["corrected_at"],
                "minutes": rumour["minutes_to_correction"],
                "channels": channels,
            }
        )
    return sorted(result, key=lambda r: r["first_seen_at"])


def _not_negative(value: float | None) -> float | None:
    return None if value is None else max(0.0, value)


# Inquiries


def _by_channel(doc: Doc) -> dict[str, list[Doc]]:
    channels: dict[str, list[Doc]] = defaultdict(list)
    for item in sorted(doc.get("inquiries", {}).values(), key=lambda i: i["received_at"]):
        channels[item["channel"]].append(item)
    return dict(sorted(channels.items()))


def _with_all(per_channel: dict[str, Any], make: Any, doc: Doc) -> Doc:
    items = [i for channel in _by_channel(doc).values() for i in channel]
    return {"channels": per_channel, "all": make(items)}


def response_times(doc: Doc) -> Doc:
    """Per channel, of inquiries owed an answer (opinions need none): received to
    the first response (holding reply, answer, referral or removal) and to the
    answer (answer, referral or removal), in wall and working minutes."""

    def times(items: list[Doc]) -> Doc:
        owed = [i for i in items if needs_answer(i)]
        clocks = {}
        for clock, stop in (("first_response", "first_response_at"), ("answer", "closed_at")):
            done = [i for i in owed if i[stop]]
            clocks[clock] = {
                "wall": spread(
                    [minutes(time_of(i["received_at"]), time_of(i[stop])) for i in done]
                ),
                "working": spread(
                    [working(time_of(i["received_at"]), time_of(i[stop])) for i in done]
                ),
            }
        return {
            "received": len(items),
            "owed": len(owed),
            "open": sum(1 for i in owed if i["status"] == "open"),
            **clocks,
        }

    return _with_all({c: times(items) for c, items in _by_channel(doc).items()}, times, doc)


def policies(doc: Doc, lines: list[Line]) -> list[tuple[str, Policy]]:
    """The SLA policy from each moment on: normal service until crisis mode is switched."""
    changes = [(doc["opened_at"], Policy())]
    for line in lines:
        if line["type"].startswith("Incident.CrisisModeSwitched"):
            target = line["params"].get("sla_minutes") or DEFAULT_CRISIS_TARGET_MINUTES
            changes.append((line["at"], Policy(bool(line["params"]["on"]), int(target))))
    return changes


def policy_at(changes: list[tuple[str, Policy]], moment: datetime) -> Policy:
    current = changes[0][1]
    for since, policy in changes:
        if time_of(since) <= moment:
            current = policy
    return current


def outcome(item: Doc, stop: str, changes: list[tuple[str, Policy]], end: datetime) -> str:
    """One clock of one inquiry as of `end`: met, missed or open, by the policy in
    force when it was received."""
    received = time_of(item["received_at"])
    state = sla_state(received, time_of(item[stop]), end, policy_at(changes, received))
    return "missed" if state.state == BREACHED else "met" if state.stopped else "open"


def sla_compliance(doc: Doc, lines: list[Line], end: datetime) -> Doc:
    """Per channel, of inquiries owed an answer: each clock met (stopped within the
    target), missed (stopped late, or still running past it at the end) or still
    open. Each inquiry is judged by the policy in force when it was received:
    24 working hours in normal service, the incident's target in wall minutes
    in crisis mode."""
    changes = policies(doc, lines)

    def judge(items: list[Doc]) -> Doc:
        result: Doc = {}
        for clock, stop in (("first_response", "first_response_at"), ("answer", "closed_at")):
            counts = Counter({"met": 0, "missed": 0, "open": 0})
            for item in items:
                if needs_answer(item):
                    counts[outcome(item, stop, changes, end)] += 1
            total = sum(counts.values())
            share = round(100 * counts["met"] / total, 1) if total else None
            result[clock] = {**counts, "owed": total, "met_percent": share}
        return result

    return _with_all({c: judge(items) for c, items in _by_channel(doc).items()}, judge, doc)


def holding_replies(doc: Doc, lines: list[Line]) -> Doc:
    """Holding replies sent, and their follow-up: inquiries answered or referred
    after their first holding reply, and how long after it; those still waiting."""
    first: dict[str, str] = {}
    sent = 0
    for line in lines:
        if line["type"] == "Inquiry.HoldingReplySent":
            sent += 1
            first.setdefault(line["item"], line["at"])
    inquiries = doc.get("inquiries", {})
    followed, waiting, other = [], 0, 0
    for inquiry_id, replied in first.items():
        item = inquiries[inquiry_id]
        if item["status"] in ("answered", "referred"):
            followed.append((time_of(replied), time_of(item["closed_at"])))
        elif item["status"] == "open":
            waiting += 1
        else:
            other += 1
    return {
        "sent": sent,
        "inquiries": len(first),
        "followed_up": len(followed),
        "waiting": waiting,
        "removed": other,
        "follow_up_wall": spread([minutes(a, b) for a, b in followed]),
        "follow_up_working": spread([working(a, b) for a, b in followed]),
    }


def referrals(doc: Doc) -> Doc:
    """Inquiries referred (never case handling on social media), by where to and by channel."""
    referred = [i for i in doc.get("inquiries", {}).values() if i["referral"]]
    return {
        "total": len(referred),
        "by_target": dict(sorted(Counter(i["referral"]["to"] for i in referred).items())),
        "by_channel": dict(sorted(Counter(i["channel"] for i in referred).items())),
    }


def moderation(doc: Doc) -> Doc:
    """Inquiries hidden or deleted, by the reason they were removed for (their
    category), with what the people were told and how many fake profiles were blocked."""
    groups: dict[str, Doc] = {}
    for item in doc.get("inquiries", {}).values():
        removal = item["moderation"]
        if not removal:
            continue
        category = item["category"] or "-"
        group = groups.setdefault(
            category,
            {"category": category, "count": 0, "hide": 0, "delete": 0, "blocked": 0, "told": {}},
        )
        group["count"] += 1
        group[removal["action"]] += 1
        group["blocked"] += bool(removal["blocked"])
        group["told"][removal["reason"]] = group["told"].get(removal["reason"], 0) + 1
    by_reason = sorted(groups.values(), key=lambda g: (-g["count"], g["category"]))
    for group in by_reason:
        group["told"] = [{"reason": r, "count": n} for r, n in sorted(group["told"].items())]
    return {"total": sum(g["count"] for g in by_reason), "by_reason": by_reason}


def volume(doc: Doc) -> Doc:
    """Inquiries received per channel in each interval (15 minutes, 1 hour, 6 hours
    or a day: the shortest that gives at most 48 intervals), UTC-aligned."""
    received = sorted(
        (time_of(i["received_at"]), i["channel"]) for i in doc.get("inquiries", {}).values()
    )
    grid = intervals([moment for moment, _ in received])
    if grid is None:
        return {"bucket_minutes": None, "buckets": [], "channels": {}}
    counts: dict[str, list[int]] = {}
    for moment, channel in received:
        row = counts.setdefault(channel, [0] * grid.count)
        row[grid.index(moment)] += 1
    return {
        "bucket_minutes": grid.size,
        "buckets": [start.isoformat() for start in grid.starts],
        "channels": dict(sorted(counts.items())),
    }


@dataclass(frozen=True)
class Grid:
    """Intervals of `size` minutes from `start`: where inquiries are counted."""

    start: datetime
    size: int
    count: int

    @property
    def starts(self) -> list[datetime]:
        return [self.start + n * timedelta(minutes=self.size) for n in range(self.count)]

    def index(self, moment: datetime) -> int:
        return int((moment - self.start) / timedelta(minutes=self.size))


def intervals(times: list[datetime]) -> Grid | None:
    """The intervals from the first inquiry received to the last (None if there is none):
    the shortest size of BUCKET_MINUTES that gives at most MAX_BUCKETS."""
    if not times:
        return None
    first, last = min(times), max(times)
    for size in BUCKET_MINUTES:
        start = _floor(first, size)
        count = int((last - start).total_seconds() // (size * 60)) + 1
        if count <= MAX_BUCKETS:
            break
    return Grid(start, size, count)


def _floor(moment: datetime, size: int) -> datetime:
    utc = moment.astimezone(UTC)
    since = utc - datetime(2000, 1, 1, tzinfo=UTC)
    whole = since // timedelta(minutes=size)
    return datetime(2000, 1, 1, tzinfo=UTC) + whole * timedelta(minutes=size)


# Corrections of our own


def retractions(doc: Doc) -> list[Doc]:
    """Posts retracted, each with the apology that corrects it and how long after
    the retraction the apology was published."""
    posts = doc.get("posts", {})
    result = []
    for post in posts.values():
        if post["status"] != "retracted":
            continue
        apology = posts.get(post["corrected_by"] or "", {})
        retracted = post["retracted"]
        result.append(
            {
                "post": post["id"],
                "channel": post["channel"],
                "text": post["text"],
                "published_at": post["published_at"],
                "reason": retracted["reason"],
                "by": retracted["by"],
                "retracted_at": retracted["at"],
                "apology": apology.get("id"),
                "apology_text": apology.get("text"),
                "apology_status": apology.get("status"),
                "apology_published_at": apology.get("published_at"),
                "minutes_to_apology": minutes(
                    time_of(retracted["at"]), time_of(apology.get("published_at"))
                ),
            }
        )
    return sorted(result, key=lambda r: r["retracted_at"])


# The shape of the incident: key moments and the wait for a first reply


# Line types that mark a turn in the incident, and the moment each is shown as.
MOMENT_OF = {
    "Incident.Opened": "opened",
    "Incident.PhaseChanged": "phase",
    "Incident.SeverityChanged": "severity",
    "Incident.CrisisModeSwitched": "crisis_mode",
    "Fact.Approved": "fact_approved",
    "Rumour.Corrected": "rumour_corrected",
}


def pinned(lines: list[Line]) -> dict[int, Doc]:
    """The moments pinned now, by log position: the pins added and not removed since."""
    pins: dict[int, Doc] = {}
    for line in lines:
        where = line["params"].get("pinned")
        if line["type"] == "Review.MomentPinned":
            pins[where] = {"note": line["params"]["note"], "by": line["by"], "at": line["at"]}
        elif line["type"] == "Review.PinRemoved":
            pins.pop(where, None)
    return dict(sorted(pins.items()))


def key_moments(doc: Doc, lines: list[Line]) -> list[Doc]:
    """The turns of the incident in time order, for the visual timeline: opened,
    phase changes (closing is one), severity changes, crisis mode switched, the
    first post published on the website, facts approved, rumours corrected, and
    the events pinned in the review. Each: when, its log position, what (`moment`)
    and a `value` to name it by (the phase, severity, crisis target, fact revision,
    channel of the correction or the pin's note); never a resident's words."""
    moments = []
    for line in lines:
        kind = MOMENT_OF.get(line["type"].split(":")[0])
        if kind:
            moments.append(_moment(line, *_named(kind, line)))
    website = first_posts(doc)["website"]
    published = [
        line
        for line in lines
        if website and line["type"] == "Post.Published" and line["item"] == website["post"]
    ]
    moments.extend(_moment(line, "website_post", None) for line in published[:1])
    at = {line["position"]: line for line in lines}
    moments.extend(
        _moment(at[position], "pinned", pin["note"])
        for position, pin in pinned(lines).items()
        if position in at
    )
    return sorted(moments, key=lambda m: (time_of(m["at"]), m["position"]))


def _named(kind: str, line: Line) -> tuple[str, Any]:
    params = line["params"]
    if kind == "phase":
        return ("closed", None) if params["phase"] == "closed" else ("phase", params["phase"])
    if kind == "severity":
        return kind, params["severity"]
    if kind == "crisis_mode":
        target = params.get("sla_minutes") or DEFAULT_CRISIS_TARGET_MINUTES
        return ("crisis_on", target) if params["on"] else ("crisis_off", None)
    if kind == "fact_approved":
        return kind, params.get("revision", 1)
    if kind == "rumour_corrected":
        return kind, line["channel"]
    return kind, None


def _moment(line: Line, kind: str, value: Any) -> Doc:
    return {"at": line["at"], "position": line["position"], "moment": kind, "value": value}


def reply_times(doc: Doc, lines: list[Line], end: datetime) -> Doc:
    """Per channel, per interval of arrival (the intervals of `volume`), of the
    inquiries owed an answer: how many, how many had a first response (holding
    reply, answer, referral or removal) by the end, the median and 90th
    percentile of wall minutes to it, how many still waited, and how many missed
    the first-response target (judged as in `sla`); and the `targets` in force
    for inquiries arriving from each moment on (`target_periods`)."""
    changes = policies(doc, lines)
    targets = target_periods(changes)
    grid = intervals([time_of(i["received_at"]) for i in doc.get("inquiries", {}).values()])
    if grid is None:
        return {"bucket_minutes": None, "buckets": [], "targets": targets, "channels": {}}
    channels = {}
    for channel, items in _by_channel(doc).items():
        rows: list[list[Doc]] = [[] for _ in range(grid.count)]
        for item in items:
            if needs_answer(item):
                rows[grid.index(time_of(item["received_at"]))].append(item)
        channels[channel] = _reply_columns(rows, changes, end)
    return {
        "bucket_minutes": grid.size,
        "buckets": [start.isoformat() for start in grid.starts],
        "targets": targets,
        "channels": channels,
    }


def target_periods(changes: list[tuple[str, Policy]]) -> list[Doc]:
    """The first-response target for inquiries arriving from each moment on: the
    crisis-mode target in wall minutes, or None in normal service (24 working
    hours, no fixed number of wall minutes). A change at the same moment as the
    one before replaces it."""
    periods: list[Doc] = []
    for since, policy in changes:
        if periods and time_of(periods[-1]["from"]) == time_of(since):
            periods.pop()
        minutes = policy.target_minutes if policy.crisis_mode else None
        periods.append({"from": since, "minutes": minutes})
    return periods


def _reply_columns(
    rows: list[list[Doc]], changes: list[tuple[str, Policy]], end: datetime
) -> dict[str, list]:
    columns: dict[str, list] = {
        key: [] for key in ("owed", "replied", "p50", "p90", "waiting", "missed")
    }
    for items in rows:
        waits = [minutes(time_of(i["received_at"]), time_of(i["first_response_at"])) for i in items]
        times = spread(waits)
        columns["owed"].append(len(items))
        columns["replied"].append(times["count"])
        columns["p50"].append(times["p50"])
        columns["p90"].append(times["p90"])
        columns["waiting"].append(len(items) - times["count"])
        columns["missed"].append(
            sum(1 for i in items if outcome(i, "first_response_at", changes, end) == "missed")
        )
    return columns
