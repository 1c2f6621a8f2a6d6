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

    def problems(self, name: str) -> list[str]:
        """What makes this measurement no figure: errors, or nothing measured."""
        found = [f"{name}: {self.errors} errors (first: {self.first_error})"] if self.errors else []
        return found + ([f"{name}: measured nothing"] if not self.done else [])

    def failed(self, problems: list[str]) -> None:
        """Count what went wrong outside the requests (the server's own errors)."""
        self.errors += len(problems)
        self.first_error = self.first_error or "; ".join(problems)[:300]


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


def http_inquiries(stores: Stores, load: Load) -> tuple[Rate, Rate]:
    """(crisis, baseline): inquiries accepted per second, one per request."""
    body = {"channel": "facebook", "handle": "@kari", "text": TEXT}

    store = stores.fresh("baseline-http")
    with servers.baseline_app(store) as server:

        async def plain(client: httpx.AsyncClient, n: int) -> int:
            servers.check(await client.post(f"/incidents/{uuid4()}/inquiries", json=body))
            return 1

        servers.check(httpx.post(f"{server.url}/incidents/{uuid4()}/inquiries", json=body))  # warm
        baseline = asyncio.run(drive(server.url, load, plain))
    baseline.failed(server.problems)

    store = stores.fresh("crisis-http")
    incidents = open_incidents(store)
    with servers.crisis(store) as server:
        headers = {"Authorization": f"Bearer {servers.token(server)}"}

        async def crisis(client: httpx.AsyncClient, n: int) -> int:
            path = f"/api/incidents/{incidents[n % len(incidents)]}/inquiries"
            servers.check(await client.post(path, json=body, headers=headers))
            return 1

        # One untimed request first (the connection, the first session lookup).
        path = f"{server.url}/api/incidents/{incidents[0]}/inquiries"
        servers.check(httpx.post(path, json=body, headers=headers, timeout=60))
        ours = asyncio.run(drive(server.url, load, crisis))
    ours.failed(server.problems)
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
            response = servers.check(
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
    ours.failed(server.problems)
    return ours, baseline, single


def _save_batches(store: Store, load: Load, size: int) -> Rate:
    """The library alone: `save` of `size` new aggregates per call, one caller.
    The warm-up is its time or a tenth of the calls, whichever ends first, so a
    fast store still has calls left to measure."""
    app: Application[UUID] = Application(env=store.settings.event_store_env)
    rate = Rate()
    incident = uuid4()
    warmup_calls = max(1, load.limit // 10)
    measure_from, stop = None, time.monotonic() + load.warmup + load.seconds
    try:
        for sent in range(load.limit):
            if time.monotonic() >= stop:
                break
            if measure_from is None and (
                sent >= warmup_calls or time.monotonic() >= stop - load.seconds
            ):
                measure_from = time.monotonic()
            now = datetime.now(UTC)
            try:
                app.save(
                    *(Note(incident, "facebook", f"@person{i}", TEXT, now) for i in range(size))
                )
            except Exception as error:  # counted and reported, not raised
                rate.failed([repr(error)])
                continue
            if measure_from is not None:
                rate.done += size
        rate.seconds = time.monotonic() - measure_from if measure_from else 0.0
    finally:
        app.close()
    return rate
