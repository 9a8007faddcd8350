"""Every e2e test runs on both runtimes (choose one with --runtime)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.stack import Stack, running_stack


@pytest.fixture
def stack(tmp_path: Path, runtime: str, request: pytest.FixtureRequest) -> Iterator[Stack]:
    with running_stack(tmp_path, runtime, request) as s:
        yield s
