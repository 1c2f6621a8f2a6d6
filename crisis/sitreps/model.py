"""An incident's records office: its numbered situation reports and the
archive extracts taken of it.

A situation report (situasjonsrapport, after DSB's template for the
coordination channel) covers a period: from where the last one ended (or the
incident's opening) to when it is issued. Crisis staff write its sections
(situation, measures taken, planned measures, needs, next report time) as a
draft, saved as events; issuing it freezes the sections with the figures the
log gave for the period, under the next number. An issued report is never
changed: a change to its number is a conflict, and the next report starts
where it ended. Taking an archive extract is recorded too, so the review
timeline shows who exported what, and at which log position.

One per incident, its id derived from the incident's, like the review.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from crisis.accountable import Accountable
from crisis.errors import Conflict, Refused

SECTIONS = ("situation", "measures_taken", "planned_measures", "needs")
MAX_SECTION = 10_000
DEFAULT_INTERVAL_HOURS = 4  # municipal crisis staff report at least every four hours
_SITREPS = UUID("a1e5f0c2-6b3d-4f8e-9c27-4d1b8e6f3a05")


class Sitreps(Accountable):
    @staticmethod
    def create_id(incident_id: UUID) -> UUID:
        return uuid5(_SITREPS, str(incident_id))

    class Started(Accountable.Created):
        incident_id: UUID

    @event(Started)
    def __init__(self, *, incident_id: UUID, by: dict, at: datetime) -> None:
        self.incident_id = incident_id
        self.issued: list[dict[str, Any]] = []
        self.draft: dict[str, Any] = {}

    @property
    def next_number(self) -> int:
        return len(self.issued) + 1

    def period_start(self, opened_at: datetime) -> datetime:
        """Where the next report starts: where the last one ended, or the opening."""
        return self.issued[-1]["period_to"] if self.issued else opened_at

    def save_draft(
        self,
        number: int,
        sections: dict[str, str],
        next_report_at: datetime | None,
        by: dict,
        at: datetime,
    ) -> None:
        self._check_number(number)
        for name, text in sections.items():
            if name not in SECTIONS:
                raise Refused("sitrep_unknown_section", section=name)
            if len(text) > MAX_SECTION:
                raise Refused("sitrep_section_too_long", section=name, limit=MAX_SECTION)
        self._draft_saved(
            incident_id=self.incident_id,
            number=number,
            sections=dict(sections),
            next_report_at=next_report_at,
            by=by,
            at=at,
        )

    class DraftSaved(Accountable.Event):
        incident_id: UUID
        number: int
        sections: dict
        next_report_at: datetime | None

    @event(DraftSaved)
    def _draft_saved(
        self,
        incident_id: UUID,
        number: int,
        sections: dict,
        next_report_at: datetime | None,
        by: dict,
        at: datetime,
    ) -> None:
        self.draft = {"number": number, "sections": sections, "next_report_at": next_report_at}

    def issue(
        self,
        number: int,
        period_from: datetime,
        period_to: datetime,
        figures: dict,
        by: dict,
        at: datetime,
    ) -> None:
        """Issue the draft as report `number`, with the figures for its period."""
        self._check_number(number)
        sections = self.draft.get("sections", {}) if self.draft.get("number") == number else {}
        if not sections.get("situation", "").strip():
            raise Refused("sitrep_needs_situation")
        if period_to <= period_from:
            raise Refused("sitrep_period_empty")
        due = self.draft.get("next_report_at") or at + timedelta(hours=DEFAULT_INTERVAL_HOURS)
        self._issued(
            incident_id=self.incident_id,
            number=number,
            period_from=period_from,
            period_to=period_to,
            sections=sections,
            next_report_at=due,
            figures=figures,
            by=by,
            at=at,
        )

    class Issued(Accountable.Event):
        incident_id: UUID
        number: int
        period_from: datetime
        period_to: datetime
        sections: dict
        next_report_at: datetime
        figures: dict

    @event(Issued)
    def _issued(
        self,
        incident_id: UUID,
        number: int,
        period_from: datetime,
        period_to: datetime,
        sections: dict,
        next_report_at: datetime,
        figures: dict,
        by: dict,
        at: datetime,
    ) -> None:
        self.issued.append(
            {
                "number": number,
                "period_from": period_from,
                "period_to": period_to,
                "sections": sections,
                "next_report_at": next_report_at,
                "figures": figures,
                "by": by,
                "at": at,
            }
        )
        self.draft = {}

    def record_export(self, position: int, by: dict, at: datetime) -> None:
        self._archive_exported(incident_id=self.incident_id, position=position, by=by, at=at)

    class ArchiveExported(Accountable.Event):
        incident_id: UUID
        position: int

    @event(ArchiveExported)
    def _archive_exported(self, incident_id: UUID, position: int, by: dict, at: datetime) -> None:
        pass

    def _check_number(self, number: int) -> None:
        if number < self.next_number:
            raise Conflict("sitrep_issued", number=number)
        if number != self.next_number:
            raise Refused("sitrep_not_next", number=number, next=self.next_number)
