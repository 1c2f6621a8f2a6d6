"""The in-memory public view follows the board runner: built from its snapshot,
kept up by its changes, never rolled back by a change older than what it holds."""

from __future__ import annotations

import json

from crisis.facts.service import approve_fact, submit_fact
from crisis.incidents.service import open_incident
from crisis.posts.service import approve_post, draft_post, publish_post
from projections.board import VIEW
from projections.public.view import PublicView
from projections.runner import Change, ViewRunner
from projections.store import ViewStore
from tests.scenario import INCIDENT


def notice(log, people, text: str) -> str:
    comms, editor, vav = people["comms"], people["editor"], people["vav"]
    incident = open_incident(log, comms, **INCIDENT).id
    fact = submit_fact(log, vav, incident_id=incident, text="E. coli.", verify=True).id
    approve_fact(log, comms, fact)
    post = draft_post(
        log, comms, incident_id=incident, channel="website", text=text, cites=[fact]
    ).id
    approve_post(log, editor, post)
    publish_post(log, comms, post)
    return str(incident)


def test_the_view_follows_the_board(log, people, settings):
    runner = ViewRunner(log, ViewStore(settings.views_url), VIEW)
    first = notice(log, people, "Kok vannet.")
    runner.pull()
    view = PublicView(runner)  # made after the fact: starts from the board's snapshot
    assert [i["id"] for i in view.incidents()] == [first]

    older = view.board.snapshot(first)[1][0]
    second = notice(log, people, "Strømbrudd.")
    runner.pull()  # the runner tells its listeners, the view among them
    assert {i["id"] for i in view.incidents()} == {first, second}
    assert view.incident(second)["updates"][0]["text"] == "Strømbrudd."

    older["title"] = "Eldre tilstand"
    # a change older than the state the view holds is ignored
    view._changed([Change(1, first, json.dumps(older))])
    assert view.incident(first)["title"] == INCIDENT["title"]
    runner.store.close()
