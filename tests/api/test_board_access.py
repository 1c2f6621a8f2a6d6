"""The read side of the access matrix: what each role receives of the board,
through every board output (HTTP snapshot, websocket board, websocket change).

Residents' data (handles, texts, external ids) goes only to comms and editor;
departments (people and API tokens) and admins get facts, posts and counts,
and of inquiries only what follows up the facts they cite;
reviewers get inquiries without the resident, texts only where archive-worthy."""

from __future__ import annotations

import json

import pytest

from projections.board.audience import CITING
from tests import scenario

HANDLE, TEXT, EXTERNAL = "@kari.n", "Vannet mitt lukter rart", "ext-4711"
KEPT_TEXT = "Dette spørsmålet arkiveres"
LATER_HANDLE, LATER_TEXT = "@ola.later", "Kommer dette svaret snart"
ANSWER = "Kok vannet i ett minutt."
FACT = "E. coli er påvist."

EVERYTHING = {"comms", "editor"}
COUNTS = {"vav", "vav-token", "admin"}
REVIEW = {"reviewer"}


@pytest.fixture
def board(api):
    incident = scenario.open_incident(api)
    fact = api.ok("vav", f"/api/incidents/{incident}/facts", {"text": FACT, "verify": True})["id"]
    api.ok("comms", f"/api/facts/{fact}/approve")
    body = {"channel": "facebook", "handle": HANDLE, "text": TEXT, "external_id": EXTERNAL}
    asked = api.ok("comms", f"/api/incidents/{incident}/inquiries", body)["id"]
    api.ok("comms", f"/api/inquiries/{asked}/answer", {"text": ANSWER, "cites": [fact]})
    kept = scenario.inquiry(api, incident, KEPT_TEXT)
    api.ok("comms", f"/api/inquiries/{kept}/archive-worthy", {"reason": "Viktig"})
    token = api.ok("admin", "/api/admin/tokens", {"label": "Fagsystem", "department": "vav"})
    api.tokens["vav-token"] = token["token"]
    return {"incident": incident, "asked": asked, "kept": kept}


def outputs(api, who: str, incident: str) -> dict[str, str]:
    """Each board output as this person receives it, as text: the HTTP board, the
    websocket's first message, and its change for an inquiry that comes in later."""
    headers = {"Authorization": f"Bearer {api.token(who)}"}
    http = api.client.get("/api/board", headers=headers)
    assert http.status_code == 200, http.text
    with api.client.websocket_connect("/ws/board", headers=headers) as ws:
        hello = ws.receive_text()
        body = {"channel": "x", "handle": LATER_HANDLE, "text": LATER_TEXT}
        api.ok("comms", f"/api/incidents/{incident}/inquiries", body)
        change = ws.receive_text()
    assert json.loads(hello)["protocol"] == 3
    assert json.loads(change)["type"] == "change"
    return {"http": http.text, "hello": hello, "change": change}


def residents(text: str) -> set[str]:
    return {v for v in (HANDLE, TEXT, EXTERNAL, LATER_HANDLE, LATER_TEXT, KEPT_TEXT) if v in text}


@pytest.mark.parametrize("who", sorted(EVERYTHING | COUNTS | REVIEW))
def test_each_role_gets_of_the_board_what_it_needs(api, board, who):
    seen = outputs(api, who, board["incident"])
    boards = [json.loads(seen["http"])["incidents"][0], json.loads(seen["hello"])["incidents"][0]]
    change = json.loads(seen["change"])
    for doc in boards:
        assert doc["facts"] and FACT in seen["http"]  # everyone sees the facts
    assert change["items"]["load"]["x"]["backlog"] == 1  # and the counts, as they change

    if who in EVERYTHING:
        assert (
            residents(seen["http"])
            == residents(seen["hello"])
            == {HANDLE, TEXT, EXTERNAL, KEPT_TEXT}
        )
        assert residents(seen["change"]) == {LATER_HANDLE, LATER_TEXT}
    elif who in COUNTS:
        for where, text in seen.items():
            assert residents(text) == set(), where
            assert ANSWER not in text, where
        for doc in boards:  # of each inquiry only what follows up a fact it cites
            asked = doc["inquiries"][board["asked"]]
            assert asked["cites"] and asked["status"] == "answered"
            assert set(asked) <= set(CITING)
        (later,) = change["items"]["inquiries"].values()
        assert set(later) <= set(CITING)
    else:  # reviewer: the staff's side of each inquiry, the resident's only if kept
        for where, text in seen.items():
            assert residents(text) <= {KEPT_TEXT}, where
        for doc in boards:
            asked, kept = doc["inquiries"][board["asked"]], doc["inquiries"][board["kept"]]
            assert asked["answer"]["text"] == ANSWER
            assert (asked["channel"], asked["status"]) == ("facebook", "answered")
            assert asked["received_at"] and "handle" not in asked and "text" not in asked
            assert "external_id" not in asked
            assert kept["text"] == KEPT_TEXT
        (later,) = change["items"]["inquiries"].values()
        assert later["channel"] == "x" and "text" not in later and "handle" not in later


