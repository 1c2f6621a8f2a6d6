"""How long the public has waited for an answer, as the guidelines count it.

Normal service: 24 hours of Norwegian working time (08:00-15:30 Monday to
Friday, Europe/Oslo, public holidays from the `holidays` package). In crisis
mode the incident's own target in wall-clock minutes applies instead.

Everything here is a pure function of event times and a given `now`, so a
replay of the log gives the same answer the live board gave.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays

OSLO = ZoneInfo("Europe/Oslo")
DAY_START = time(8, 0)
DAY_END = time(15, 30)
NORMAL_TARGET_MINUTES = 24 * 60  # 24 working hours
DEFAULT_CRISIS_TARGET_MINUTES = 60
AT_RISK_SHARE = 0.75  # at risk once this share of the target is used

ON_TIME, AT_RISK, BREACHED = "on_time", "at_risk", "breached"

_HOLIDAYS = holidays.country_holidays("NO")  # expands to each year asked about


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _HOLIDAYS


def _office_hours(day: date) -> tuple[datetime, datetime]:
    """The day's opening hours as UTC instants (so DST is handled by the zone)."""
    return (
        datetime.combine(day, DAY_START, OSLO).astimezone(UTC),
        datetime.combine(day, DAY_END, OSLO).astimezone(UTC),
    )


def _utc(at: datetime) -> datetime:
    """Instants compared and subtracted in UTC: Python subtracts two times of the
    same zone as wall-clock times, which is wrong across a DST change."""
    return at.astimezone(UTC)


@cache
def _hours(day: date) -> tuple[datetime, datetime] | None:
    """The day's office hours (UTC), or None on a day off; each day worked out once."""
    return _office_hours(day) if is_working_day(day) else None


class _Ledger:
    """Office hours worked before each day, counted from an epoch and kept for
    every day between the earliest and latest asked about, so the working time
    between two instants is a difference of two look-ups, not a walk over the
    days between them, and its inverse a binary search. Whole microseconds, so
    differences are exact."""

    def __init__(self) -> None:
        # (first day, worked before each day from it on): replaced whole when it
        # grows backwards, appended to when forwards, so readers need no lock.
        self.days: tuple[date, list[timedelta]] = (date(2000, 1, 1), [timedelta()])
        self.lock = threading.Lock()

    def worked_before(self, day: date) -> timedelta:
        first, totals = self.days
        i = (day - first).days
        if not 0 <= i < len(totals):
            with self.lock:
                self._extend(day)
            first, totals = self.days
            i = (day - first).days
        return totals[i]

    def day_of(self, worked: timedelta) -> tuple[date, timedelta]:
        """The last day before which at most `worked` was worked, and how much."""
        while self.days[1][0] > worked:
            with self.lock:
                self._extend(self.days[0] - timedelta(days=31))
        first, totals = self.days
        i = bisect_right(totals, worked) - 1
        return first + timedelta(days=i), totals[i]

    def _extend(self, day: date) -> None:
        one = timedelta(days=1)
        first, totals = self.days
        while first + timedelta(days=len(totals) - 1) < day:
            last = first + timedelta(days=len(totals) - 1)
            totals.append(totals[-1] + _length(last))
        if day < first:
            earlier = [timedelta()] * (first - day).days
            total, each = totals[0], first
            for i in range(len(earlier) - 1, -1, -1):
                each -= one
                total -= _length(each)
                earlier[i] = total
            self.days = (day, earlier + totals)


def _length(day: date) -> timedelta:
    hours = _hours(day)
    return timedelta() if hours is None else hours[1] - hours[0]


_LEDGER = _Ledger()


def _worked(at: datetime) -> timedelta:
    """Office hours from the ledger's epoch to the instant `at` (in UTC)."""
    day = at.astimezone(OSLO).date()
    total = _LEDGER.worked_before(day)
    hours = _hours(day)
    if hours is not None:
        opens, closes = hours
        total += min(max(at, opens), closes) - opens
    return total


def _instant(worked: timedelta) -> datetime:
    """The latest instant by which at most `worked` has been worked (`_worked`
    inverted): within the opening hours of the day in which it is reached."""
    day, before = _LEDGER.day_of(worked)
    hours = _hours(day)
    assert hours is not None, "only a working day adds to the total"
    return hours[0] + (worked - before)


