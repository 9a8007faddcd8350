"""Cold start, structurally: each stream or queue function's handler module
(infra/package.py's LEAN_HANDLERS) imports no HTTP code, no request schemas and
no settings framework, and the indexer nothing of the shop's domain. Checked in
a fresh interpreter, so no test's imports hide a regression."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from infra.package import LEAN_HANDLERS

ROOT = Path(__file__).resolve().parents[2]

NEVER = ("chalice", "pydantic", "pydantic_settings", "asyncio", "app")
"""Top-level packages no lean function imports: Chalice and its app, the
request schemas' pydantic, asyncio."""

CRYPTOGRAPHY = {"index_events", "index_behaviour", "project_log", "project_behaviour"}
"""Functions that never sign or verify (the sender makes WeChat Pay refunds)."""


def _loaded_by(module: str) -> list[str]:
    code = (
        "import importlib, json, sys; before = set(sys.modules); "
        f"importlib.import_module({module!r}); "
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def _module(handler: str) -> str:
    return handler.rsplit(".", 1)[0]


@pytest.mark.parametrize("function", sorted(LEAN_HANDLERS))
def test_a_lean_function_imports_no_http_code(function: str) -> None:
    loaded = _loaded_by(_module(LEAN_HANDLERS[function]))
    assert not [m for m in loaded if m.split(".")[0] in NEVER]
    assert not [m for m in loaded if m.startswith("chalicelib.api")]
    if function in CRYPTOGRAPHY:
        assert "cryptography" not in loaded


@pytest.mark.parametrize("function", ["index_events", "index_behaviour"])
def test_the_indexers_import_nothing_of_the_shop(function: str) -> None:
    loaded = _loaded_by(_module(LEAN_HANDLERS[function]))
    shop = ("chalicelib.domain", "chalicelib.application", "chalicelib.adapters.wechat")
    assert not [m for m in loaded if m.startswith(shop)]
    assert "chalicelib.adapters.dynamodb.indexer" in loaded
    assert "boto3" in loaded


@pytest.mark.parametrize("function", ["project_log", "project_behaviour"])
def test_the_projectors_import_no_use_case(function: str) -> None:
    loaded = _loaded_by(_module(LEAN_HANDLERS[function]))
    use_cases = ("orders", "checkout", "payments", "accounts", "notify_sender", "jobs")
    assert "chalicelib.bootstrap.shop" not in loaded
    assert not [m for m in use_cases if f"chalicelib.application.{m}" in loaded]
    assert "chalicelib.projections.runner" in loaded


@pytest.mark.parametrize("function", sorted(LEAN_HANDLERS))
def test_each_lean_handler_is_a_function_of_an_app_event_source(function: str) -> None:
    import app

    assert function in {source.name for source in app.app.event_sources}
    module, name = LEAN_HANDLERS[function].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), name))
