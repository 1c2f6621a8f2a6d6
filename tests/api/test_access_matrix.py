"""The permission matrix, walked over HTTP: every role against every API route.

Routes declare their command with `Depends(allowed("..."))`; routes added
later are walked too, and a route under /api without a command fails here."""

from __future__ import annotations

import uuid
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI

from api.deps import Gated, allowed, commands_of, not_gated
from crisis.people.model import DEPARTMENT_SCOPED, PERMISSIONS, Actor, Role
from tests import scenario
from tests.api.test_api import refused

# One test user (or API token) per role.
ROLE_USERS = {
    Role.COMMS: "comms",
    Role.EDITOR: "editor",
    Role.DEPARTMENT: "vav",
    Role.REVIEWER: "reviewer",
    Role.ADMIN: "admin",
    Role.INTEGRATION: "website-integration",
}


def _routes(api) -> list[Gated]:
    return list(commands_of(api.client.app))


def _path(route: Gated) -> str:
    """The route's path with made-up values: a fresh UUID where an id goes."""
    path = route.path
    for name, kind in route.path_params.items():
        path = path.replace("{" + name + "}", str(uuid.uuid4() if kind is uuid.UUID else "nobody"))
    return path


@pytest.fixture
def as_role(api):
    """Headers that make a request as each role; integration is a channel token."""
    token = api.ok("admin", "/api/admin/tokens", {"label": "CMS", "channel": "website"})["token"]
    api.tokens["website-integration"] = token
    return lambda role: {"Authorization": f"Bearer {api.token(ROLE_USERS[role])}"}


def test_every_api_route_declares_its_command(api):
    routes = [r for r in _routes(api) if r.path.startswith("/api")]
    assert len(routes) >= 10
    undeclared = [
        f"{sorted(r.methods)} {r.path}" for r in routes if r.command is None and not r.not_gated
    ]
    assert not undeclared, (
        f"{undeclared}: declare the command, "
        'e.g. actor: Annotated[Actor, Depends(allowed("approve_fact"))], '
        'or say why no role gates it: dependencies=[Depends(not_gated("why"))]'
    )
    assert all(r.command in PERMISSIONS for r in routes if r.command)


def test_routes_are_found_with_their_command_or_their_reason():
    router = APIRouter(prefix="/api")

    @router.post("/gated/{item_id}")
    def gated(item_id: uuid.UUID, actor: Annotated[Actor, Depends(allowed("approve_fact"))]):
        return None

    @router.post("/hook", dependencies=[Depends(not_gated("signed by the channel"))])
    def hook():
        return None

    @router.get("/forgotten")
    def forgotten():
        return None

    app = FastAPI()
    app.include_router(router)
    found = {r.path: (r.command, r.not_gated) for r in commands_of(app)}
    assert found["/api/gated/{item_id}"] == ("approve_fact", None)
    assert found["/api/hook"] == (None, "signed by the channel")
    assert found["/api/forgotten"] == (None, None)


def test_every_role_against_every_route(api, as_role):
    walked = 0
    for route in _routes(api):
        command = route.command
        if command is None:
            continue
        for method in route.methods - {"HEAD"}:
            path = _path(route)
            for role in Role:
                before = api.position()
                response = api.client.request(
                    method, path, json={} if method != "GET" else None, headers=as_role(role)
                )
                where = f"{role.value} {method} {route.path} ({command}): {response.text}"
                if role in PERMISSIONS[command]:
                    assert response.status_code not in (401, 403), where
                else:
                    assert response.status_code == 403, where
                    assert response.json()["code"] == "role_not_allowed", where
                    assert api.position() == before, where
                walked += 1
    assert walked >= len(Role) * 10


def test_the_matrix_is_the_same_whether_the_route_or_the_service_checks(api, log, people):
    """The service checks the same matrix; a route refusal is not the only guard."""
    from crisis.errors import Forbidden
    from crisis.facts.service import approve_fact

    with pytest.raises(Forbidden) as refusal:
        approve_fact(log, people["vav"], uuid.uuid4())
    assert refusal.value.code == "role_not_allowed"


def test_department_user_cannot_verify_another_departments_fact(api):
    incident = scenario.open_incident(api)
    fact = api.ok("vav", f"/api/incidents/{incident}/facts", {"text": "E. coli."})["id"]
    assert "verify_fact" in DEPARTMENT_SCOPED
    refused(api, "bym", f"/api/facts/{fact}/verify", {}, 403, "other_department")
    api.ok("vav", f"/api/facts/{fact}/verify")


def test_page_routes_check_the_matrix_too(api):
    for username, status in (("comms", 403), ("reviewer", 403), ("admin", 200)):
        headers = {"Authorization": f"Bearer {api.token(username)}"}
        assert api.client.get("/admin", headers=headers).status_code == status, username


def test_integration_token_cannot_watch_the_board(api, as_role):
    from starlette.websockets import WebSocketDisconnect

    integration = as_role(Role.INTEGRATION)
    with (
        pytest.raises(WebSocketDisconnect),
        api.client.websocket_connect("/ws/board", headers=integration) as ws,
    ):
        ws.receive_json()
    with api.client.websocket_connect("/ws/board", headers=as_role(Role.REVIEWER)) as ws:
        assert ws.receive_json()["type"] == "board"
