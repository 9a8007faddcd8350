"""Suite-wide fixtures: the real AWS engines (started once, on first use) and
the choice of runtimes the both-runtime tests run on."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from local.engines import Engines, start_engines

RUNTIMES = ("embedded", "aws")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--runtime",
        choices=[*RUNTIMES, "both"],
        default="both",
        help="which runtime the both-runtime tests run on (default: both)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "runtime" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("runtime")
        runtimes = RUNTIMES if chosen == "both" else (chosen,)
        metafunc.parametrize("runtime", runtimes, scope="module")


@pytest.fixture(scope="session")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engines]:
    """DynamoDB Local and moto's server on loopback, for the whole session."""
    started = start_engines(Path(tmp_path_factory.mktemp("engines")))
    yield started
    started.stop()
