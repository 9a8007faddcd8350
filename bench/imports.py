"""Each Lambda function's cold import versus importing its dependencies alone.

A function's handler module (infra/package.py: `app` for the API, a module of
chalicelib/lambdas/ for the stream and queue functions) is imported in a fresh
interpreter. Its limit is every module of its dependencies (the third-party
packages below) that the handler's import loads, discovered once, imported in
the same order without any of the project's code. Each sample is a fresh
interpreter; the median of 5 after one warm-up. The project's modules are
byte-compiled first, as the deployment package ships them and as the
dependencies were when pip installed them.
"""

from __future__ import annotations

import compileall
import json
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API_DEPENDENCIES = ("chalice", "eventsourcing", "pydantic", "cryptography")
STREAM_DEPENDENCIES = ("boto3", "botocore", "eventsourcing")


@dataclass(frozen=True)
class Function:
    name: str
    module: str
    dependencies: tuple[str, ...]


FUNCTIONS = (
    Function("api_handler", "app", API_DEPENDENCIES),
    Function("index_events", "chalicelib.lambdas.indexer", STREAM_DEPENDENCIES),
    Function("project_log", "chalicelib.lambdas.projector", STREAM_DEPENDENCIES),
    Function("send_outbox", "chalicelib.lambdas.outbox_sender", STREAM_DEPENDENCIES),
)


@dataclass(frozen=True)
class Imported:
    function: Function
    seconds: float
    dependencies_seconds: float
    dependency_modules: int


_TIMED = """
import time, importlib
start = time.perf_counter()
for name in {modules!r}:
    importlib.import_module(name)
print(time.perf_counter() - start)
"""

_DISCOVER = """
import importlib, json, sys
before = set(sys.modules)
importlib.import_module({module!r})
deps = {deps!r}
print(json.dumps([m for m in sys.modules
                  if m not in before and m.split('.')[0] in deps]))
"""


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def dependency_modules(function: Function) -> list[str]:
    code = _DISCOVER.format(module=function.module, deps=function.dependencies)
    modules: list[str] = json.loads(_python(code))
    return modules


def median_import_seconds(modules: list[str], samples: int = 5) -> float:
    code = _TIMED.format(modules=modules)
    _python(code)  # warm-up: bytecode caches, page cache
    return statistics.median(float(_python(code)) for _ in range(samples))


def compile_project() -> None:
    """Writes the project's bytecode beside its sources, as the deployment
    package ships it (infra/package.py) and as pip did for the dependencies
    when it installed them: both sides then import from bytecode, whatever
    PYTHONDONTWRITEBYTECODE says, and neither pays for compiling."""
    compileall.compile_dir(ROOT / "chalicelib", quiet=2)
    compileall.compile_file(ROOT / "app.py", quiet=2)


def measure(functions: tuple[Function, ...] = FUNCTIONS) -> list[Imported]:
    """Each function's handler import against its dependencies alone."""
    compile_project()
    measured = []
    for function in functions:
        deps = dependency_modules(function)
        measured.append(
            Imported(
                function,
                median_import_seconds([function.module]),
                median_import_seconds(deps),
                len(deps),
            )
        )
    return measured
