from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.values import SkuSpec
from chalicelib.settings import Settings
from tests.support.runtimes import Running, running_container


def make_container(data_dir: Path, clock: FixedClock | None = None) -> Container:
    settings = Settings(data_dir=data_dir, session_secret="x" * 32)
    return Container(settings, clock=clock or FixedClock())


@pytest.fixture
def container(tmp_path: Path) -> Iterator[Container]:
    c = make_container(tmp_path / "data")
    yield c
    c.close()


def list_tea(c: Container, stock: int) -> None:
    c.shop.catalogue.list_product(
        slug="tea",
        title="Tea",
        category="tea",
        description="",
        image_url="",
        skus=[(SkuSpec("TEA", "50g", 6800), stock)],
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def running(
    runtime: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock
) -> Iterator[Running]:
    """A container on the runtime under test, with the test's clock."""
    with running_container(runtime, request, tmp_path / "data", clock=clock) as r:
        yield r
