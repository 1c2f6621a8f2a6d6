"""The one translation catalogue (web/i18n/<lang>/*.json): bokmål by default, English on request."""

from __future__ import annotations

import json
from functools import cache

from web import WEB

LANGUAGES = ("nb", "en")
DEFAULT = "nb"


@cache
def catalogue(lang: str) -> dict[str, dict[str, str]]:
    """All sections of web/i18n/<lang>/*.json merged; one file per area of the product."""
    merged: dict[str, dict[str, str]] = {"errors": {}, "ui": {}}
    for path in sorted((WEB / "i18n" / lang).glob("*.json")):
        for section, texts in json.loads(path.read_text(encoding="utf-8")).items():
            merged.setdefault(section, {}).update(texts)
    return merged


def pick_language(accept_language: str | None, chosen: str | None = None) -> str:
    """The user's explicit choice wins; else the browser's first known language."""
    if chosen in LANGUAGES:
        return chosen
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("nb", "no", "nn"):
            return "nb"
        if tag == "en":
            return "en"
    return DEFAULT


def error_text(code: str, lang: str, /, **params: object) -> str:
    return _text("errors", code, lang, params)


def warning_text(code: str, lang: str, /, **params: object) -> str:
    return _text("warnings", code, lang, params)


def _text(section: str, code: str, lang: str, params: dict[str, object]) -> str:
    template = catalogue(lang).get(section, {}).get(code, code)
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
