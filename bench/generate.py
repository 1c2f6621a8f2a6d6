"""A realistic event log of any size, written through the domain.

A few hundred incidents, a day apart and two or three days long, so two or
three run at once, as over years of a municipality's history. Each is set up
through the application services (opened, facts verified and approved,
website post then Facebook, a watch list, a rumour corrected, closed at the
end) and receives inquiries (most of the log): received, triaged, assigned,
holding replies, answers citing the facts, referrals, moderation. Inquiry
events are saved in big batches; everything lands in the log in time order,
so a moment in time is a position in the log.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from crisis.clock import ManualClock
from crisis.facts import service as facts
from crisis.incidents import service as incidents
from crisis.inquiries.model import Inquiry
from crisis.log import CrisisLog
from crisis.people.model import Actor, Role
from crisis.posts import service as posts
from crisis.rumours import service as rumours

VERSION = 2  # bump when the generated log changes: the cache is keyed by it
EVENTS_PER_INCIDENT = 3000
FLUSH = 5000  # events per save
START = datetime(2023, 1, 2, 7, 0, tzinfo=UTC)

KINDS = (
    ("boil-water notice", "Kokevarsel for {area}", "vav", "giftig"),
    ("flood", "Flom i {area}", "bym", "demningen"),
    ("storm", "Storm over {area}", "bym", "strømmen"),
    ("power cut", "Strømbrudd i {area}", "bym", "aggregat"),
    ("diesel ban", "Dieselforbud i {area}", "bym", "bot"),
    ("school lockdown", "Skole stengt i {area}", "ude", "skyting"),
    ("oil spill", "Oljesøl ved {area}", "bym", "badeforbud"),
    ("outbreak", "Smitteutbrudd i {area}", "hel", "vaksine"),
)
AREAS = (
    "Grorud",
    "Stovner",
    "Alna",
    "Bjerke",
    "Nordstrand",
    "Søndre Nordstrand",
    "Østensjø",
    "Gamle Oslo",
    "Grünerløkka",
    "Sagene",
    "St. Hanshaugen",
    "Frogner",
    "Ullern",
    "Vestre Aker",
    "Nordre Aker",
)
QUESTIONS = (
    "Gjelder dette {area} også? Vi bor rett ved grensen.",
    "Hvor lenge varer dette, vet dere noe mer nå?",
    "Må jeg koke vannet til tannpuss også?",
    "Er det trygt for barn og eldre?",
    "Hvor kan jeg hente vann i {area}?",
    "Jeg har hørt at det er {watch} selv etter koking, stemmer det?",
    "Når kommer neste oppdatering på nettsiden?",
    "Hvorfor fikk vi ikke SMS om dette i {area}?",
    "Kan skolene holde åpent i morgen?",
    "Hva skal jeg gjøre med maten jeg har laget med vannet fra springen i går kveld?",
)
OTHERS = {
    "criticism": "Dette burde dere ha varslet om mye tidligere. Dårlig håndtert!",
    "praise": "Takk for god og rask informasjon, det setter vi pris på.",
    "opinion": "Kommunen bruker for lite penger på vann og avløp, det har jeg sagt lenge.",
    "case_handling": "Jeg vil søke om erstatning for ødelagt kjeller, hvordan gjør jeg det?",
    "spam": "Kjøp billige vannfiltre her! Rask levering til hele {area}!!!",
    "abusive": "Dere er noen idioter alle sammen på rådhuset.",
    "sensitive_personal_information": "Min mor (f. 1941) er syk og trenger hjelp, hun bor i ...",
    "photo_removal_request": "Vær så snill å fjerne bildet der datteren min er med.",
}
CATEGORIES = (  # (category, share of inquiries)
    ("question", 0.55),
    ("opinion", 0.10),
    ("criticism", 0.08),
    ("praise", 0.07),
    ("spam", 0.06),
    ("case_handling", 0.05),
    ("possible_rumour", 0.04),
    ("abusive", 0.02),
    ("sensitive_personal_information", 0.02),
    ("photo_removal_request", 0.01),
)
STAFF = ("Kari Kommunikasjon", "Per Pressevakt", "Lise Lunde", "Omar Haddad", "Siri Solberg")


class SetClock(ManualClock):
    def set(self, at: datetime) -> None:
        self._now = at


@dataclass
class People:
    comms: Actor
    editor: Actor
    departments: dict[str, Actor]
    staff: list[Actor] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.staff = [self.comms] + [
            Actor(str(uuid4()), name, Role.COMMS) for name in STAFF if name != self.comms.name
        ]


class Writer:
    """Inquiry events go out in big batches; a service call saves on its own,
    so whatever is pending goes first and the log stays in time order."""

    def __init__(self, log: CrisisLog, clock: SetClock) -> None:
        self.log, self.clock = log, clock
        self.pending: list[Any] = []
        self.count = 0

    def emit(self, aggregate: Any) -> None:
        self.pending.extend(aggregate.collect_events())
        if len(self.pending) >= FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.log.save(*self.pending)
            self.count += len(self.pending)
            self.pending = []

    def call(self, at: datetime, command: Callable[[], Any]) -> Any:
        self.flush()
        self.clock.set(at)
        before = self.log.max_position()
        result = command()
        self.count += self.log.max_position() - before
        return result

    @property
    def written(self) -> int:
        return self.count + len(self.pending)


Step = tuple[datetime, Callable[[], object]]


def generate(log: CrisisLog, clock: SetClock, people: People, size: int, seed: int = 9) -> int:
    """Write about `size` events (stopping at the first step past it); returns the count."""
    rng = random.Random(seed)
    writer = Writer(log, clock)
    count = max(2, round(size / EVENTS_PER_INCIDENT))
    starts = [START + timedelta(hours=26 * i + rng.uniform(0, 12)) for i in range(count)]
    plans = ((s, lambda s=s: Incident(writer, people, rng, s).steps()) for s in starts)
    for _at, step in _in_time_order(plans):
        if writer.written >= size:
            break
        step()
    writer.flush()
    return writer.count


def _in_time_order(plans: Iterator[tuple[datetime, Callable[[], list[Step]]]]) -> Iterator[Step]:
    """Merge the incidents' steps by time, planning each incident only when it starts."""
    heap: list[tuple[datetime, int, Callable[[], object], Iterator[Step]]] = []
    order = itertools.count()
    upcoming = next(plans, None)
    while heap or upcoming:
        while upcoming and (not heap or upcoming[0] <= heap[0][0]):
            steps = iter(upcoming[1]())
            if first := next(steps, None):
                heapq.heappush(heap, (first[0], next(order), first[1], steps))
            upcoming = next(plans, None)
        at, _, step, steps = heapq.heappop(heap)
        yield at, step
        if following := next(steps, None):
            heapq.heappush(heap, (following[0], next(order), following[1], steps))


