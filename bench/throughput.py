"""Write throughput over HTTP: inquiries one per request, and webhook deliveries
of 100, each beside its baseline on a fresh store of the same kind.

The load is bounded in count and time; completions in a short warm-up are not
counted. Inquiries go to three open incidents (as many as usually run at once),
round robin.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
from eventsourcing.application import Application

from api.webhooks import sign
from bench import servers
from bench.baseline_app import Note
from bench.stores import Store, Stores
from crisis.incidents.service import open_incident

TEXT = "Gjelder kokevarselet Furuset også? Vi bor i Trygve Lies vei og har små barn."
INCIDENTS = 3


@dataclass(frozen=True)
class Load:
    seconds: float  # measured, after the warm-up
    warmup: float
    limit: int  # requests at most
    concurrency: int


@dataclass
class Rate:
    done: int = 0  # units (inquiries) completed in the measured window
    errors: int = 0
    seconds: float = 0.0
    first_error: str = ""

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


def open_incidents(store: Store, count: int = INCIDENTS) -> list[str]:
    log = store.log()
    try:
        comms = store.people["comms"]
        return [
            str(
                open_incident(
                    log,
                    comms,
                    kind="boil-water notice",
                    title=f"Kokevarsel {n}",
                    areas=["Grorud"],
                    department="vav",
                    severity="severe",
                ).id
            )
            for n in range(count)
        ]
    finally:
        log.close()


async def drive(
    url: str,
    load: Load,
    request: Any,  # async (client, n) -> units completed
) -> Rate:
    """`load.concurrency` workers send requests until the time or count runs out."""
    rate = Rate()
    counter = iter(range(load.limit))
    limits = httpx.Limits(
        max_connections=load.concurrency, max_keepalive_connections=load.concurrency
    )
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        start = time.monotonic()
        measure_from = start + load.warmup
        stop = measure_from + load.seconds
        last = measure_from

        async def worker() -> None:
            nonlocal last
            while time.monotonic() < stop and (n := next(counter, None)) is not None:
                try:
                    units = await request(client, n)
                except Exception as error:  # counted and reported, not raised
                    rate.errors += 1
                    rate.first_error = rate.first_error or repr(error)[:300]
                    continue
                now = time.monotonic()
                if now >= measure_from:
                    rate.done += units
                    last = now

        await asyncio.gather(*(worker() for _ in range(load.concurrency)))
    rate.seconds = max(last - measure_from, 1e-9)
    return rate


def _check(response: httpx.Response) -> httpx.Response:
    if response.status_code not in (200, 201):
        raise RuntimeError(f"{response.status_code}: {response.text[:200]}")
    return response


def http_inquiries(stores: Stores, load: Load) -> tuple[Rate, Rate]:
    """(crisis, baseline): inquiries accepted per second, one per request."""
    body = {"channel": "facebook", "handle": "@kari", "text": TEXT}

    store = stores.fresh("baseline-http")
    with servers.baseline_app(store) as server:

        async def plain(client: httpx.AsyncClient, n: int) -> int:
            _check(await client.post(f"/incidents/{uuid4()}/inquiries", json=body))
            return 1

        baseline = asyncio.run(drive(server.url, load, plain))

    store = stores.fresh("crisis-http")
    incidents = open_incidents(store)
    with servers.crisis(store) as server:
        headers = {"Authorization": f"Bearer {servers.token(server)}"}

        async def crisis(client: httpx.AsyncClient, n: int) -> int:
            path = f"/api/incidents/{incidents[n % len(incidents)]}/inquiries"
            _check(await client.post(path, json=body, headers=headers))
            return 1

        ours = asyncio.run(drive(server.url, load, crisis))
    return ours, baseline


def webhook(stores: Stores, load: Load, per_delivery: int = 100) -> tuple[Rate, Rate, Rate]:
    """(crisis, baseline, single): inquiries per second through signed webhook
    deliveries of 100, against the library saving 100 aggregates in one call;
    and, for the record, the library saving one aggregate per call."""
    store = stores.fresh("baseline-webhook")
    baseline = _save_batches(store, load, per_delivery)
    single = _save_batches(store, replace(load, limit=load.limit * per_delivery), 1)

    store = stores.fresh("crisis-webhook")
    incidents = open_incidents(store)
    with servers.crisis(store) as server:

        async def deliver(client: httpx.AsyncClient, n: int) -> int:
            messages = [
                {"external_id": f"fb-{n}-{i}", "handle": f"@person{i}", "text": TEXT}
                for i in range(per_delivery)
            ]
            raw = json.dumps(messages).encode()
            response = _check(
                await client.post(
                    f"/api/webhooks/facebook?incident={incidents[n % len(incidents)]}",
                    content=raw,
                    headers={
                        "Content-Type": "application/json",
                        "X-Crisis-Signature": sign(servers.WEBHOOK_SECRET, raw),
                    },
                )
            )
            return response.json()["accepted"]

        ours = asyncio.run(drive(server.url, load, deliver))
    return ours, baseline, single


def _save_batches(store: Store, load: Load, size: int) -> Rate:
    """The library alone: `save` of `size` new aggregates per call, one caller."""
    app: Application[UUID] = Application(env=store.settings.event_store_env)
    rate = Rate()
    incident = uuid4()
    start = time.monotonic()
    measure_from, stop = start + load.warmup, start + load.warmup + load.seconds
    sent = 0
    try:
        while time.monotonic() < stop and sent < load.limit:
            now = datetime.now(UTC)
            app.save(*(Note(incident, "facebook", f"@person{i}", TEXT, now) for i in range(size)))
            sent += 1
            if time.monotonic() >= measure_from:
                rate.done += size
        rate.seconds = max(time.monotonic() - measure_from, 1e-9)
    finally:
        app.close()
    return rate
