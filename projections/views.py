"""Every read model, in one list: the runner keeps each in step with the log,
and `crisis projections rebuild|check` rebuild and compare each."""

from __future__ import annotations

from projections import board
from projections.view import View

VIEWS: list[View] = [board.VIEW]