def working_minutes(start: datetime, end: datetime) -> float:
    """Minutes of Norwegian office hours between two instants."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return 0.0
    return (_worked(end) - _worked(start)).total_seconds() / 60


def add_working_minutes(start: datetime, minutes: float) -> datetime:
    """The instant at which `minutes` of office hours have passed since `start`."""
    start, left = _utc(start), timedelta(minutes=minutes)
    day = start.astimezone(OSLO).date()
    while True:
        hours = _hours(day)
        if hours is not None:
            opens, closes = hours
            begin = max(start, opens)
            if begin < closes:
                if begin + left <= closes:
                    return begin + left
                left -= closes - begin
        day += timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    """Which clock applies: working time, or wall-clock minutes in crisis mode."""

    crisis_mode: bool = False
    crisis_target_minutes: int = DEFAULT_CRISIS_TARGET_MINUTES

    @property
    def target_minutes(self) -> int:
        return self.crisis_target_minutes if self.crisis_mode else NORMAL_TARGET_MINUTES

    def elapsed(self, start: datetime, end: datetime) -> float:
        if self.crisis_mode:
            return max(0.0, (_utc(end) - _utc(start)).total_seconds() / 60)
        return working_minutes(start, end)

    def due(self, start: datetime) -> datetime:
        if self.crisis_mode:
            return _utc(start) + timedelta(minutes=self.target_minutes)
        return add_working_minutes(start, self.target_minutes)


@dataclass(frozen=True)
class ClockState:
    state: str  # on_time | at_risk | breached
    used_minutes: float
    target_minutes: int
    due_at: datetime
    stopped: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "state": self.state,
            "used_minutes": round(self.used_minutes, 1),
            "target_minutes": self.target_minutes,
            "due_at": self.due_at.isoformat(),
            "stopped": self.stopped,
        }


def sla_state(
    started: datetime, stopped: datetime | None, now: datetime, policy: Policy
) -> ClockState:
    """One clock: running from `started` until `stopped` (or `now` if not yet).

    A stopped clock is on time or breached; only a running one can be at risk.
    """
    state, used, is_stopped = _measure(started, stopped, now, policy)
    return ClockState(state, used, policy.target_minutes, policy.due(started), is_stopped)


def state_at(started: datetime, stopped: datetime | None, now: datetime, policy: Policy) -> str:
    """Only the state of `sla_state` (without working out when it is due)."""
    return _measure(started, stopped, now, policy)[0]


def late_from(now: datetime, policy: Policy) -> tuple[datetime, datetime]:
    """For running clocks as of `now` (none started after it): the latest start
    at which one is breached, and the latest at which it is at least at risk;
    one started at or before each is. So the load per channel counts its
    backlog with two binary searches, whatever its size (the same states as
    `state_at`: the used minutes only grow with the wait)."""
    now = _utc(now)
    breached, risky = _waits(policy.target_minutes)
    if policy.crisis_mode:
        return now - breached, now - risky
    worked = _worked(now)
    return _instant(worked - breached), _instant(worked - risky)


@lru_cache(maxsize=64)
def _waits(target: int) -> tuple[timedelta, timedelta]:
    """The least time (whole microseconds) a clock counts as breached, and as
    at least at risk: searched as `_grade` judges the minutes, rounding and all."""
    share = AT_RISK_SHARE * target
    return _least(lambda used: used > target, target), _least(lambda used: used >= share, target)


def _least(enough: Callable[[float], bool], target: int) -> timedelta:
    low, high = 0, (abs(target) + 1) * 60_000_000  # enough(high) holds
    while low < high:
        middle = (low + high) // 2
        if enough(timedelta(microseconds=middle).total_seconds() / 60):
            high = middle
        else:
            low = middle + 1
    return timedelta(microseconds=low)


def _measure(
    started: datetime, stopped: datetime | None, now: datetime, policy: Policy
) -> tuple[str, float, bool]:
    """The clock's state, the minutes it used, and whether it is stopped."""
    is_stopped = stopped is not None and stopped <= now
    end = now if stopped is None else min(stopped, now)
    used = policy.elapsed(started, end)
    return _grade(used, policy.target_minutes, is_stopped), used, is_stopped


def _grade(used: float, target: int, stopped: bool) -> str:
    if used > target:
        return BREACHED
    if not stopped and used >= AT_RISK_SHARE * target:
        return AT_RISK
    return ON_TIME
