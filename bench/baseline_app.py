"""Baseline: a minimal FastAPI endpoint doing one eventsourcing `save` per
request, on the same store as `crisis serve` and served by uvicorn the same
way. `python -m bench.baseline_app --port P --data-dir D [--database-url U]`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from uuid import UUID

import uvicorn
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from fastapi import FastAPI
from pydantic import BaseModel

from server.settings import Settings


class Note(Aggregate):
    """An inquiry as plain as it gets: one event."""

    @event("Received")
    def __init__(self, incident_id: UUID, channel: str, handle: str, text: str, at: datetime):
        self.incident_id, self.channel, self.handle, self.text = incident_id, channel, handle, text


class Body(BaseModel):
    channel: str
    handle: str
    text: str


def create_app(settings: Settings) -> FastAPI:
    events: Application[UUID] = Application(env=settings.event_store_env)
    app = FastAPI()

    @app.post("/incidents/{incident_id}/inquiries", status_code=201)
    def receive(incident_id: UUID, body: Body) -> dict:
        note = Note(incident_id, body.channel, body.handle, body.text, datetime.now(UTC))
        recordings = events.save(note)
        return {"id": note.id, "version": note.version, "position": recordings[-1].notification.id}

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    settings = Settings.from_env(args.data_dir, args.database_url)
    uvicorn.run(create_app(settings), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
