"""The pages around one incident, served: desks scoped to it (a desk never
picks an incident by itself), the editor's approval queue with its count,
and the load chart drawn on the server as SVG."""

from __future__ import annotations

from tests import scenario


def _page(api, user: str, path: str):
    return api.client.get(
        path, headers={"Authorization": f"Bearer {api.token(user)}"}, follow_redirects=False
    )


def test_desks_keep_to_one_incident(api):
    older = scenario.open_incident(api, title="Kokevarsel Furuset")
    newer = scenario.open_incident(api, title="Strømbrudd Grorud")
    moved = _page(api, "comms", f"/desks/inbox?incident={older}")
    assert (moved.status_code, moved.headers["location"]) == (303, f"/incidents/{older}/inbox")
    inbox = _page(api, "comms", f"/incidents/{older}/inbox")
    assert inbox.status_code == 200 and "Kokevarsel Furuset" in inbox.text
    # Every desk link in the navigation stays with this incident.
    for desk in ("facts", "compose", "rumours"):
        assert f'href="/incidents/{older}/{desk}"' in inbox.text
    assert f"/incidents/{newer}/compose" not in inbox.text
    # Without an incident the desk asks which; it does not pick the newest.
    unscoped = _page(api, "comms", "/desks/compose")
    assert 'id="desk"' not in unscoped.text and f'value="{newer}"' in unscoped.text
    assert _page(api, "comms", f"/incidents/{older}/nonsense").status_code == 404


def test_the_incident_page_offers_steering_to_those_who_may(api):
    incident = scenario.open_incident(api, title="Kokevarsel")
    comms = _page(api, "comms", f"/incidents/{incident}")
    assert 'data-command="crisis-mode"' in comms.text
    assert 'data-command="four-eyes"' not in comms.text  # the editor's switch
    assert 'data-command="four-eyes"' in _page(api, "editor", f"/incidents/{incident}").text
    vav = _page(api, "vav", f"/incidents/{incident}")
    assert vav.status_code == 200 and 'data-command="phase"' not in vav.text
    assert 'data-open="dlg-declare"' not in vav.text and 'action="/logout"' in vav.text
    assert 'data-open="dlg-declare"' in comms.text


def test_the_editor_queue_counts_drafts_and_is_the_editors(api):
    incident = scenario.open_incident(api, title="Kokevarsel")
    fact = scenario.approved_fact(api, incident)
    api.ok(
        "comms",
        f"/api/incidents/{incident}/posts",
        {"channel": "website", "text": "Kok vannet.", "cites": [fact]},
    )
    queue = _page(api, "editor", "/approvals")
    assert queue.status_code == 200 and "Kok vannet." in queue.text
    assert '<span class="nav-count" data-waiting>1</span>' in queue.text
    assert _page(api, "comms", "/approvals").status_code == 403


def test_the_load_chart_is_svg_drawn_on_the_server(api):
    incident = scenario.open_incident(api, title="Kokevarsel")
    empty = _page(api, "comms", f"/charts/{incident}/load.svg")
    assert empty.headers["content-type"].startswith("image/svg+xml")
    assert "Ingen åpne henvendelser." in empty.text
    api.ok(
        "comms",
        f"/api/incidents/{incident}/inquiries",
        {"channel": "facebook", "handle": "@kari", "text": "Gjelder det meg?"},
    )
    chart = _page(api, "comms", f"/charts/{incident}/load.svg")
    assert chart.text.startswith("<svg") and 'data-channel="facebook"' in chart.text
    assert "<script" not in chart.text
    assert api.client.get(f"/charts/{incident}/load.svg").status_code == 401
