"""A projection's batch of more than 100 writes on DynamoDB Local: the writes of
items it never read go first, in transactions that each check the position
still stands where the runner read it; the rest and the move commit last. A
crash in between replays to the same documents, a runner whose batch another
committed first writes nothing, and racing runners (real threads) apply every
event once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from chalicelib.adapters.dynamodb.views import DynamoDBViewStore
from chalicelib.bootstrap import Container
from chalicelib.domain.catalogue import Product
from chalicelib.domain.values import SkuSpec
from chalicelib.projections.base import ViewWriter
from chalicelib.projections.runner import ReadModelRunner
from local.aws_stage import Stage, create_stage, drop_stage
from local.engines import Engines
from tests.integration.conftest import make_container
from tests.support.races import race, split

from .test_views_and_outbox import Killed, store_for

WIDE = 150
"""Items written per product listed: more than one transaction holds."""
PRODUCTS = 5


class Wide:
    """Per product listed: WIDE items it never reads, and a count it reads and adds to."""

    name = "wide"
    handles = frozenset({Product.Listed})

    def apply(self, event: Any, views: ViewWriter) -> None:
        product_id = str(event.originator_id)
        for i in range(WIDE):
            views.put("items", f"{product_id}-{i}", {"i": i}, group=product_id, rank=f"{i:03d}")
        count = views.get("counts", "listed") or {"n": 0}
        views.put("counts", "listed", {"n": count["n"] + 1})


@pytest.fixture
def stage(engines: Engines, request: pytest.FixtureRequest) -> Iterator[Stage]:
    made = create_stage(engines, f"spill-{abs(hash(request.node.name)) % 10**8}")
    yield made
    drop_stage(engines, made)


@pytest.fixture
def listed(tmp_path: Path) -> Iterator[Container]:
    c = make_container(tmp_path / "data")
    for n in range(PRODUCTS):
        c.shop.catalogue.list_product(
            slug=f"p{n}",
            title=f"P{n}",
            category="c",
            description="",
            image_url="",
            skus=[(SkuSpec(f"S{n}", "", 100), 1)],
        )
    yield c
    c.close()


def wide_runner(c: Container, store: DynamoDBViewStore) -> ReadModelRunner:
    return ReadModelRunner(c.shop.store, store, [Wide()], batch_size=2)


def assert_applied_once(store: DynamoDBViewStore, runner: ReadModelRunner) -> None:
    dump = store.dump("wide")
    assert dump.pop("counts/listed")["doc"] == {"n": PRODUCTS}
    assert len(dump) == WIDE * PRODUCTS
    assert store.position("wide", 1) == runner.log_length()


def test_racing_runners_apply_each_wide_event_once(
    engines: Engines, stage: Stage, listed: Container
) -> None:
    store = store_for(engines, stage, listed.clock)
    runners = [wide_runner(listed, store) for _ in range(4)]
    _, failures = split(race(len(runners), lambda i: runners[i].catch_up()))
    assert failures == []
    assert_applied_once(store, runners[0])


def test_a_crash_between_the_spills_and_the_commit_replays_the_same(
    engines: Engines, stage: Stage, listed: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_for(engines, stage, listed.clock)
    runner = wide_runner(listed, store)
    sends: list[int] = []

    def dies_once(actions: list[dict[str, Any]], enqueued: list[str]) -> None:
        sends.append(len(actions))
        raise Killed("projector killed after the spills")

    monkeypatch.setattr(store, "_send", dies_once)
    with pytest.raises(Killed):
        runner.catch_up()
    assert sends == [2]  # the count and the move: the items were spilled before
    assert store.position("wide", 1) == 0
    spilled = store.dump("wide")  # the first batch's items, without its count
    assert spilled and len(spilled) % WIDE == 0 and "counts/listed" not in spilled
    monkeypatch.undo()
    runner.catch_up()
    assert_applied_once(store, runner)


def test_a_runner_whose_batch_was_committed_first_spills_nothing(
    engines: Engines, stage: Stage, listed: Container
) -> None:
    store = store_for(engines, stage, listed.clock)
    with store.transaction() as transaction, transaction.part("wide", 1, 0, 1) as views:
        for i in range(WIDE):
            views.put("items", f"first-{i}", {"i": i})
    stale = pytest.raises(IntegrityError)  # it read position 0, which is 1 now
    with stale, store.transaction() as transaction, transaction.part("wide", 1, 0, 1) as views:
        for i in range(WIDE):
            views.put("items", f"stale-{i}", {"i": i})
    assert sorted(store.dump("wide")) == sorted(f"items/first-{i}" for i in range(WIDE))
    assert store.position("wide", 1) == 1
