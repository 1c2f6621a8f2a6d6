"""Production shape: several `crisis serve` processes on one PostgreSQL database."""

from __future__ import annotations

import asyncio
import json
import signal

import httpx
import pytest
import sqlalchemy
import websockets

from projections import board
from server.settings import Settings
from tests import scenario
from tests.fixtures.servers import Server, free_port
from tests.fixtures.users import copy_users


@pytest.fixture
def two_servers(tmp_path, postgres_url, _accounts_file):
    settings = Settings.from_env(tmp_path / "one", postgres_url)
    copy_users(_accounts_file[0], settings)
    first = Server(settings.data_dir, free_port(), postgres_url).start()
    second = Server(Settings.from_env(tmp_path / "two").data_dir, free_port(), postgres_url).start()
    yield first, second
    first.stop()
    second.stop()


def test_command_on_one_server_reaches_clients_of_another(two_servers):
    first, second = two_servers
    incident = scenario.open_incident(first)
    fact = scenario.verified_fact(first, incident)

    async def watch_second() -> dict:
        headers = {"Authorization": f"Bearer {second.token('comms')}"}
        async with websockets.connect(
            f"ws://127.0.0.1:{second.port}/ws/board", additional_headers=headers
        ) as ws:
            board = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert board["incidents"][0]["facts"][fact]["status"] == "verified"
            await asyncio.to_thread(first.ok, "comms", f"/api/facts/{fact}/approve")
            return json.loads(await asyncio.wait_for(ws.recv(), 5))

    change = asyncio.run(watch_second())
    assert change["type"] == "change"
    assert change["items"]["facts"][fact]["status"] == "approved"


def test_killing_one_server_leaves_the_other_serving(two_servers):
    first, second = two_servers
    incident = scenario.open_incident(first)
    first.stop(signal.SIGKILL)
    fact = scenario.approved_fact(second, incident)
    headers = {"Authorization": f"Bearer {second.token('reviewer')}"}
    board = httpx.get(f"{second.url}/api/board", headers=headers).json()
    assert board["incidents"][0]["facts"][fact]["status"] == "approved"


def test_read_model_rows_are_written_once_per_database(two_servers, postgres_url):
    first, second = two_servers
    incident = scenario.open_incident(first)
    for n in range(5):
        scenario.approved_fact(second if n % 2 else first, incident, f"Fakta {n}")
    engine = sqlalchemy.create_engine(Settings.from_env("/tmp", postgres_url).views_url)
    with engine.connect() as conn:
        view = {"view": "board"}
        tracked = conn.execute(
            sqlalchemy.text("select position from view_tracking where view = :view"), view
        ).scalar_one()
        found = conn.execute(
            sqlalchemy.text("select id, doc from view_rows where view = :view"), view
        ).all()
    engine.dispose()
    rows = {key: json.loads(doc) for key, doc in found}
    headers = {"Authorization": f"Bearer {first.token('comms')}"}
    live = httpx.get(f"{first.url}/api/board", headers=headers).json()
    assert tracked == live["position"]
    assert board.assemble(rows.items()) == {incident: live["incidents"][0]}
