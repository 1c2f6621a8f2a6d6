"""Events as the read models that keep text see them: residents' personal data
opened (`crisis.privacy.model.reveal`), or None where it was erased.

Call `log.vault.refresh()` before each pass, so keys deleted meanwhile (by
any process) are not read from a cache."""

from __future__ import annotations

from typing import Any

from crisis.log import CrisisLog
from crisis.privacy.model import reveal


def opened_event(log: CrisisLog, notification: Any) -> Any:
    return reveal(log.mapper.to_domain_event(notification), log.vault)
