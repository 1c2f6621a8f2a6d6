"""Every read model, in one list: the runner keeps each in step with the log,
and `crisis projections rebuild|check` rebuild and compare each."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from projections import board, channels, replay
from projections.store import ViewStore
from projections.view import View


def _checkpoint(store: ViewStore, since: int, position: int, last: Any, state: Any) -> None:
    """The live board leaves a replay checkpoint each time it passes a multiple
    of `replay.EVERY`, so a review of any moment is a checkpoint plus a short tail.
    When personal data was removed, the checkpoints that hold it go first."""
    if state.forgotten is not None:
        replay.Checkpoints(store).drop_from(replay.utc_iso(datetime.fromisoformat(state.forgotten)))
        store.scrub()
    if since // replay.EVERY != position // replay.EVERY:
        replay.Checkpoints(store).save(position, replay.utc_iso(last.at), state)


VIEWS: list[View] = [replace(board.VIEW, after_save=_checkpoint), channels.VIEW]
