"""Charts as inline SVG, drawn on the server: they show without JavaScript, print,
and live inside a self-contained report. Presentation attributes only (no style
attributes), so the page's strict Content-Security-Policy allows them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.dates import format_datetime
from markupsafe import Markup, escape

from reports.narrate import LOCALES, OSLO, duration, number, when

WIDTH = 720
LEFT, RIGHT, TOP, BOTTOM = 52, 700, 16, 214  # the plot area
# Dark, distinct colours (contrast above 4.5:1 on white), each with its own dash,
# so the lines stay apart in greyscale print and for colour-blind readers.
STYLES = [
    ("#1f42aa", ""),
    ("#a4001f", "8 4"),
    ("#03591f", "2 3"),
    ("#7a4a00", "10 3 2 3"),
    ("#5b2a86", "4 4"),
    ("#00606b", "1 2"),
    ("#333333", "12 2"),
]


def volume_chart(volume: dict[str, Any], channels: dict[str, str], lang: str, t: dict) -> Markup:
    """Inquiries per channel per interval as lines, with axes and a legend."""
    buckets, series = volume["buckets"], volume["channels"]
    if not buckets:
        return Markup("")
    top = max(max(counts) for counts in series.values()) or 1
    span = max(len(buckets) - 1, 1)
    height = BOTTOM + 36 + 18 * ((len(series) + 3) // 4)

    def x(i: int) -> float:
        return LEFT + (RIGHT - LEFT) * (i / span if len(buckets) > 1 else 0.5)

    def y(count: int) -> float:
        return BOTTOM - (BOTTOM - TOP) * count / top

    desc = t["volume_desc"].format(
        minutes=volume["bucket_minutes"],
        start=when(buckets[0], lang),
        end=when(buckets[-1], lang),
    )
    parts = [_open_svg("volume", height, t["volume_chart"], desc)]
    for count in sorted({0, (top + 1) // 2, top}):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(count):.1f}" x2="{RIGHT}" y2="{y(count):.1f}" '
            f'stroke="#c8c8c8" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(count) + 4:.1f}" text-anchor="end" fill="#1a1a1a">'
            f"{count}</text>"
        )
    for i in sorted({0, len(buckets) // 2, len(buckets) - 1}):
        anchor = "start" if i == 0 and len(buckets) > 1 else "end" if i == span else "middle"
        parts.append(
            f'<text x="{x(i):.1f}" y="{BOTTOM + 18}" text-anchor="{anchor}" fill="#1a1a1a">'
            f"{escape(when(buckets[i], lang))}</text>"
        )
    parts.append(_frame(TOP, BOTTOM))
    for n, (channel, counts) in enumerate(series.items()):
        colour, dash = STYLES[n % len(STYLES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        points = " ".join(f"{x(i):.1f},{y(c):.1f}" for i, c in enumerate(counts))
        name = escape(channels.get(channel, channel))
        parts.append(
            f'<g data-channel="{escape(channel)}"><polyline points="{points}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5"{dashes}/>'
            + "".join(
                f'<circle cx="{x(i):.1f}" cy="{y(c):.1f}" r="3" fill="{colour}"/>'
                for i, c in enumerate(counts)
            )
            + "</g>"
        )
        lx, ly = LEFT + (n % 4) * 160, BOTTOM + 44 + (n // 4) * 18
        parts.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 28}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="2.5"{dashes}/>'
            f'<text x="{lx + 34}" y="{ly}" fill="#1a1a1a">{name}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# The shape of the incident: one time axis (Oslo time) for the key moments and
# the inquiry volume, and one small chart per channel of the wait for a first reply.

BAR = "#3c5bbf"  # inquiries per interval (6:1 on white)
SPREAD = "#6f86d0"  # the 90th percentile of the wait (3.5:1 on white)
INK, GRID, TARGET = "#1a1a1a", "#c8c8c8", "#a4001f"
# Marker colours by what the moment is about: the incident, publishing, rumours, the review.
MARKS = {
    "opened": "#333333",
    "phase": "#333333",
    "closed": "#333333",
    "severity": "#333333",
    "crisis_on": "#333333",
    "crisis_off": "#333333",
    "website_post": "#03591f",
    "fact_approved": "#03591f",
    "rumour_corrected": "#a4001f",
    "pinned": "#5b2a86",
}
TICK_STEPS = (15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)  # minutes
MAX_TICKS = 7
LANE, LANES = 22, 4  # marker rows: height, how many at most
SAME_PLACE = 6  # moments closer than this many pixels share one marker
SHORT = {"nb": ("HH:mm", "d. MMM"), "en": ("HH:mm", "d MMM")}
NOTE = 60  # characters of a pin's note shown on a marker


def overview(figures: dict[str, Any], channels: dict[str, str], lang: str, t: dict) -> dict:
    """What the review's overview shows: the timeline chart with its moments in
    words, and each channel's reply-time chart with a sentence summing it up."""
    moments = [
        {**m, "n": n, "label": moment_label(m, channels, t)}
        for n, m in enumerate(figures["moments"], start=1)
    ]
    return {
        "timeline": timeline_chart(figures, moments, lang, t),
        "moments": moments,
        "replies": reply_charts(figures, channels, lang, t),
    }


