"""Login throttling per account and per address: too many failures within
the window and further attempts are refused with 429 until it passes.

Failures live in the accounts database, so every server process sees them.
The account key is the name typed, whether or not such a user exists, so a
refusal says nothing about which names are real."""

from __future__ import annotations

import math

from sqlalchemy import Engine, delete, func, select

from access.policy import AccessPolicy
from access.refusals import TooManyAttempts
from access.schema import aware, login_failures
from crisis.clock import Clock


class Throttle:
    def __init__(self, engine: Engine, clock: Clock, policy: AccessPolicy) -> None:
        self.engine = engine
        self.clock = clock
        self.policy = policy

    def check(self, username: str, address: str | None) -> None:
        """Refuse (429) if the account or the address has failed too often."""
        now = self.clock.now()
        since = now - self.policy.failure_window
        limits = [(_account(username), self.policy.failures_per_account)]
        if address:
            limits.append((_address(address), self.policy.failures_per_address))
        with self.engine.connect() as conn:
            for key, limit in limits:
                count, oldest = conn.execute(
                    select(func.count(), func.min(login_failures.c.at)).where(
                        login_failures.c.key == key, login_failures.c.at > since
                    )
                ).one()
                if count >= limit:
                    wait = aware(oldest) + self.policy.failure_window - now
                    raise TooManyAttempts(
                        "too_many_attempts", minutes=max(1, math.ceil(wait.total_seconds() / 60))
                    )

    def failed(self, username: str, address: str | None) -> None:
        now = self.clock.now()
        keys = [_account(username)] + ([_address(address)] if address else [])
        with self.engine.begin() as conn:
            conn.execute(
                delete(login_failures).where(login_failures.c.at < now - self.policy.failure_window)
            )
            conn.execute(login_failures.insert(), [{"key": key, "at": now} for key in keys])

    def succeeded(self, username: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.key == _account(username)))


def _account(username: str) -> str:
    return f"account:{username.strip().lower()}"


def _address(address: str) -> str:
    return f"address:{address}"
