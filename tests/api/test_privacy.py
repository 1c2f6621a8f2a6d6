"""Residents' personal data in an append-only log: sealed, erasable, and gone
everywhere once erased, while every figure still adds up."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy import create_engine, select

from access.keystore import KeyStore, personal_keys
from api.cli import main
from crisis.inquiries.model import Inquiry
from crisis.inquiries.service import send_holding_reply
from crisis.privacy.model import TEXT, WHO
from crisis.privacy.service import erase_person
from projections import replay
from projections.replay import board_at
from projections.store import ViewStore
from tests import flow, scenario
from tests.api.test_api import refused
from tests.fixtures.stores import store_options

HANDLE = "@sigrid.hemmelig"
TEXT_SAID = "Jeg har diabetes og lurer på om insulinet tåler kokt vann"
OTHER_TEXT = "Gjelder kokevarselet også Furuset skole"
REMOVED = "[fjernet]"


def stored_bytes(*files: Path) -> bytes:
    """Everything SQLite keeps of these databases: the files and their journals."""
    found = b""
    for path in files:
        for part in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-journal"),
        ):
            if part.exists():
                found += part.read_bytes()
    return found


def plaintext_in(data: bytes, *texts: str) -> list[str]:
    return [t for t in texts if t.encode() in data or json.dumps(t).encode() in data]


def received(api, incident: str, handle: str, text: str, channel: str = "facebook", **extra):
    body = {"channel": channel, "handle": handle, "text": text, **extra}
    return api.ok("comms", f"/api/incidents/{incident}/inquiries", body)["id"]


def item(api, incident: str, inquiry: str) -> dict:
    board = api.get("comms", f"/api/board?incident={incident}").json()
    return board["incidents"][0]["inquiries"][inquiry]


@pytest.fixture
def sigrid(api, clock):
    """An incident with two inquiries from Sigrid (one answered, one archive-worthy)
    and one from someone else."""
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    clock.advance(minutes=5)
    first = received(api, incident, HANDLE, TEXT_SAID, external_id="fb-123")
    clock.advance(minutes=5)
    api.ok("comms", f"/api/inquiries/{first}/holding-reply", {"text": "Vi sjekker."})
    clock.advance(minutes=20)
    api.ok(
        "comms", f"/api/inquiries/{first}/answer", {"text": "Ja, det går fint.", "cites": [fact]}
    )
    second = received(api, incident, HANDLE, "Og hva med babymat? Ring meg på 40000000")
    api.ok("comms", f"/api/inquiries/{second}/archive-worthy", {"worthy": True, "reason": "Sak"})
    clock.advance(minutes=5)
    other = received(api, incident, "@ola", OTHER_TEXT)
    return {"incident": incident, "first": first, "second": second, "other": other}


@pytest.mark.sqlite_files
def test_the_event_store_never_holds_the_plaintext(api, sigrid, settings):
    data = stored_bytes(settings.data_dir / "events.sqlite")
    assert data, "the event store is on disk"
    assert plaintext_in(data, HANDLE, TEXT_SAID, "fb-123", "40000000") == []
    # Not because it is stored in some other form: the board reads it back.
    assert item(api, sigrid["incident"], sigrid["first"])["text"] == TEXT_SAID
    assert item(api, sigrid["incident"], sigrid["first"])["external_id"] == "fb-123"


@pytest.mark.sqlite_files
def test_erasure_deletes_the_keys_for_good(api, sigrid, settings):
    accounts = settings.data_dir / "accounts.sqlite"
    engine = create_engine(f"sqlite:///{accounts}")
    with engine.connect() as conn:
        keys = [r.key for r in conn.execute(select(personal_keys)) if r.item == sigrid["first"]]
    engine.dispose()
    assert len(keys) == 2 and all(k in stored_bytes(accounts) for k in keys)

    api.ok("editor", f"/api/inquiries/{sigrid['first']}/erase", {"note": "Sak 2026/17"})
    assert not [k for k in keys if k in stored_bytes(accounts)]
    data = stored_bytes(settings.data_dir / "events.sqlite")
    assert plaintext_in(data, HANDLE, TEXT_SAID, "fb-123", "40000000") == []


def test_erasure_removes_the_person_everywhere_at_once(api, sigrid, settings, clock):
    incident, first, second, other = (sigrid[k] for k in ("incident", "first", "second", "other"))
    figures_before = api.get("reviewer", f"/api/review/{incident}/figures").json()
    received_at = api.get("reviewer", f"/api/review/{incident}/timeline").json()["lines"]
    moment = next(line["position"] for line in received_at if line["item"] == first)
    before = api.get("comms", f"/api/review/board?incident={incident}&position={moment}").json()
    assert before["incident"]["inquiries"][first]["text"] == TEXT_SAID  # kept in memory now
    position = api.position()

    with api.client.websocket_connect(
        f"/ws/board?incident={incident}",
        headers={"Authorization": f"Bearer {api.token('comms')}"},
    ) as ws:
        assert ws.receive_json()["type"] == "board"
        clock.advance(days=3)
        api.ok("editor", f"/api/inquiries/{first}/erase", {"note": "Sak 2026/17"})
        pushed = ws.receive_json()
    assert pushed["type"] == "change"
    assert pushed["items"]["inquiries"][first]["text"] is None  # the live board, at once

    # Both of Sigrid's inquiries, nobody else's; who erased, when and why is kept.
    for inquiry in (first, second):
        shown = item(api, incident, inquiry)
        assert (shown["handle"], shown["text"], shown["external_id"]) == (None, None, None)
        assert shown["erased"]["reason"] == "request" and shown["erased"]["by"] == "Ola Redaktør"
    assert item(api, incident, other)["text"] == OTHER_TEXT
    assert item(api, incident, first)["answer"]["text"] == "Ja, det går fint."
    assert item(api, incident, first)["status"] == "answered"

    # A replay of a moment before the erasure (the one just viewed, too).
    then = api.get("comms", f"/api/review/board?incident={incident}&position={moment}").json()
    assert then["incident"]["inquiries"][first]["text"] is None
    assert then["line"]["description"] == (
        f"Henvendelse fra {REMOVED} på Facebook, registrert av Kari Kommunikasjon: «{REMOVED}»"
    )
    # The review: timeline, report (with the archive-worthy one), its JSON.
    timeline = api.get("comms", f"/api/review/{incident}/timeline").json()
    said = [line["description"] for line in timeline["lines"]]
    assert f"Kari Kommunikasjon svarte {REMOVED} på Facebook: «Ja, det går fint.»" in said
    assert (
        "Ola Redaktør slettet personopplysningene i henvendelsen på Facebook "
        "etter ønske fra personen. Sak 2026/17"
    ) in said
    report = api.get("reviewer", f"/review/{incident}/report.html").text
    report_json = api.get("reviewer", f"/api/review/{incident}/report.json").text
    page = api.get("comms", f"/review/{incident}").text
    for shown in (report, report_json, page, json.dumps(timeline, ensure_ascii=False)):
        assert plaintext_in(shown.encode(), HANDLE, TEXT_SAID, "40000000") == []
    assert f'<p class="quote">{REMOVED}</p>' in report
    assert OTHER_TEXT in page  # the others' words stay
    # Every figure adds up as before: counts and times unchanged.
    assert api.get("reviewer", f"/api/review/{incident}/figures").json() == figures_before
    assert api.position() == position + 2  # one event per inquiry erased


@pytest.mark.sqlite_files
def test_no_copy_is_left_in_the_read_models(api, sigrid, settings, monkeypatch):
    """The board's rows, its replay checkpoints and the timeline keep no copy once erased."""
    monkeypatch.setattr(replay, "EVERY", 2)  # the live board leaves checkpoints all along
    received(api, sigrid["incident"], "@kari", "Enda en")  # passes a multiple of 2
    api.get("reviewer", f"/api/review/{sigrid['incident']}/timeline")
    views = stored_bytes(settings.data_dir / "views.sqlite")
    assert plaintext_in(views, HANDLE) == [HANDLE]  # the board keeps text until erased

    api.ok("editor", f"/api/inquiries/{sigrid['first']}/erase", {})
    api.get("reviewer", f"/api/review/{sigrid['incident']}/timeline")
    views = stored_bytes(settings.data_dir / "views.sqlite")
    assert plaintext_in(views, HANDLE, TEXT_SAID, "40000000") == []
    assert plaintext_in(views, OTHER_TEXT) == [OTHER_TEXT]