def moment_label(moment: dict[str, Any], channels: dict[str, str], t: dict) -> str:
    """A key moment in a few words: «Fase: Aktiv», «Rykte rettet på Facebook»."""
    value = moment["value"]
    if moment["moment"] in ("phase", "severity"):
        value = t.get(f"{moment['moment']}_{value}", value)
    elif moment["moment"] == "rumour_corrected":
        value = channels.get(value or "", value or "")
    elif moment["moment"] == "pinned" and len(value) > NOTE:
        value = value[: NOTE - 1] + "…"
    return str(t[f"moment_{moment['moment']}"].format(value=value))


class TimeAxis:
    """Instants to x between LEFT and RIGHT, with ticks at round Oslo times."""

    def __init__(self, start: datetime, end: datetime, lang: str) -> None:
        self.start, self.lang = start, lang
        self.span = max((end - start).total_seconds(), 60.0)
        self.end = start + timedelta(seconds=self.span)

    def x(self, moment: datetime) -> float:
        return LEFT + (RIGHT - LEFT) * (moment - self.start).total_seconds() / self.span

    def ticks(self) -> list[datetime]:
        step = next((s for s in TICK_STEPS if self.span / (s * 60) <= MAX_TICKS), TICK_STEPS[-1])
        local = self.start.astimezone(OSLO)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        passed = (local - midnight).total_seconds() / 60
        tick = midnight + timedelta(minutes=step * math.ceil(passed / step))
        ticks = []
        while tick <= self.end:
            ticks.append(tick.astimezone(UTC))
            tick += timedelta(minutes=step)
        return ticks

    def draw(self, bottom: float) -> str:
        """Tick lines and labels under the plot; the date under the first time of each day."""
        parts, last_day = [], None
        for tick in self.ticks():
            local, x = tick.astimezone(OSLO), self.x(tick)
            clock, day = (
                format_datetime(local, pattern, locale=LOCALES[self.lang])
                for pattern in SHORT[self.lang]
            )
            parts.append(
                f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" stroke="{INK}"/>'
                f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" fill="{INK}">'
                f"{escape(clock)}</text>"
            )
            if local.date() != last_day:
                parts.append(
                    f'<text x="{x:.1f}" y="{bottom + 32}" text-anchor="middle" fill="{INK}">'
                    f"{escape(day)}</text>"
                )
                last_day = local.date()
        return "".join(parts)


def _open_svg(key: str, height: int, title: str, desc: str, **data: str) -> str:
    """The chart's element, its title and description named for assistive technology;
    `data` become data- attributes (data-chart is the key)."""
    attributes = "".join(f' data-{name}="{escape(value)}"' for name, value in data.items())
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{key}-title {key}-desc" font-family="sans-serif" '
        f'font-size="12" data-chart="{key}"{attributes}>'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>'
    )


