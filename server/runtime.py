"""The running parts of one server process, wired together."""

from __future__ import annotations

import asyncio
import gc
from dataclasses import dataclass, field

from access.accounts import Accounts
from access.idempotency import IdempotencyKeys
from access.keystore import KeyStore
from access.policy import AccessPolicy
from crisis.clock import Clock
from crisis.log import CrisisLog
from projections.channels import Channels
from projections.public.view import PublicView
from projections.review import ReviewViews
from projections.runner import Projections, ViewRunner
from projections.store import ViewStore
from projections.views import VIEWS
from server.hub import Hub
from server.retention import Retention
from server.settings import Settings
from server.webhook_secrets import WebhookSecrets


def open_log(settings: Settings, clock: Clock | None = None) -> CrisisLog:
    """The event log with its key store for residents' personal data, which
    lives in the accounts database, outside the log (`crisis.privacy.model`)."""
    return CrisisLog(settings.event_store_env, clock, vault=KeyStore(settings.accounts_url))


@dataclass
class Runtime:
    """Built in one place (`open`) and handed to the routes (`api.deps.runtime`)."""

    settings: Settings
    log: CrisisLog
    accounts: Accounts
    projections: Projections
    hub: Hub
    public: PublicView  # the public page's incidents, kept from the board's changes
    review: ReviewViews  # the timeline and moments a reviewer reads
    channels: Channels  # the channel list pages show
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
        log = open_log(settings, clock)
        projections = Projections(log, ViewStore(settings.views_url), VIEWS)
        board = projections["board"]
        return cls(
            settings,
            log,
            Accounts(settings.accounts_url, clock, policy),
            projections,
            Hub(board, settings.stall_seconds),
            PublicView(board),
            ReviewViews(log, projections.store),
            Channels(projections["channels"]),
        )

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
        self.accounts.engine.dispose()


def settle_heap() -> None:
    """Set what the process holds after start (modules, the board, the
    accounts) aside from the cyclic garbage collector for good: else each full
    collection walks all of it again, a pause of 75–175 ms in the middle of
    some change going out to a thousand screens (measured in the fanout
    benchmark). Garbage is collected first; refcounting still frees the rest."""
    gc.collect()
    gc.freeze()