def test_a_department_sees_only_the_incidents_it_serves(api, board):
    """On every board output; when an incident comes to serve it (or stops), its
    open screens get a fresh board, as changes alone could not fill it in."""
    theirs = board["incident"]
    other = scenario.open_incident(api, department="bym", title="Oljeutslipp i Alna")
    headers = {"Authorization": f"Bearer {api.token('vav')}"}

    def ids(message: dict) -> set[str]:
        return {doc["id"] for doc in message["incidents"]}

    assert ids(api.client.get("/api/board", headers=headers).json()) == {theirs}
    assert api.client.get(f"/api/board?incident={other}", headers=headers).json()["incidents"] == []
    with api.client.websocket_connect("/ws/board", headers=headers) as ws:
        hello = ws.receive_json()
        assert ids(hello) == {theirs}
        api.ok("comms", f"/api/incidents/{other}/severity", {"severity": "extreme"})
        api.ok("comms", f"/api/incidents/{theirs}/severity", {"severity": "extreme"})
        change = ws.receive_json()  # the other incident's change never came
        assert (change["type"], change["incident"]) == ("change", theirs)

        api.ok("comms", f"/api/incidents/{other}/supporting", {"departments": ["vav"]})
        fresh = ws.receive_json()
        assert fresh["type"] == "board" and ids(fresh) == {theirs, other}
        (shown,) = [doc for doc in fresh["incidents"] if doc["id"] == other]
        assert shown["title"] == "Oljeutslipp i Alna"

        api.ok("comms", f"/api/incidents/{other}/supporting", {"departments": []})
        fresh = ws.receive_json()
        assert fresh["type"] == "board" and ids(fresh) == {theirs}
    # A screen resuming from before the changes of scope gets a fresh board too.
    since = hello["position"]
    with api.client.websocket_connect(f"/ws/board?since={since}", headers=headers) as ws:
        resumed = ws.receive_json()
        assert resumed["type"] == "board" and ids(resumed) == {theirs}
    # Comms sees both throughout.
    assert ids(api.get("comms", "/api/board").json()) == {theirs, other}


def test_the_whole_board_gives_a_closed_incident_by_its_header(api):
    """A board of years holds hundreds of closed incidents with their inquiries:
    the whole board (HTTP and websocket) gives the open ones whole and the closed
    ones by their header; asked for by id, a closed one comes whole."""
    going = scenario.open_incident(api)
    closed = scenario.open_incident(api)
    for incident in (going, closed):
        scenario.inquiry(api, incident, "Kan jeg drikke vannet?")
    api.ok("comms", f"/api/incidents/{closed}/phase", {"phase": "closed"})
    headers = {"Authorization": f"Bearer {api.token('comms')}"}
    with api.client.websocket_connect("/ws/board", headers=headers) as ws:
        hello = json.loads(ws.receive_text())
    for board in (api.get("comms", "/api/board").json(), hello):
        docs = {d["id"]: d for d in board["incidents"]}
        assert len(docs[going]["inquiries"]) == 1
        assert docs[closed]["phase"] == "closed" and docs[closed]["title"]
        assert "inquiries" not in docs[closed] and "facts" not in docs[closed]
    (whole,) = api.get("comms", f"/api/board?incident={closed}").json()["incidents"]
    assert len(whole["inquiries"]) == 1


def test_a_closed_incident_that_reopens_comes_whole_to_the_whole_board(api):
    """A screen of the whole board held the closed incident's header only: when it
    reopens, the screen gets a fresh board with it whole, live or resuming."""
    incident = scenario.open_incident(api)
    scenario.inquiry(api, incident, "Kan jeg drikke vannet?")
    api.ok("comms", f"/api/incidents/{incident}/phase", {"phase": "closed"})
    headers = {"Authorization": f"Bearer {api.token('comms')}"}

    def held(board: dict) -> dict:
        (doc,) = [d for d in board["incidents"] if d["id"] == incident]
        return doc

    with api.client.websocket_connect("/ws/board", headers=headers) as ws:
        hello = json.loads(ws.receive_text())
        assert "inquiries" not in held(hello)
        reopen = {"phase": "active", "reason": "Nye funn av E. coli."}
        api.ok("comms", f"/api/incidents/{incident}/phase", reopen)
        fresh = json.loads(ws.receive_text())
    assert fresh["type"] == "board"
    assert held(fresh)["phase"] == "active" and len(held(fresh)["inquiries"]) == 1
    since = f"/ws/board?since={hello['position']}"
    with api.client.websocket_connect(since, headers=headers) as ws:
        resumed = json.loads(ws.receive_text())
    assert resumed["type"] == "board" and len(held(resumed)["inquiries"]) == 1
