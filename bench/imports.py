"""Cold `import app` versus importing the same third-party modules alone.

"Alone" means every module of chalice, eventsourcing, pydantic, pydantic_settings
and cryptography that `import app` loads (discovered once), imported in the same
order without any of the project's code. Each sample is a fresh interpreter.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPENDENCIES = ("chalice", "eventsourcing", "pydantic", "pydantic_settings", "cryptography")

_TIMED = """
import time, importlib
start = time.perf_counter()
for name in {modules!r}:
    importlib.import_module(name)
print(time.perf_counter() - start)
"""

_DISCOVER = """
import json, sys
before = set(sys.modules)
import app
deps = {deps!r}
print(json.dumps([m for m in sys.modules
                  if m not in before and m.split('.')[0] in deps]))
"""


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def dependency_modules() -> list[str]:
    modules: list[str] = json.loads(_python(_DISCOVER.format(deps=DEPENDENCIES)))
    return modules


def median_import_seconds(modules: list[str], samples: int = 5) -> float:
    code = _TIMED.format(modules=modules)
    _python(code)  # warm-up: bytecode caches, page cache
    return statistics.median(float(_python(code)) for _ in range(samples))


def measure() -> tuple[float, float, int]:
    """(import app seconds, dependencies alone seconds, dependency modules count)."""
    deps = dependency_modules()
    return median_import_seconds(["app"]), median_import_seconds(deps), len(deps)
