"""What a read model is, to the machinery that keeps it: a name in the view
store, a layout number, and a model built from its stored rows that applies
events and says which rows they changed. A model may also say what one row
is now (`row(id)`, None once gone), which fields of a row changed
(`fields(id)`), give its documents (`documents(id)`), `settle` once a batch
is saved and sent, and `shelve` what it need not hold (see the board).

Every read model is kept one way: `projections.runner` applies the log to it
in batches and saves each batch's rows, anything it writes to tables of its
own (`tables`, `writes`) and its position in the one tracking table, in one
transaction. The board's replay checkpoints and the timeline's lines are such
tables. (eventsourcing's own `Projection` runner tracks each event in its own
transaction; a batch per transaction is what lets a rebuild keep up.)"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Connection, Table

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
    # Tables of its own beside its rows, emptied with them when the view rebuilds.
    tables: tuple[Table, ...] = ()
    # Writes a batch's part of its own tables, in the transaction that saves
    # its rows and position: (connection, the batch, the model).
    writes: Callable[[Connection, Batch, Any], None] | None = None
    # Its own tables as rows by id, for `crisis projections check` to compare
    # with a rebuild (tables that only cache, like checkpoints, left out).
    stored: Callable[[Connection], dict[str, Any]] | None = None
    # The kinds of event the model applies (None: any). The runner decodes
    # only these (and each batch's last event, for `after_save`): decoding and
    # opening sealed data is most of what an event costs a read model.
    events: Callable[[], Iterable[type]] | None = None
    # From the groupless rows (a board's incident headers), the groups whose
    # rows are read at start (None: all); the model reads the others' when
    # needed (see `ViewStore.load`).
    loads: Callable[[dict[str, Doc]], Iterable[str]] | None = None
    # Kept up with every save (the board), or brought up to date when read
    # (the timeline: only reviews and reports read it, so commands never wait for it).
    follows: bool = True
    # Whether it is given residents' sealed data opened (the board), or sealed as
    # the log has it (the timeline keeps it sealed and opens it when read).
    opens: bool = True


@dataclass(frozen=True)
class Batch:
    """A batch of the log a view applied: the positions it moves between and
    its last event (whatever the view applies)."""

    since: int
    position: int
    last: Any
