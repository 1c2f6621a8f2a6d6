"""What a read model is, to the machinery that keeps it: a name in the view
store, a layout number, and a model built from its stored rows that applies
events and says which rows they changed. A model may also say what one row
is now (`row(id)`, None once gone), which fields of a row changed
(`fields(id)`), give its documents (`documents(id)`), `settle` once a batch
is saved and sent, and `shelve` what it need not hold (see the board)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

Doc = dict[str, Any]


class Model(Protocol):
    """May also be `Forgetting` (the board is)."""

    @property
    def rows(self) -> dict[str, Doc]:
        """Every row in memory, by row id."""
        ...

    def apply(self, event: Any, position: int) -> Iterable[str]:
        """Apply one event; return the ids of the rows it changed."""
        ...


@runtime_checkable
class Forgetting(Protocol):
    """A model that notes (`forgotten`, a time) when applying events removed personal
    data, so the runner drops older copies (checkpoints, buffered changes)."""

    forgotten: str | None


@dataclass(frozen=True)
class View:
    name: str
    # Bump when the stored shape of a row changes: the view rebuilds itself on start.
    layout: int
    model: Callable[[dict[str, Any]], Model]  # the stored rows (see `loads`)
    # Called after each saved batch with (store, from position, to position,
    # the batch's last event, the model), e.g. to keep replay checkpoints.
    after_save: Callable[[Any, int, int, Any, Model], None] | None = None
    # The kinds of event the model applies (None: any). The runner decodes
    # only these (and each batch's last event, for `after_save`): decoding and
    # opening sealed data is most of what an event costs a read model.
    events: Callable[[], Iterable[type]] | None = None
    # From the groupless rows (a board's incident headers), the groups whose
    # rows are read at start (None: all); the model reads the others' when
    # needed (see `ViewStore.load`).
    loads: Callable[[dict[str, Doc]], Iterable[str]] | None = None
