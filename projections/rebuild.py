"""Rebuild read models from the log, and compare live ones with a rebuild.

Every read model is a pure function of the log, so a rebuild must equal what
the server kept up to date event by event; any difference is a bug."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from crisis.log import CrisisLog
from projections.runner import Projections, ViewRunner
from projections.store import ViewStore
from projections.view import View
from projections.views import VIEWS


def rebuild(events: CrisisLog, store: ViewStore, views: list[View] | None = None) -> Projections:
    """Empty each read model in `store` and apply the whole log to those that
    follow it; the others (the timeline) fill up when next read."""
    views = views or VIEWS
    for view in views:
        store.reset(view)
    projections = Projections(events, store, views)
    projections.pull()
    return projections


def read_ones(events: CrisisLog, store: ViewStore) -> dict[str, ViewRunner]:
    """The read models kept up to date when read (`View.follows` False),
    brought up to the end of the log."""
    runners = {v.name: ViewRunner(events, store, v) for v in VIEWS if not v.follows}
    for runner in runners.values():
        runner.pull()
    return runners


def differences(
    live: ViewStore, rebuilt: ViewStore, views: list[View] | None = None
) -> Iterator[str]:
    """Each way the live read models differ from a rebuild, as a line to print."""
    for view in views or VIEWS:
        have, want = live.read(view), rebuilt.read(view)
        name = view.name
        if have.position is None:
            yield f"{name}: not in the live store"
            continue
        if have.layout != view.layout:
            yield f"{name}: stored with layout {have.layout}, this version builds {view.layout}"
        if have.position != want.position:
            yield f"{name}: live at log position {have.position}, the log ends at {want.position}"
        for row in sorted(have.docs.keys() | want.docs.keys()):
            if row not in have.docs:
                yield f"{name}/{row}: missing from the live store"
            elif row not in want.docs:
                yield f"{name}/{row}: in the live store but not in the log"
            else:
                for path, a, b in _diff(have.docs[row], want.docs[row]):
                    yield f"{name}/{row}{path}: live {_short(a)}, rebuilt {_short(b)}"


def _diff(a: Any, b: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            yield from _diff(a.get(key, _ABSENT), b.get(key, _ABSENT), f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _diff(x, y, f"{path}[{i}]")
    elif a != b or type(a) is not type(b):
        yield path, a, b


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


_ABSENT = _Absent()


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
