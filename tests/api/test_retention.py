"""Retention: residents' personal data is erased a set number of days after an
incident is closed, except inquiries flagged archive-worthy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.cli import main
from crisis.clock import ManualClock
from crisis.errors import Forbidden, Refused
from crisis.incidents.service import change_phase
from crisis.inquiries.model import Inquiry
from crisis.inquiries.service import receive_inquiry, set_archive_worthy
from crisis.privacy.service import RETENTION, expire_inquiries
from projections.replay import board_at
from projections.store import ViewStore
from server import retention as retention_module
from server.runtime import open_log
from server.settings import Settings
from tests import flow, scenario
from tests.fixtures.stores import store_options
from tests.flow import refuses


def inquiries(api, incident: str) -> dict:
    board = api.get("comms", f"/api/board?incident={incident}").json()
    return board["incidents"][0]["inquiries"]


@pytest.fixture
def closed(api, clock):
    """A closed incident with an ordinary inquiry and an archive-worthy one."""
    incident = scenario.open_incident(api)
    body = {"channel": "facebook", "handle": "@liv", "text": "Når kan vi drikke vannet igjen?"}
    ordinary = api.ok("comms", f"/api/incidents/{incident}/inquiries", body)["id"]
    body = {"channel": "x", "handle": "@per", "text": "Jeg krever erstatning for matforgiftning."}
    kept = api.ok("comms", f"/api/incidents/{incident}/inquiries", body)["id"]
    api.ok("comms", f"/api/inquiries/{kept}/archive-worthy", {"worthy": True, "reason": "Krav"})
    clock.advance(days=2)
    api.ok("comms", f"/api/incidents/{incident}/phase", {"phase": "closed"})
    return {"incident": incident, "ordinary": ordinary, "kept": kept}


def test_a_stopping_server_is_not_held_up_by_the_erasure(api, clock, monkeypatch):
    """Erasure goes a few at a time and stops between them when the server
    stops, so it is never cut off with the log closed under it."""
    incident = scenario.open_incident(api)
    due = [scenario.inquiry(api, incident, f"Spørsmål {n}") for n in range(3)]
    api.ok("comms", f"/api/incidents/{incident}/phase", {"phase": "closed"})
    clock.advance(days=91)
    monkeypatch.setattr(retention_module, "ERASE_AT_ONCE", 1)
    rt = api.client.app.state.runtime
    docs = rt.board.snapshot(incident)[1]
    looks = iter([False, True])  # stop after the first one
    erased = retention_module.erase_due(rt.log, docs, 90, lambda: next(looks))
    assert len(erased) == 1 and str(erased[0]) in due
    assert len(rt.retention.check()) == 2  # the next check does the rest


def test_personal_data_goes_when_the_retention_time_is_up(api, closed, clock):
    retention = api.client.app.state.runtime.retention
    incident, ordinary, kept = closed["incident"], closed["ordinary"], closed["kept"]
    figures = api.get("reviewer", f"/api/review/{incident}/figures").json()

    clock.advance(days=89, hours=23)
    assert retention.check() == []
    assert inquiries(api, incident)[ordinary]["text"] == "Når kan vi drikke vannet igjen?"

    clock.advance(hours=1)  # 90 days after closing
    assert [str(i) for i in retention.check()] == [ordinary]
    shown = inquiries(api, incident)
    assert shown[ordinary]["text"] is None and shown[ordinary]["handle"] is None
    assert shown[ordinary]["erased"]["reason"] == "retention"
    assert shown[kept]["text"] == "Jeg krever erstatning for matforgiftning."  # archive-worthy
    assert retention.check() == []  # nothing left to do

    said = [
        line["description"]
        for line in api.get("reviewer", f"/api/review/{incident}/timeline").json()["lines"]
    ]
    assert (
        "Personopplysningene i henvendelsen på Facebook ble slettet automatisk fordi "
        "lagringstiden var ute."
    ) in said
    # Erasing 90 days later moves no figure (the end of the incident included).
    assert api.get("reviewer", f"/api/review/{incident}/figures").json() == figures


def test_a_check_reads_only_incidents_that_may_hold_something_due(api, closed, clock, monkeypatch):
    """Closed incidents stay in the store: a check reads one only when it was
    closed long enough ago and changed since a check found nothing due in it."""
    rt = api.client.app.state.runtime
    clock.advance(days=90)
    recent = scenario.open_incident(api, title="Storm")
    scenario.inquiry(api, recent, "Blåser taket av?")
    api.ok("comms", f"/api/incidents/{recent}/phase", {"phase": "closed"})
    read: list[str] = []
    snapshot = rt.board.snapshot

    def counted(incident: str, view=None):
        if view is None:  # the public view reads what it shows through `view`
            read.append(incident)
        return snapshot(incident, view)

    monkeypatch.setattr(rt.board, "snapshot", counted)
    assert [str(i) for i in rt.retention.check()] == [closed["ordinary"]]
    assert read == [closed["incident"]]  # not the one closed just now
    assert rt.retention.check() == []  # it changed (the erasure): read once more
    assert rt.retention.check() == []
    assert read == [closed["incident"]] * 2
    clock.advance(days=90)  # now the other is due, and read
    assert len(rt.retention.check()) == 1 and read[-1] == recent


def test_a_reopened_incident_keeps_its_data(api, closed, clock):
    api.ok(
        "comms",
        f"/api/incidents/{closed['incident']}/phase",
        {"phase": "monitoring", "reason": "Nye prøver"},
    )
    clock.advance(days=365)
    assert api.client.app.state.runtime.retention.check() == []
    assert inquiries(api, closed["incident"])[closed["ordinary"]]["text"] is not None


def test_the_domain_checks_each_inquiry_again(log, people, clock):
    incident = flow.incident(log, people)
    comms = people["comms"]
    body = {"incident_id": incident, "channel": "facebook", "handle": "@a", "text": "Hei"}
    open_one = receive_inquiry(log, comms, **body).id
    kept = receive_inquiry(log, comms, **body).id
    set_archive_worthy(log, comms, kept, worthy=True, reason="Krav")
    change_phase(log, comms, incident, phase="closed", reason="", version=None)
    clock.advance(days=10)
    # Not due, archive-worthy: passed over, nothing written.
    before = log.max_position()
    assert expire_inquiries(log, [open_one, kept], days=30) == []
    assert log.max_position() == before
    assert expire_inquiries(log, [open_one, kept], days=10) == [open_one]
    refuses(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: expire_inquiries(log, [open_one], days=0, actor=comms),
    )


def test_expiry_rules(log, people, clock):
    incident = flow.incident(log, people)
    comms = people["comms"]
    body = {"incident_id": incident, "channel": "facebook", "handle": "@a", "text": "Hei"}
    inquiry = log.load(Inquiry, receive_inquiry(log, comms, **body).id)
    by, now = RETENTION.as_record(), clock.now()
    with pytest.raises(Refused) as not_closed:
        inquiry.expire(None, 90, "", by, now)
    assert not_closed.value.code == "retention_not_due"
    inquiry.archive_worthy = True
    with pytest.raises(Refused) as archived:
        inquiry.expire(now, 0, "", by, now)
    assert archived.value.code == "archive_worthy_kept"


def test_retention_days_come_from_the_environment(tmp_path, monkeypatch):
    assert Settings.from_env(tmp_path).retention_days == 90
    monkeypatch.setenv("CRISIS_RETENTION_DAYS", "30")
    assert Settings.from_env(tmp_path).retention_days == 30
    monkeypatch.setenv("CRISIS_RETENTION_DAYS", "tre måneder")
    with pytest.raises(ValueError, match="CRISIS_RETENTION_DAYS"):
        Settings.from_env(tmp_path)


def test_retention_command_erases_what_is_due(settings, people, capsys):
    """Events from 2025, the command run with today's clock."""
    long_ago = ManualClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    log = open_log(settings, long_ago)
    try:
        incident = flow.incident(log, people)
        body = {"incident_id": incident, "channel": "facebook", "handle": "@gamle", "text": "Hjelp"}
        inquiry = receive_inquiry(log, people["comms"], **body).id
        change_phase(log, people["comms"], incident, phase="closed", reason="", version=None)
    finally:
        log.close()
    folder = ["--data-dir", str(settings.data_dir), *store_options(settings)]

    assert main(["retention", "--days", "100000", *folder]) == 0
    assert "erased the personal data of 0 inquiries" in capsys.readouterr().out
    assert main(["retention", *folder]) == 0
    assert "erased the personal data of 1 inquiries (90 days" in capsys.readouterr().out

    log, store = open_log(settings), ViewStore(settings.views_url)
    try:
        item = board_at(log, store).board.incidents[str(incident)]["inquiries"][str(inquiry)]
    finally:
        log.close()
        store.close()
    assert (item["handle"], item["text"], item["erased"]["reason"]) == (None, None, "retention")