def test_a_reconnecting_screen_is_not_sent_what_was_erased(api, sigrid):
    headers = {"Authorization": f"Bearer {api.token('comms')}"}
    since = api.position()
    received(api, sigrid["incident"], "@kari", "Jeg heter Kari Hansen")
    kari = [
        i
        for i, d in item_map(api, sigrid["incident"]).items()
        if d["text"] == "Jeg heter Kari Hansen"
    ]
    api.ok("editor", f"/api/inquiries/{kari[0]}/erase", {})
    with api.client.websocket_connect(f"/ws/board?since={since}", headers=headers) as ws:
        first = ws.receive_json()
    assert first["type"] == "board"  # a fresh board, not the buffered changes
    assert "Kari Hansen" not in json.dumps(first, ensure_ascii=False)


def item_map(api, incident: str) -> dict:
    return api.get("comms", f"/api/board?incident={incident}").json()["incidents"][0]["inquiries"]


def test_projections_check_passes_after_an_erasure(api, sigrid, settings, capsys):
    api.ok("comms", f"/api/inquiries/{sigrid['other']}/redact", {"reason": "Helseopplysninger"})
    api.ok("editor", f"/api/inquiries/{sigrid['first']}/erase", {"note": ""})
    assert (
        main(
            ["projections", "check", "--data-dir", str(settings.data_dir), *store_options(settings)]
        )
        == 0
    )
    assert "board matches the log" in capsys.readouterr().out


