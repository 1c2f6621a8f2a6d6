"""The base of every aggregate: each of its events says who acted and when.

`by` is the acting person as recorded (id, display name, role) and `at` the
time of the command, from the injected clock. Declaring them once here lets
projections read `e.by` and `e.at` from any event with their types known.
"""

from __future__ import annotations

from datetime import datetime

from eventsourcing.domain import Aggregate


class Accountable(Aggregate):
    class Event(Aggregate.Event):
        by: dict
        at: datetime

    class Created(Event, Aggregate.Created):
        pass
