"""Charts as inline SVG, drawn on the server: they show without JavaScript, print,
and live inside a self-contained report. Presentation attributes only (no style
attributes), so the page's strict Content-Security-Policy allows them."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from reports.narrate import when

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

    title = escape(t["volume_chart"])
    desc = escape(
        t["volume_desc"].format(
            minutes=volume["bucket_minutes"],
            start=when(buckets[0], lang),
            end=when(buckets[-1], lang),
        )
    )
    parts = [
        (
            f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            'role="img" aria-labelledby="volume-title volume-desc" font-family="sans-serif" '
            'font-size="12">'
        ),
        f'<title id="volume-title">{title}</title><desc id="volume-desc">{desc}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
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
    parts.append(
        f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="#1a1a1a"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}" stroke="#1a1a1a"/>'
    )
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
