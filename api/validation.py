"""A request body the API cannot take, said as sentences a person understands.

Pydantic's own messages ("String should have at least 1 character") are for
programmers; each error type here has a sentence in both catalogues, naming
the field in words (`field_<name>`, else the field's own name).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from web.texts import catalogue

# Pydantic error type -> catalogue key; a too-short text of minimum 1 is "empty".
_KINDS = {
    "missing": "missing",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "too_short": "too_few",
    "too_long": "too_many",
    "extra_forbidden": "unknown_field",
    "greater_than": "too_small",
    "greater_than_equal": "too_small",
    "less_than": "too_large",
    "less_than_equal": "too_large",
    "int_parsing": "not_a_number",
    "int_type": "not_a_number",
    "int_from_float": "not_a_number",
    "float_parsing": "not_a_number",
    "bool_parsing": "not_yes_no",
    "bool_type": "not_yes_no",
    "uuid_parsing": "not_an_id",
    "uuid_type": "not_an_id",
    "json_invalid": "not_json",
    "literal_error": "not_allowed",
    "enum": "not_allowed",
    "list_type": "not_a_list",
    "string_type": "not_text",
    "datetime_parsing": "not_a_time",
    "datetime_from_date_parsing": "not_a_time",
}


def describe(errors: Sequence[Any], lang: str) -> str:
    """One sentence per problem, joined; never Pydantic's own wording."""
    texts = catalogue(lang).get("validation", {})
    return " ".join(dict.fromkeys(_sentence(e, texts) for e in errors))


def _sentence(error: Any, texts: dict[str, str]) -> str:
    kind = _KINDS.get(error.get("type", ""), "invalid")
    ctx = error.get("ctx") or {}
    if kind == "too_short" and ctx.get("min_length") == 1:
        kind = "empty"
    if kind == "too_few" and ctx.get("min_length") == 1:
        kind = "empty_list"
    template = texts.get(kind, texts.get("invalid", "{field}"))
    params = {
        "field": _field(error.get("loc", ()), texts),
        "min": ctx.get("min_length", ctx.get("ge", ctx.get("gt", ""))),
        "max": ctx.get("max_length", ctx.get("le", ctx.get("lt", ""))),
    }
    return template.format(**params)


def _field(loc: Sequence[Any], texts: dict[str, str]) -> str:
    """The field in words: the last named part of its location (not list indexes)."""
    names = [str(p) for p in loc[1:] if not isinstance(p, int)] or [str(p) for p in loc]
    name = names[-1] if names else ""
    return texts.get(f"field_{name}", name)
