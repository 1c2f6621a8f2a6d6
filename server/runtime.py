"""The running parts of one server process, wired together."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from access.accounts import Accounts
from access.idempotency import IdempotencyKeys
from access.policy import AccessPolicy
from crisis.clock import Clock
from crisis.log import CrisisLog
from projections.runner import Projections, ViewRunner
from projections.store import ViewStore
from server.hub import Hub
from server.retention import Retention
from server.settings import Settings
from server.webhook_secrets import WebhookSecrets


@dataclass
class Runtime:
    settings: Settings
    log: CrisisLog
    accounts: Accounts
    projections: Projections
    hub: Hub
    retention: Retention = field(init=False)
    webhook_secrets: WebhookSecrets = field(init=False)
    idempotency: IdempotencyKeys = field(init=False)

    def __post_init__(self) -> None:
        self.retention = Retention(self)
        self.webhook_secrets = WebhookSecrets(self.settings.data_dir)
        self.idempotency = IdempotencyKeys(self.accounts.engine, self.accounts.clock)

    @property
    def board(self) -> ViewRunner:
        return self.projections["board"]

    @classmethod
    def open(
        cls, settings: Settings, clock: Clock | None = None, policy: AccessPolicy | None = None
    ) -> Runtime:
        log = CrisisLog(env=settings.event_store_env, clock=clock)
        projections = Projections(log, ViewStore(settings.views_url))
        hub = Hub(projections["board"], settings.stall_seconds)
        return cls(settings, log, Accounts(settings.accounts_url, clock, policy), projections, hub)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Catch the read models up with the log, then follow it and push board
        changes; erase personal data whose retention time is up, now and hourly."""
        self.projections.start()
        self.hub.attach(loop)
        self.retention.start()

    def close(self) -> None:
        self.retention.stop()
        self.projections.stop()
        self.projections.store.close()
        self.log.close()
