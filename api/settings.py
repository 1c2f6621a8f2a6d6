"""Where the product keeps its data, from the command line or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "data"


@dataclass(frozen=True)
class Settings:
    data_dir: Path

    @classmethod
    def from_env(cls, data_dir: str | os.PathLike[str] | None = None) -> Settings:
        path = Path(data_dir or os.environ.get("CRISIS_DATA_DIR") or DEFAULT_DATA_DIR)
        path.mkdir(parents=True, exist_ok=True)
        return cls(data_dir=path.resolve())

    @property
    def event_store_env(self) -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self.data_dir / "events.sqlite"),
        }

    @property
    def views_path(self) -> Path:
        return self.data_dir / "views.sqlite"

    @property
    def views_url(self) -> str:
        return f"sqlite:///{self.views_path}"

    @property
    def accounts_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'accounts.sqlite'}"