def _count_axis(top: float, y: Any, labels: Any) -> str:
    """Grid lines at 0, half and the top, labelled by `labels`."""
    return "".join(
        f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{RIGHT}" y2="{y(v):.1f}" stroke="{GRID}"/>'
        f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="{INK}">'
        f"{escape(labels(v))}</text>"
        for v in sorted({0, top / 2, top})
    )


def _frame(top: float, bottom: float) -> str:
    return (
        f'<line x1="{LEFT}" y1="{bottom}" x2="{RIGHT}" y2="{bottom}" stroke="{INK}"/>'
        f'<line x1="{LEFT}" y1="{top}" x2="{LEFT}" y2="{bottom}" stroke="{INK}"/>'
    )


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def timeline_chart(
    figures: dict[str, Any], moments: list[dict[str, Any]], lang: str, t: dict
) -> Markup:
    """Inquiries per interval as bars under numbered markers for the key moments,
    on one time axis from the incident's opening to its last event."""
    volume, incident = figures["volume"], figures["incident"]
    starts = [_time(b) for b in volume["buckets"]]
    size = timedelta(minutes=volume["bucket_minutes"] or 0)
    totals = [sum(column) for column in zip(*volume["channels"].values(), strict=True)]
    first = min([_time(incident["opened_at"]), *starts[:1]])
    last = max([_time(incident["end"]), *(s + size for s in starts[-1:])])
    axis = TimeAxis(first, last, lang)
    marks = _marks(moments, axis)
    lanes = _lanes([(x, width) for x, width, _ in marks])
    plot_top = 14 + LANE * (max(lanes, default=0) + 1)
    bottom = plot_top + 150
    height = int(bottom + 62)
    top = max(totals, default=0) or 1

    def y(count: float) -> float:
        return bottom - (bottom - plot_top) * count / top

    desc = t["timeline_chart_desc"].format(
        minutes=volume["bucket_minutes"] or "-",
        start=when(first, lang),
        end=when(last, lang),
        n=len(moments),
    )
    parts = [
        _open_svg("moments", height, t["timeline_chart"], desc),
        _count_axis(top, y, lambda v: f"{v:g}"),
    ]
    for start, total in zip(starts, totals, strict=True):
        if total:
            x0, x1 = axis.x(start), axis.x(start + size)
            parts.append(
                f'<rect x="{x0 + 0.5:.1f}" y="{y(total):.1f}" width="{max(x1 - x0 - 1, 1):.1f}" '
                f'height="{bottom - y(total):.1f}" fill="{BAR}"><title>'
                f"{escape(when(start, lang))}: {total}</title></rect>"
            )
    parts.append(_frame(plot_top, bottom) + axis.draw(bottom))
    for (x, width, group), lane in zip(marks, lanes, strict=True):
        cy = 12 + LANE * lane
        colour = MARKS[group[0]["moment"]] if len(group) == 1 else "#333333"
        named = "\n".join(f"{m['n']}. {when(m['at'], lang)}: {m['label']}" for m in group)
        parts.append(
            f'<g data-moments="{" ".join(m["moment"] for m in group)}" '
            f'data-positions="{" ".join(str(m["position"]) for m in group)}">'
            f"<title>{escape(named)}</title>"
            f'<line x1="{x:.1f}" y1="{cy + 9}" x2="{x:.1f}" y2="{bottom}" stroke="{colour}" '
            'stroke-dasharray="3 3"/>'
            f'<rect x="{x - width / 2:.1f}" y="{cy - 9}" width="{width:.1f}" height="18" '
            f'rx="9" fill="{colour}"/>'
            f'<text x="{x:.1f}" y="{cy + 4}" text-anchor="middle" fill="#ffffff" '
            f'font-size="11" font-weight="bold">{_numbers(group)}</text></g>'
        )
    ly = height - 8
    parts.append(
        f'<rect x="{LEFT}" y="{ly - 10}" width="14" height="10" fill="{BAR}"/>'
        f'<text x="{LEFT + 20}" y="{ly}" fill="{INK}">'
        f"{escape(t['timeline_chart_bars'].format(minutes=volume['bucket_minutes'] or '-'))}"
        f'</text><circle cx="{LEFT + 330}" cy="{ly - 4}" r="7" fill="#333333"/>'
        f'<text x="{LEFT + 344}" y="{ly}" fill="{INK}">{escape(t["timeline_chart_marks"])}</text>'
        "</svg>"
    )
    return Markup("".join(parts))


