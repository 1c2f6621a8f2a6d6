"""Timeline lines and figures in words: one sentence per line type from the
catalogue's `timeline` section, times in Oslo time, durations a person reads."""

from __future__ import annotations

import string
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal

from web.texts import catalogue

OSLO = ZoneInfo("Europe/Oslo")
LOCALES = {"nb": "nb_NO", "en": "en_GB"}
PATTERNS = {"nb": "d. MMM yyyy 'kl.' HH:mm", "en": "d MMM yyyy, HH:mm"}


class _Lenient(dict):
    """A missing parameter reads as nothing rather than failing the whole timeline."""

    def __missing__(self, key: str) -> str:
        return ""


def describe(line: dict[str, Any], lang: str, channels: dict[str, str]) -> str:
    """The line's sentence: who did what, to what, where."""
    texts = catalogue(lang)
    template = texts["timeline"].get(line["type"]) or texts["timeline"]["other"]
    ui = texts["ui"]
    params = _Lenient(
        {
            # Enumerations read in the language: phase_active, category_spam, action_hide, ...
            name: ui.get(f"{name}_{value}", value) if isinstance(value, str) else value
            for name, value in line["params"].items()
        }
    )
    for name in line.get("removed", ()):  # residents' personal data, erased
        params[name] = ui["personal_data_removed"]
    for name in line.get("withheld", ()):  # residents' personal data, not for this reader
        params[name] = ui["personal_data_withheld"]
    params.update(
        by=line["by"].get("name", ""),
        channel=channels.get(line["channel"] or "", line["channel"] or ""),
        type=line["type"],
    )
    return string.Formatter().vformat(template, (), params).strip()


def when(value: str | datetime | None, lang: str) -> str:
    """A moment in Oslo time: 23. nov. 2026 kl. 10:07, or 23 Nov 2026, 10:07."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(moment.astimezone(OSLO), PATTERNS[lang], locale=LOCALES[lang])


def duration(minutes: float | None, lang: str) -> str:
    """Minutes as a person reads them: 7,5 min; 2 t 5 min; 3 d 4 t."""
    ui = catalogue(lang)["ui"]
    if minutes is None:
        return ui["none"]
    if minutes < 60:
        shown = format_decimal(round(minutes, 1), locale=LOCALES[lang])
        return ui["review_duration_minutes"].format(minutes=shown)
    whole = round(minutes)
    if whole < 24 * 60:
        return ui["review_duration_hours"].format(hours=whole // 60, minutes=whole % 60)
    return ui["review_duration_days"].format(days=whole // 1440, hours=whole % 1440 // 60)


def number(value: float | int | None, lang: str) -> str:
    if value is None:
        return catalogue(lang)["ui"]["none"]
    return format_decimal(value, locale=LOCALES[lang])
