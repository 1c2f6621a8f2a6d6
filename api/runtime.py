"""The running parts of one server process, wired together."""

from __future__ import annotations

from dataclasses import dataclass

from api.accounts import Accounts
from api.hub import Hub
from api.policy import AccessPolicy
from api.settings import Settings
from crisis.clock import Clock
from crisis.log import CrisisLog
from projections.runner import BoardRunner
from projections.store import ViewStore


@dataclass
class Runtime:
    settings: Settings
    log: CrisisLog
    accounts: Accounts
    board: BoardRunner
    hub: Hub

    @classmethod
    def open(
        cls, settings: Settings, clock: Clock | None = None, policy: AccessPolicy | None = None
    ) -> Runtime:
        log = CrisisLog(env=settings.event_store_env, clock=clock)
        board = BoardRunner(log, ViewStore(settings.views_url))
        return cls(settings, log, Accounts(settings.accounts_url, clock, policy), board, Hub(board))

    def close(self) -> None:
        self.board.stop()
        self.board.store.close()
        self.log.close()