def _marks(
    moments: list[dict[str, Any]], axis: TimeAxis
) -> list[tuple[float, float, list[dict[str, Any]]]]:
    """One marker per run of moments too close in time to tell apart (they are
    numbered in time order, so a run reads «3–6»): its x, its width, its moments."""
    runs: list[tuple[float, list[dict[str, Any]]]] = []
    for moment in moments:
        x = axis.x(_time(moment["at"]))
        if runs and x - runs[-1][0] < SAME_PLACE:
            runs[-1][1].append(moment)
        else:
            runs.append((x, [moment]))
    return [(x, max(18.0, 8 + 7 * len(_numbers(group))), group) for x, group in runs]


def _numbers(group: list[dict[str, Any]]) -> str:
    first, last = group[0]["n"], group[-1]["n"]
    return str(first) if first == last else f"{first}–{last}"


def _lanes(marks: list[tuple[float, float]]) -> list[int]:
    """A row for each marker (x, width), so markers close in time do not cover
    each other: the first row with room (else the one whose last marker ends first)."""
    ends: list[float] = []
    lanes = []
    for x, width in marks:
        lane = next((n for n, end in enumerate(ends) if x - width / 2 >= end + 2), None)
        if lane is None:
            if len(ends) < LANES:
                ends.append(0.0)
                lane = len(ends) - 1
            else:
                lane = min(range(LANES), key=lambda n: ends[n])
        ends[lane] = x + width / 2
        lanes.append(lane)
    return lanes


@dataclass(frozen=True)
class Intervals:
    """What every channel's reply chart shares: its intervals, time axis and scale."""

    starts: list[datetime]
    size: timedelta
    targets: list[tuple[datetime, datetime, int]]  # crisis-mode targets: from, to, minutes
    axis: TimeAxis
    top: float


def reply_charts(
    figures: dict[str, Any], channels: dict[str, str], lang: str, t: dict
) -> list[dict[str, Any]]:
    """Per channel: the median and 90th percentile of the wait for a first reply
    by interval of arrival, on one scale for every channel, with the crisis-mode
    target marked; and a sentence of the channel's totals (the figures' own)."""
    replies = figures["reply_times"]
    if not replies["buckets"]:
        return []
    waits = [v for c in replies["channels"].values() for v in c["p90"] if v is not None]
    starts = [_time(b) for b in replies["buckets"]]
    size = timedelta(minutes=replies["bucket_minutes"])
    axis = TimeAxis(starts[0], starts[-1] + size, lang)
    targets = _target_spans(replies["targets"], axis)
    top = max([*waits, *(minutes for _, _, minutes in targets)], default=0) or 1
    shared = Intervals(starts, size, targets, axis, top)
    result = []
    for n, (channel, columns) in enumerate(replies["channels"].items()):
        name = channels.get(channel, channel)
        summary = _reply_summary(figures, channel, lang, t)
        title = t["reply_chart"].format(channel=name)
        svg = _reply_chart(f"replies-{n}", channel, columns, shared, (title, summary), lang, t)
        result.append({"channel": channel, "name": name, "summary": summary, "svg": svg})
    return result


