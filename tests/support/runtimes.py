"""A Container on either runtime: the embedded default (SQLite files in a
temporary directory) or the AWS adapters on DynamoDB Local and moto, with the
local Lambda plumbing installed. `settle()` returns once everything committed
so far has been indexed, projected and sent (on the embedded runtime, which
projects synchronously, it waits for the background sender's rounds)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings
from local.aws_stage import create_stage, drop_stage

_stages = itertools.count(1)


@dataclass
class Running:
    container: Container
    settle: Callable[[], int]
    lambdas: Any = None


SETTLE_TIMEOUT_S = 60.0


def _sends_settled(container: Container) -> Callable[[], int]:
    def settle() -> int:
        if not container.follow_on.settle(SETTLE_TIMEOUT_S):
            raise AssertionError(f"the outbox sender was still busy after {SETTLE_TIMEOUT_S} s")
        if not container.behaviour_follow_on.settle(SETTLE_TIMEOUT_S):  # after the sends' records
            raise AssertionError(f"the behaviour projector was busy after {SETTLE_TIMEOUT_S} s")
        return 0

    return settle


@contextmanager
def running_container(
    runtime: str,
    request: pytest.FixtureRequest | None,
    data_dir: Path,
    clock: FixedClock | None = None,
    **fields: Any,
) -> Iterator[Running]:
    """Builds the container, installs it as the app's, and tears it all down."""
    clock = clock or FixedClock()
    fields.setdefault("session_secret", "x" * 32)
    fields.setdefault("admin_token", "runtime-admin-token-H7pQ2vXk9LmZ")
    fields.setdefault("identity_secret", "i" * 32)
    if runtime == "embedded":
        container = Container(Settings(data_dir=data_dir, **fields), clock=clock)
        bootstrap.use(container)
        try:
            yield Running(container, _sends_settled(container))
        finally:
            bootstrap.use(None)
            container.close()
        return
    if request is None:
        raise ValueError("the AWS runtime needs the pytest request to start the engines")
    engines = request.getfixturevalue("engines")
    stage = create_stage(engines, f"t{next(_stages)}")
    settings = Settings(data_dir=data_dir, **stage.settings(engines), **fields)
    container = Container(settings, clock=clock)
    bootstrap.use(container)
    from local.aws_local import LocalLambdas

    lambdas = LocalLambdas(engines, stage)
    try:
        yield Running(container, lambdas.drain, lambdas)
    finally:
        bootstrap.use(None)
        container.close()
        drop_stage(engines, stage)
