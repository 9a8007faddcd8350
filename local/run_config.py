"""Where `manage.py run` listens, written to the data dir so every other
`manage.py` command talks to the same server and sandbox."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

RUN_FILE = "local-run.json"


@dataclass(frozen=True)
class RunConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    sandbox_port: int = 8001

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def sandbox_url(self) -> str:
        return f"http://{self.host}:{self.sandbox_port}"

    def save(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / RUN_FILE
        staging = path.with_name(f".{path.name}.{os.getpid()}")
        staging.write_text(json.dumps(asdict(self)))
        os.replace(staging, path)

    @classmethod
    def load(cls, data_dir: Path) -> RunConfig:
        """What the last `run` with this data dir used; the defaults before any."""
        try:
            saved = json.loads((data_dir / RUN_FILE).read_text())
            return cls(
                host=str(saved["host"]),
                port=int(saved["port"]),
                sandbox_port=int(saved["sandbox_port"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return cls()