class Incident:
    """One incident's steps, planned at its start and run in time order."""

    def __init__(self, writer: Writer, people: People, rng: random.Random, t0: datetime) -> None:
        self.writer, self.log, self.people, self.rng, self.t0 = writer, writer.log, people, rng, t0
        self.kind, self.title, self.department, self.watch = rng.choice(KINDS)
        self.areas = rng.sample(AREAS, rng.randint(1, 4))
        self.dept = people.departments[self.department]
        self.id: UUID | None = None
        self.facts: list[UUID] = []
        self.posts: dict[str, UUID] = {}
        self.rumour: UUID | None = None
        self.plan: list[Step] = []

    @property
    def incident_id(self) -> UUID:
        if self.id is None:
            raise RuntimeError("the plan opens the incident before anything else")
        return self.id

    @property
    def rumour_id(self) -> UUID:
        if self.rumour is None:
            raise RuntimeError("the plan records the rumour before acting on it")
        return self.rumour

    def at(self, minutes: float) -> datetime:
        return self.t0 + timedelta(minutes=minutes)

    def call(self, minutes: float, command: Callable[[], Any]) -> None:
        """A step through an application service, as staff would do it."""
        at = self.at(minutes)
        self.plan.append((at, lambda: self.writer.call(at, command)))

    def steps(self) -> list[Step]:
        log, comms, rng = self.log, self.people.comms, self.rng
        self.call(0, self._open)
        if rng.random() < 0.5:
            self.call(
                2,
                lambda: incidents.switch_crisis_mode(
                    log, comms, self.incident_id, on=True, sla_minutes=60
                ),
            )
        self.call(
            3, lambda: rumours.add_watch_phrase(log, comms, self.incident_id, phrase=self.watch)
        )
        texts = ("Hendelsen er bekreftet.", f"Gjelder {', '.join(self.areas)}.", "Status kl. 12.")
        for n, text in enumerate(texts):
            self.call(5 + n, partial(self._fact, text))
            self.call(12 + n, partial(self._approve, n))
        self.call(20, lambda: self._post("website"))
        self.call(25, lambda: self._post("facebook"))
        self.call(30, self._record_rumour)
        self.call(
            40,
            lambda: rumours.sight_rumour(
                log, comms, self.rumour_id, channel="x", where="Tråd", reach=80
            ),
        )
        self.call(
            45,
            lambda: rumours.assess_rumour(
                log, comms, self.rumour_id, assessment="false", note="Feil."
            ),
        )
        self.call(
            50,
            lambda: rumours.correct_rumour(
                log, comms, self.rumour_id, post_id=self.posts["facebook"]
            ),
        )
        hours = rng.uniform(30, 60)
        for n in range(round((EVENTS_PER_INCIDENT - 30) / EVENTS_PER_INQUIRY)):
            self._inquiry(35 + hours * 60 * rng.betavariate(1.2, 4), n)
        if rng.random() < 0.25:  # a fact corrected midway: what cited it needs follow-up
            middle = 35 + hours * 18
            self.call(middle, self._correct_fact)
            self.call(middle + 10, lambda: facts.approve_fact(log, comms, self.facts[1]))
        end = 35 + hours * 60 + 300
        self.call(
            end - 60, lambda: rumours.close_rumour(log, comms, self.rumour_id, resolution="Rettet.")
        )
        for n, phase in enumerate(("monitoring", "resolved", "closed")):
            self.call(
                end + 600 * n,
                partial(self._change_phase, phase),
            )
        self.plan.sort(key=lambda step: step[0])
        return self.plan

    def _open(self) -> None:
        self.id = incidents.open_incident(
            self.log,
            self.people.comms,
            kind=self.kind,
            title=self.title.format(area=" og ".join(self.areas)),
            areas=self.areas,
            department=self.department,
            severity=self.rng.choice(("moderate", "severe", "severe", "extreme")),
        ).id

    def _fact(self, text: str) -> None:
        fact = facts.submit_fact(
            self.log, self.dept, incident_id=self.incident_id, text=text, verify=True
        )
        self.facts.append(fact.id)

    def _approve(self, n: int) -> None:
        facts.approve_fact(self.log, self.people.comms, self.facts[n])

    def _change_phase(self, phase: str) -> None:
        incidents.change_phase(
            self.log, self.people.comms, self.incident_id, phase=phase, reason="", version=None
        )

    def _correct_fact(self) -> None:
        facts.correct_fact(
            self.log,
            self.dept,
            self.facts[1],
            text="Gjelder flere bydeler.",
            reason="Nye prøver.",
            version=None,
        )

    def _post(self, channel: str) -> None:
        log, comms = self.log, self.people.comms
        post = posts.draft_post(
            log,
            comms,
            incident_id=self.incident_id,
            channel=channel,
            text=f"{self.title.format(area=self.areas[0])}: kok vannet. Les mer på nettsiden.",
            cites=self.facts[:2],
            links_to=self.posts.get("website"),
        ).id
        posts.approve_post(log, self.people.editor, post)
        posts.publish_post(log, comms, post)
        self.posts[channel] = post

    def _record_rumour(self) -> None:
        self.rumour = rumours.record_rumour(
            self.log,
            self.people.comms,
            incident_id=self.incident_id,
            channel="facebook",
            claim=f"Det er {self.watch} overalt i {self.areas[0]}",
            where="Lokalgruppe",
            reach=400,
        ).id

    def _inquiry(self, received: float, n: int) -> None:
        """One inquiry from the public and how it was handled, as events in big batches."""
        rng, writer = self.rng, self.writer
        picked = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
        category: str | None = picked
        handler = rng.choice(self.people.staff)
        by = handler.as_record()
        area = rng.choice(self.areas)
        if category in ("question", "possible_rumour"):
            text = rng.choice(QUESTIONS).format(area=area, watch=self.watch)
        else:
            text = OTHERS[picked].format(area=area)
        channel = rng.choices(("facebook", "x", "website"), (0.7, 0.2, 0.1))[0]
        handle = (
            f"@{rng.choice(('kari', 'ola', 'nora', 'ali', 'emma', 'jonas'))}{rng.randint(1, 99999)}"
        )
        item: dict[str, Inquiry] = {}

        def step(minutes: float, act: Callable[[Inquiry, datetime], None]) -> float:
            at = self.at(minutes)

            def run() -> None:
                act(item["it"], at)
                writer.emit(item["it"])

            self.plan.append((at, run))
            return minutes

        def receive() -> None:
            watch = self.watch if self.watch in text else None
            item["it"] = Inquiry.receive(
                self.log.vault,
                incident_id=self.id,
                channel=channel,
                external_id=f"{channel}-{uuid4().hex[:12]}",
                handle=handle,
                text=text,
                watch_match=watch,
                by={"id": f"integration:{channel}", "name": channel, "role": "integration"},
                at=self.at(received),
            )
            writer.emit(item["it"])

        self.plan.append((self.at(received), receive))
        t = received
        if rng.random() < 0.9:
            t = step(t + rng.uniform(1, 30), lambda i, at: i.triage(picked, by, at))
        else:
            category = None
        if rng.random() < 0.4:
            t = step(
                t + rng.uniform(1, 20),
                lambda i, at: i.assign({"id": by["id"], "name": by["name"]}, by, at),
            )
        if category in (None, "question", "possible_rumour") and rng.random() < 0.25:
            t = step(t + rng.uniform(5, 60), lambda i, at: i.send_holding_reply(HOLDING, by, at))
        if category == "criticism" and rng.random() < 0.1:
            t = step(t + rng.uniform(5, 60), lambda i, at: i.escalate("Krevende kritikk.", by, at))
        if category == "case_handling" and rng.random() < 0.3:
            t = step(
                t + rng.uniform(1, 30),
                lambda i, at: i.set_archive_worthy(True, "Gjelder en søknad.", by, at),
            )
        close = t + rng.uniform(10, 240)
        if category in (None, "question", "possible_rumour"):
            if rng.random() < 0.85:
                cites = rng.sample(range(3), rng.randint(1, 2))
                step(
                    close,
                    lambda i, at: i.answer(ANSWER, [self.facts[c] for c in cites], by, at),
                )
        elif category in ("criticism", "praise", "photo_removal_request"):
            if rng.random() < 0.7:
                step(close, lambda i, at: i.answer(THANKS, [], by, at))
        elif category == "case_handling":
            step(close, lambda i, at: i.refer("postmottak", REFERRAL, by, at))
        elif category in ("spam", "abusive", "sensitive_personal_information"):
            block = category == "spam" and rng.random() < 0.3
            action = "hide" if category == "abusive" else "delete"
            step(close, lambda i, at: i.moderate(action, MODERATED, block, block, by, at))


EVENTS_PER_INQUIRY = 3.2  # received, triaged, often assigned, mostly closed
HOLDING = "Takk, vi har mottatt spørsmålet og kommer tilbake når vi har sjekket."
ANSWER = "Ja, dette gjelder hele området. Se nettsiden for oppdatert informasjon og råd."
THANKS = "Takk for at du tok kontakt. Vi tar det med oss i arbeidet videre."
REFERRAL = "Dette er saksbehandling: send det til postmottak, så får du svar der."
MODERATED = "Innlegget er fjernet fordi det bryter med retningslinjene for siden."
