"""Rumours, and the watch list that helps spot them.

A rumour is recorded where it was seen and how widely; later sightings add
to its reach. It is assessed against the facts, corrected by a published post
or an answered inquiry that cites approved facts, and closed only with a
resolution. Time from first sighting to correction is the key figure.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from crisis.accountable import Accountable
from crisis.errors import Conflict, Refused

# "checking" is where every rumour starts: still being checked against the facts.
ASSESSMENTS = ("false", "misleading", "true", "unverifiable", "checking")
# A rumour found true is confirmed, not corrected; one still being checked is not ready.
CORRECTABLE = ("false", "misleading", "unverifiable")
CORRECTED_BY = ("post", "inquiry")


class Rumour(Accountable):
    class Recorded(Accountable.Created):
        incident_id: UUID
        claim: str
        channel: str
        where: str
        reach: int

    @event(Recorded)
    def __init__(
        self,
        *,
        incident_id: UUID,
        claim: str,
        channel: str,
        where: str,
        reach: int,
        by: dict,
        at: datetime,
    ) -> None:
        self.incident_id = incident_id
        self.claim = claim
        self.reach = reach
        self.first_seen_at = at
        self.assessment = "checking"
        self.corrections: list[dict] = []
        self.resolution: str | None = None

    @classmethod
    def record(cls, **fields: Any) -> Rumour:
        if not str(fields["claim"]).strip():
            raise Refused("rumour_claim_required")
        _require_reach(fields["reach"])
        return cls(**fields)

    @property
    def is_closed(self) -> bool:
        return self.resolution is not None

    def sight(
        self,
        *,
        channel: str,
        where: str,
        reach: int,
        inquiry_id: UUID | None,
        by: dict,
        at: datetime,
    ) -> None:
        self._require_open()
        _require_reach(reach)
        self._sighted(
            channel=channel, where=where, reach=reach, inquiry_id=inquiry_id, by=by, at=at
        )

    class Sighted(Accountable.Event):
        channel: str
        where: str
        reach: int
        inquiry_id: UUID | None

    @event(Sighted)
    def _sighted(
        self, channel: str, where: str, reach: int, inquiry_id: UUID | None, by: dict, at: datetime
    ) -> None:
        self.reach += reach

    def assess(self, assessment: str, note: str, by: dict, at: datetime) -> None:
        self._require_open()
        if assessment not in ASSESSMENTS:
            raise Refused("unknown_assessment", assessment=assessment)
        if assessment == self.assessment:
            raise Conflict("assessment_unchanged", assessment=assessment)
        self._assessed(assessment=assessment, note=note, by=by, at=at)

    class Assessed(Accountable.Event):
        assessment: str
        note: str

    @event(Assessed)
    def _assessed(self, assessment: str, note: str, by: dict, at: datetime) -> None:
        self.assessment = assessment

    def correct(self, via: str, ref: UUID, cites: list[UUID], by: dict, at: datetime) -> None:
        """Record a correction; the service has checked that `ref` is a published
        post or an answered inquiry of this incident, citing approved facts."""
        self._require_open()
        if self.assessment == "true":
            raise Refused("rumour_is_true")
        if self.assessment not in CORRECTABLE:
            raise Refused("rumour_not_assessed")
        if not cites:
            raise Refused("correction_needs_facts")
        if any(c["ref"] == ref for c in self.corrections):
            raise Conflict("already_corrected_by", ref=str(ref))
        self._corrected(via=via, ref=ref, cites=cites, by=by, at=at)

    class Corrected(Accountable.Event):
        via: str
        ref: UUID
        cites: list[UUID]

    @event(Corrected)
    def _corrected(self, via: str, ref: UUID, cites: list[UUID], by: dict, at: datetime) -> None:
        self.corrections.append({"via": via, "ref": ref, "at": at})

    def close(self, resolution: str, by: dict, at: datetime) -> None:
        self._require_open()
        if not resolution.strip():
            raise Refused("rumour_resolution_required")
        self._closed(resolution=resolution, by=by, at=at)

    class Closed(Accountable.Event):
        resolution: str

    @event(Closed)
    def _closed(self, resolution: str, by: dict, at: datetime) -> None:
        self.resolution = resolution

    def _require_open(self) -> None:
        if self.is_closed:
            raise Conflict("rumour_closed")


def _require_reach(reach: object) -> None:
    if not isinstance(reach, int) or reach < 0:
        raise Refused("reach_not_negative")


_WATCH_LIST = UUID("6f1f3c1e-5d0b-4f43-9a43-1f2f8f0a7c11")


class WatchList(Accountable):
    """Words and phrases to watch for in one incident's incoming inquiries.

    One per incident, its id derived from the incident's, so the first phrase
    creates it and no lookup table is needed.
    """

    @staticmethod
    def create_id(incident_id: UUID) -> UUID:
        return uuid5(_WATCH_LIST, str(incident_id))

    class Started(Accountable.Created):
        incident_id: UUID

    @event(Started)
    def __init__(self, *, incident_id: UUID, by: dict, at: datetime) -> None:
        self.incident_id = incident_id
        self.phrases: list[str] = []

    def add(self, phrase: str, by: dict, at: datetime) -> None:
        phrase = " ".join(phrase.split())
        if not phrase:
            raise Refused("watch_phrase_required")
        if self._find(phrase) is not None:
            raise Conflict("phrase_already_watched", phrase=phrase)
        self._phrase_added(incident_id=self.incident_id, phrase=phrase, by=by, at=at)

    class PhraseAdded(Accountable.Event):
        incident_id: UUID
        phrase: str

    @event(PhraseAdded)
    def _phrase_added(self, incident_id: UUID, phrase: str, by: dict, at: datetime) -> None:
        self.phrases.append(phrase)

    def remove(self, phrase: str, by: dict, at: datetime) -> None:
        found = self._find(" ".join(phrase.split()))
        if found is None:
            raise Conflict("phrase_not_watched", phrase=phrase)
        self._phrase_removed(incident_id=self.incident_id, phrase=found, by=by, at=at)

    class PhraseRemoved(Accountable.Event):
        incident_id: UUID
        phrase: str

    @event(PhraseRemoved)
    def _phrase_removed(self, incident_id: UUID, phrase: str, by: dict, at: datetime) -> None:
        self.phrases.remove(phrase)

    def match(self, text: str) -> str | None:
        """The first watched phrase the text contains, ignoring case and spacing."""
        folded = " ".join(text.split()).casefold()
        return next((p for p in self.phrases if p.casefold() in folded), None)

    def _find(self, phrase: str) -> str | None:
        return next((p for p in self.phrases if p.casefold() == phrase.casefold()), None)