def test_erasure_refusals_write_nothing(api, sigrid):
    path = f"/api/inquiries/{sigrid['first']}/erase"
    refused(api, "comms", path, {}, 403, "role_not_allowed")
    api.ok("editor", path, {})
    refused(api, "editor", path, {}, 409, "already_erased")
    refused(
        api,
        "comms",
        f"/api/inquiries/{sigrid['first']}/redact",
        {"reason": "x"},
        409,
        "already_erased",
    )


def test_redaction_hides_the_text_everywhere_and_keeps_why(api, sigrid, settings):
    incident, other = sigrid["incident"], sigrid["other"]
    path = f"/api/inquiries/{other}/redact"
    refused(api, "comms", path, {"reason": "  "}, 422, "redaction_reason_required")
    refused(api, "vav", path, {"reason": "Helse"}, 403, "role_not_allowed")
    lines = api.get("reviewer", f"/api/review/{incident}/timeline").json()["lines"]
    moment = next(line["position"] for line in lines if line["item"] == other)

    api.ok("comms", path, {"reason": "Helseopplysninger om et barn"})
    shown = item(api, incident, other)
    assert shown["text"] is None and shown["handle"] == "@ola"  # the person can still be told
    assert shown["redacted"]["reason"] == "Helseopplysninger om et barn"
    assert shown["redacted"]["by"] == "Kari Kommunikasjon"
    refused(api, "comms", path, {"reason": "igjen"}, 409, "already_redacted")

    then = api.get("comms", f"/api/review/board?incident={incident}&position={moment}").json()
    assert then["incident"]["inquiries"][other]["text"] is None
    said = [
        line["description"]
        for line in api.get("comms", f"/api/review/{incident}/timeline").json()["lines"]
    ]
    assert (
        f"Henvendelse fra @ola på Facebook, registrert av Kari Kommunikasjon: «{REMOVED}»" in said
    )
    assert (
        "Kari Kommunikasjon fjernet teksten i henvendelsen fra @ola på Facebook fordi den "
        "inneholdt sensitive personopplysninger: Helseopplysninger om et barn"
    ) in said
    # Recorded why, with no copy of the text.
    report = api.get("reviewer", f"/review/{incident}/report.html").text
    assert OTHER_TEXT not in report and OTHER_TEXT not in json.dumps(said, ensure_ascii=False)
    assert OTHER_TEXT.encode() not in stored_bytes(settings.data_dir / "events.sqlite")


ARCHIVED_TEXT = "Og hva med babymat? Ring meg på 40000000"


