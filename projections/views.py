"""Every read model, in one list: `projections.runner` keeps each in step
with the log (the timeline when it is read), and `crisis projections
rebuild|check` rebuild and compare each."""

from __future__ import annotations

from dataclasses import replace

from projections import board, channels, replay, timeline
from projections.view import View

VIEWS: list[View] = [
    # The board keeps its replay checkpoints: they need `replay`, which builds on the board.
    replace(
        board.VIEW,
        tables=(replay.checkpoints, replay.checkpoint_docs),
        writes=replay.keep_checkpoints,
    ),
    channels.VIEW,
    timeline.VIEW,
]