def _target_spans(
    targets: list[dict[str, Any]], axis: TimeAxis
) -> list[tuple[datetime, datetime, int]]:
    """The crisis-mode targets (from, to, minutes) within the axis: normal service has none."""
    spans = []
    for n, period in enumerate(targets):
        ends = _time(targets[n + 1]["from"]) if n + 1 < len(targets) else axis.end
        start, end = max(_time(period["from"]), axis.start), min(ends, axis.end)
        if period["minutes"] is not None and end > start:
            spans.append((start, end, period["minutes"]))
    return spans


def _reply_summary(figures: dict[str, Any], channel: str, lang: str, t: dict) -> str:
    responses = figures["responses"]["channels"][channel]
    wall = responses["first_response"]["wall"]
    met = figures["sla"]["channels"][channel]["first_response"]["met_percent"]
    return str(
        t["reply_summary"].format(
            replied=number(wall["count"], lang),
            owed=number(responses["owed"], lang),
            p50=duration(wall["p50"], lang),
            p90=duration(wall["p90"], lang),
            met=number(met, lang),
        )
    )


def _reply_chart(
    key: str,
    channel: str,
    columns: dict[str, list],
    shared: Intervals,
    words: tuple[str, str],
    lang: str,
    t: dict,
) -> Markup:
    """One channel's chart: a bar to the 90th percentile and a line at the median
    for each interval, the crisis-mode target dashed over the intervals it held."""
    plot_top, bottom = 14, 134
    height = bottom + 62
    axis, top = shared.axis, shared.top

    def y(value: float) -> float:
        return bottom - (bottom - plot_top) * value / top

    parts = [
        _open_svg(key, height, *words, channel=channel),
        _count_axis(top, y, lambda v: duration(v, lang)),
    ]
    for start, end, minutes in shared.targets:
        parts.append(
            f'<line x1="{axis.x(start):.1f}" y1="{y(minutes):.1f}" x2="{axis.x(end):.1f}" '
            f'y2="{y(minutes):.1f}" stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 3" '
            f'data-target="{minutes}"/>'
        )
    for n, start in enumerate(shared.starts):
        x0, x1 = axis.x(start), axis.x(start + shared.size)
        width = max(x1 - x0 - 2, 1)
        p50, p90 = columns["p50"][n], columns["p90"][n]
        if p90 is None:
            continue
        parts.append(
            f'<g data-interval="{n}"><title>{escape(when(start, lang))}: '
            f"{escape(t['median'])} {escape(duration(p50, lang))}, "
            f"p90 {escape(duration(p90, lang))}</title>"
            f'<rect x="{x0 + 1:.1f}" y="{y(p90):.1f}" width="{width:.1f}" '
            f'height="{bottom - y(p90):.1f}" fill="{SPREAD}"/>'
            f'<line x1="{x0 + 1:.1f}" y1="{y(p50):.1f}" x2="{x0 + 1 + width:.1f}" '
            f'y2="{y(p50):.1f}" stroke="{INK}" stroke-width="3"/></g>'
        )
    parts.append(_frame(plot_top, bottom) + axis.draw(bottom))
    ly = height - 8
    parts.append(
        f'<rect x="{LEFT}" y="{ly - 10}" width="14" height="10" fill="{SPREAD}"/>'
        f'<text x="{LEFT + 20}" y="{ly}" fill="{INK}">{escape(t["p90_wait"])}</text>'
        f'<line x1="{LEFT + 200}" y1="{ly - 4}" x2="{LEFT + 222}" y2="{ly - 4}" stroke="{INK}" '
        f'stroke-width="3"/><text x="{LEFT + 228}" y="{ly}" fill="{INK}">'
        f"{escape(t['median'])}</text>"
        f'<line x1="{LEFT + 360}" y1="{ly - 4}" x2="{LEFT + 390}" y2="{ly - 4}" '
        f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 3"/>'
        f'<text x="{LEFT + 396}" y="{ly}" fill="{INK}">{escape(t["crisis_target"])}</text>'
        "</svg>"
    )
    return Markup("".join(parts))