@pytest.mark.parametrize(
    ("who", "handles", "texts", "archived"),
    [
        ("comms", True, True, True),
        ("editor", True, True, True),
        ("reviewer", False, False, True),  # texts only where flagged archive-worthy
        ("admin", False, False, False),
    ],
)
def test_each_role_reads_of_the_review_what_it_needs(api, sigrid, who, handles, texts, archived):
    """The review's every output (timeline, board at a moment, page, report and
    its JSON) gives residents' handles and texts only to those who handle
    inquiries; a reviewer reads an archive-worthy inquiry's text, never a handle."""
    incident = sigrid["incident"]
    lines = api.get(who, f"/api/review/{incident}/timeline").json()["lines"]
    last = lines[-1]["position"]
    outputs = {
        "timeline": json.dumps(lines, ensure_ascii=False),
        "moment": api.get(who, f"/api/review/board?incident={incident}&position={last}").text,
        "whole board": api.get(who, f"/api/review/board?position={last}").text,
        "page": api.get(who, f"/review/{incident}").text,
        "report": api.get(who, f"/review/{incident}/report.html").text,
        "report.json": api.get(who, f"/api/review/{incident}/report.json").text,
    }
    expected = ({HANDLE, "@ola"} if handles else set()) | (
        {TEXT_SAID, OTHER_TEXT} if texts else set()
    )
    for name, text in outputs.items():
        found = set(plaintext_in(text.encode(), HANDLE, "@ola", TEXT_SAID, OTHER_TEXT))
        assert found == expected, (name, found)
        assert ("40000000" in text) == archived, name
    withheld = [line["description"] for line in lines if "[skjult]" in line["description"]]
    assert bool(withheld) == (not handles)


def test_the_subject_is_a_keyed_pseudonym():
    one, two = KeyStore("sqlite://"), KeyStore("sqlite://")
    assert one.subject("facebook", "@Sigrid ") == one.subject("facebook", "@sigrid")
    assert one.subject("facebook", "@sigrid") != one.subject("x", "@sigrid")
    # Keyed with a secret of each key store: the log alone does not tell who it was.
    assert one.subject("facebook", "@sigrid") != two.subject("facebook", "@sigrid")


def test_a_sealed_value_opens_only_as_what_it_was_sealed_for():
    store = KeyStore("sqlite://")
    first, second = uuid.uuid4(), uuid.uuid4()
    person = store.subject("facebook", "@a")
    text = store.seal(first, TEXT, person, "hemmelig")
    assert store.open(text) == "hemmelig"
    moved = type(text)(second, TEXT, text.box)
    store.seal(second, TEXT, person, "annet")
    assert store.open(moved) is None  # a box copied to another item does not open
    assert store.open(type(text)(first, WHO, text.box)) is None
    store.forget([first], [TEXT])
    assert store.open(text) is None
    with pytest.raises(ValueError):
        store.seal(first, TEXT, person, "igjen")  # an erased key is never made again


def test_inquiries_from_before_sealing_still_load_and_are_hidden_once_erased(
    log, people, clock, settings
):
    """An event written by the version before sealing (Inquiry.Received v1, in clear)."""
    incident = flow.incident(log, people)
    old = uuid.uuid4()
    state = {
        "originator_topic": "crisis.inquiries.model:Inquiry",
        "timestamp": clock.now(),
        "incident_id": incident,
        "channel": "facebook",
        "external_id": None,
        "handle": "@gammel",
        "text": "Skrevet før forseglingen",
        "watch_match": None,
        "by": people["comms"].as_record(),
        "at": clock.now(),
    }
    stored = StoredEvent(
        old, 1, "crisis.inquiries.model:Inquiry.Received", log.mapper.transcoder.encode(state)
    )
    position = log.recorder.insert_events([stored])[0]

    inquiry = log.load(Inquiry, old)
    assert inquiry.subject is None and inquiry.handle.plain == "@gammel"
    assert flow.doc(log, incident)["inquiries"][str(old)]["text"] == "Skrevet før forseglingen"
    send_holding_reply(log, people["comms"], old, text="Vi sjekker.")  # it works as ever

    erase_person(log, people["editor"], old, note="")
    shown = flow.doc(log, incident)["inquiries"][str(old)]  # rebuilt from the whole log
    assert (shown["handle"], shown["text"]) == (None, None)
    store = ViewStore(settings.views_url)
    try:
        then = board_at(log, store, position=position).board.incidents[str(incident)]
    finally:
        store.close()
    assert then["inquiries"][str(old)]["text"] is None  # hidden in replays from before, too
