"""The access policy: timeouts, login throttling and request limits, with
defaults for a crisis shift, each changeable through the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class AccessPolicy:
    # A session unused this long ends; none outlives a long shift.
    idle: timedelta = timedelta(minutes=60)
    absolute: timedelta = timedelta(hours=12)
    # Time to type the second factor after the password.
    pending: timedelta = timedelta(minutes=5)
    # Failed logins (password or code) within the window before 429.
    failures_per_account: int = 5
    failures_per_address: int = 20
    failure_window: timedelta = timedelta(minutes=15)
    # Request bodies larger than this are refused with 413.
    max_body_bytes: int = 1_000_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> AccessPolicy:
        def number(name: str, default: float) -> float:
            return float(environ.get(name, default))

        base = cls()
        return cls(
            idle=timedelta(minutes=number("CRISIS_SESSION_IDLE_MINUTES", 60)),
            absolute=timedelta(hours=number("CRISIS_SESSION_MAX_HOURS", 12)),
            failures_per_account=int(
                number("CRISIS_LOGIN_FAILURES_PER_ACCOUNT", base.failures_per_account)
            ),
            failures_per_address=int(
                number("CRISIS_LOGIN_FAILURES_PER_ADDRESS", base.failures_per_address)
            ),
            failure_window=timedelta(minutes=number("CRISIS_LOGIN_WINDOW_MINUTES", 15)),
            max_body_bytes=int(number("CRISIS_MAX_BODY_BYTES", base.max_body_bytes)),
        )
