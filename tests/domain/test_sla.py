"""The SLA clock: Norwegian working time, public holidays, DST, crisis mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crisis.sla import (
    AT_RISK,
    BREACHED,
    ON_TIME,
    OSLO,
    Policy,
    add_working_minutes,
    is_working_day,
    late_from,
    sla_state,
    working_minutes,
)

UTC = UTC


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def test_within_one_working_day_counts_wall_minutes():
    assert working_minutes(oslo(2026, 11, 23, 9, 0), oslo(2026, 11, 23, 10, 15)) == 75


def test_full_working_day_is_seven_and_a_half_hours():
    assert working_minutes(oslo(2026, 11, 23, 0, 0), oslo(2026, 11, 24, 0, 0)) == 450


def test_evening_and_night_do_not_count():
    # Received Monday 18:00, looked at Tuesday 08:30: only 30 minutes of office hours.
    assert working_minutes(oslo(2026, 11, 23, 18, 0), oslo(2026, 11, 24, 8, 30)) == 30


def test_before_opening_counts_from_eight():
    assert working_minutes(oslo(2026, 11, 24, 6, 0), oslo(2026, 11, 24, 8, 10)) == 10


def test_weekend_does_not_count():
    # Friday 15:00 to Monday 09:00: 30 minutes on Friday, 60 on Monday.
    assert working_minutes(oslo(2026, 11, 27, 15, 0), oslo(2026, 11, 30, 9, 0)) == 90
    assert working_minutes(oslo(2026, 11, 28, 10, 0), oslo(2026, 11, 29, 14, 0)) == 0


def test_constitution_day_is_not_a_working_day():
    # 17 May 2027 is a Monday: Friday 15:00 to Tuesday 09:00 is 30 + 60 minutes.
    assert not is_working_day(oslo(2027, 5, 17).date())
    assert working_minutes(oslo(2027, 5, 14, 15, 0), oslo(2027, 5, 18, 9, 0)) == 90


def test_easter_is_not_working_time():
    # 2026: Maundy Thursday 2 April, Good Friday 3 April, Easter Monday 6 April.
    for day in (2, 3, 6):
        assert not is_working_day(oslo(2026, 4, day).date())
    assert working_minutes(oslo(2026, 4, 1, 15, 0), oslo(2026, 4, 7, 8, 30)) == 60


def test_spring_dst_change_uses_summer_time_on_monday():
    # DST starts Sunday 29 March 2026. Monday 08:00 in Oslo is 06:00 UTC, not 07:00.
    friday = datetime(2026, 3, 27, 14, 0, tzinfo=UTC)  # 15:00 CET
    monday = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert working_minutes(friday, monday) == 90


def test_autumn_dst_change_uses_winter_time_on_monday():
    # DST ends Sunday 25 October 2026. Monday 08:00 in Oslo is 07:00 UTC.
    assert (
        working_minutes(
            datetime(2026, 10, 23, 13, 0, tzinfo=UTC),  # Friday 15:00 CEST
            datetime(2026, 10, 26, 7, 30, tzinfo=UTC),  # Monday 08:30 CET
        )
        == 60
    )


def test_crisis_mode_counts_real_minutes_across_the_dst_night():
    # 00:30 CEST to 03:30 CET on 25 October 2026 is four real hours.
    crisis = Policy(crisis_mode=True, crisis_target_minutes=60)
    assert crisis.elapsed(oslo(2026, 10, 25, 0, 30), oslo(2026, 10, 25, 3, 30)) == 240
    assert (
        crisis.elapsed(oslo(2026, 10, 25, 0, 30), datetime(2026, 10, 25, 2, 30, tzinfo=UTC)) == 240
    )


def test_target_is_24_working_hours_so_monday_morning_is_due_thursday():
    # 24 h = 1440 min = three days of 450 plus 90 minutes.
    due = add_working_minutes(oslo(2026, 11, 23, 8, 0), 24 * 60)
    assert due == oslo(2026, 11, 26, 9, 30)
    assert Policy().due(oslo(2026, 11, 23, 8, 0)) == due


def test_due_skips_weekend_and_evening():
    assert add_working_minutes(oslo(2026, 11, 27, 15, 0), 60) == oslo(2026, 11, 30, 8, 30)
    assert add_working_minutes(oslo(2026, 11, 27, 20, 0), 10) == oslo(2026, 11, 30, 8, 10)


@pytest.mark.parametrize("minutes", [0, 1, 29, 30, 450, 1000, 1440, 5000])
def test_due_and_elapsed_agree(minutes):
    start = oslo(2026, 12, 23, 14, 0)  # across Christmas
    assert working_minutes(start, add_working_minutes(start, minutes)) == pytest.approx(minutes)


def test_states_on_time_at_risk_breached():
    start = oslo(2026, 11, 23, 8, 0)
    policy = Policy()
    assert sla_state(start, None, start + timedelta(hours=2), policy).state == ON_TIME
    # 1080 working minutes (75 %) are used on Wednesday 11:00.
    assert sla_state(start, None, oslo(2026, 11, 25, 10, 59), policy).state == ON_TIME
    assert sla_state(start, None, oslo(2026, 11, 25, 11, 0), policy).state == AT_RISK
    assert sla_state(start, None, oslo(2026, 11, 26, 9, 30), policy).state == AT_RISK
    assert sla_state(start, None, oslo(2026, 11, 26, 9, 31), policy).state == BREACHED


def test_a_stopped_clock_keeps_its_state():
    start = oslo(2026, 11, 23, 8, 0)
    on_time = sla_state(start, oslo(2026, 11, 25, 15, 0), oslo(2026, 12, 20, 9, 0), Policy())
    assert on_time.state == ON_TIME and on_time.stopped and on_time.used_minutes == 1320
    late = sla_state(start, oslo(2026, 11, 27, 9, 0), oslo(2026, 12, 20, 9, 0), Policy())
    assert late.state == BREACHED


def test_crisis_mode_uses_the_incident_target_in_wall_clock_minutes():
    policy = Policy(crisis_mode=True, crisis_target_minutes=30)
    start = oslo(2026, 11, 28, 22, 0)  # a Saturday night still counts
    assert sla_state(start, None, start + timedelta(minutes=22), policy).state == ON_TIME
    assert sla_state(start, None, start + timedelta(minutes=23), policy).state == AT_RISK
    assert sla_state(start, None, start + timedelta(minutes=31), policy).state == BREACHED
    assert policy.due(start) == start + timedelta(minutes=30)


@pytest.mark.parametrize(
    "policy",
    [Policy(), Policy(crisis_mode=True, crisis_target_minutes=30)],
    ids=["normal", "crisis"],
)
def test_late_from_gives_where_the_state_changes(policy):
    """The load per channel counts its backlog from these two start times: a clock
    started at or before the first is breached, at or before the second at risk
    or worse, to the microsecond (across a weekend and Christmas)."""
    now = oslo(2026, 12, 28, 9, 17, 3)
    breached, risky = late_from(now, policy)
    assert breached < risky < now
    tick = timedelta(microseconds=1)
    assert sla_state(breached, None, now, policy).state == BREACHED
    assert sla_state(breached + tick, None, now, policy).state == AT_RISK
    assert sla_state(risky, None, now, policy).state == AT_RISK
    assert sla_state(risky + tick, None, now, policy).state == ON_TIME
    for minutes in range(0, 60 * 24 * 12, 37):
        started = now - timedelta(minutes=minutes)
        state = sla_state(started, None, now, policy).state
        assert (state == BREACHED) == (started <= breached)
        assert (state != ON_TIME) == (started <= risky)
