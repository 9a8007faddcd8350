"""Failure isolation in the runner, on both view stores (SQLite; DynamoDB Local):
a projection that raises on an event is parked exactly there, with its error
recorded and logged; the other projections carry on; a resume after a fix
brings it up to date; a store error parks nothing; a failed rebuild keeps
serving the current generation."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError
from eventsourcing.utils import resolve_topic

from chalicelib.adapters.sqlite_views import SQLiteViewStore
from chalicelib.bootstrap import Container
from chalicelib.domain.order import Order
from chalicelib.domain.values import Address, Delivery
from chalicelib.projections.base import ViewWriter
from chalicelib.projections.catalogue import CatalogueProjection
from chalicelib.projections.runner import PARKED, NotParked, ReadModelRunner
from chalicelib.runtimes import ReadModels
from local.aws_stage import create_stage, drop_stage
from tests.integration.aws.test_views_and_outbox import store_for

from .conftest import list_tea, make_container

_stages = itertools.count(1)
HOME = Delivery(method="express")
ADDRESS = Address("王五", "13700000000", "上海", "上海", "徐汇", "1")


class Fussy:
    """Counts every event into its view, and raises on the events `fails` picks
    (the test's stand-in for a projection bug; clearing `fails` is the fix)."""

    name = "fussy"
    handles = frozenset({object})

    def __init__(self) -> None:
        self.fails: set[tuple[str, int]] = set()
        self.error: type[Exception] = OverflowError

    def apply(self, event: Any, views: ViewWriter) -> None:
        key = (str(event.originator_id), int(event.originator_version))
        if key in self.fails:
            raise self.error("date value out of range")
        views.put("seen", f"{key[0]}:{key[1]}", {"topic": type(event).__qualname__})


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Container]:
    """An embedded shop as the event source: a product, two members, orders."""
    c = make_container(tmp_path / "data")
    list_tea(c, 50)
    for user in ("alice", "bob"):
        member = c.shop.logins.log_in(openid=user, unionid=None, scene=1001, query={})[0]
        c.shop.orders.place_order(
            member_id=member, items=[("TEA", 1)], delivery=HOME, address=ADDRESS
        )
    yield c
    c.close()


@pytest.fixture
def views(runtime: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReadModels]:
    """A fresh view store of the runtime under test."""
    if runtime == "embedded":
        yield SQLiteViewStore(tmp_path / "views.db", request.getfixturevalue("clock").now)
        return
    engines = request.getfixturevalue("engines")
    stage = create_stage(engines, f"park{next(_stages)}")
    try:
        yield store_for(engines, stage, request.getfixturevalue("clock"))
    finally:
        drop_stage(engines, stage)


def log_of(shop: Container) -> list[tuple[int, str, int]]:
    notes = shop.store.recorder.select_notifications(start=None, limit=10_000)
    return [(n.id, str(n.originator_id), n.originator_version) for n in notes]


def place_another(shop: Container) -> None:
    member = shop.shop.logins.log_in(openid="carol", unionid=None, scene=1001, query={})[0]
    shop.shop.orders.place_order(
        member_id=member, items=[("TEA", 2)], delivery=HOME, address=ADDRESS
    )


def test_a_failing_projection_parks_at_its_event_and_the_others_carry_on(
    shop: Container, views: ReadModels, caplog: pytest.LogCaptureFixture
) -> None:
    fussy = Fussy()
    runner = ReadModelRunner(shop.store, views, [CatalogueProjection(), fussy])
    log = log_of(shop)
    bad_id, bad_stream, bad_version = log[len(log) // 2]  # mid-batch: the events before commit
    fussy.fails.add((bad_stream, bad_version))

    with caplog.at_level(logging.ERROR, logger="chalicelib.projections.runner"):
        runner.catch_up()

    assert views.position("catalogue", 1) == len(log)
    assert views.position("fussy", 1) == bad_id - 1
    assert len(views.dump("fussy")) == bad_id - 1
    park = views.parked("fussy", 1)
    assert park is not None
    assert (park.projection, park.generation, park.position) == ("fussy", 1, bad_id)
    assert (park.originator_id, park.originator_version) == (bad_stream, bad_version)
    assert park.error == "OverflowError: date value out of range"
    assert park.topic.startswith("chalicelib.domain.")
    assert park.parked_at == shop.clock.now().isoformat()
    [line] = [r for r in caplog.records if PARKED in r.getMessage()]
    assert f"fussy@1 at event {bad_id}" in line.getMessage() and line.exc_info

    place_another(shop)  # later events: the catalogue follows them, the parked one waits
    runner.catch_up()
    assert views.position("catalogue", 1) == len(log_of(shop)) > len(log)
    assert views.position("fussy", 1) == bad_id - 1
    assert runner.status("fussy")["parked"] == park.doc()
    assert runner.status("catalogue")["parked"] is None

    fussy.fails.clear()  # the fix is deployed
    assert runner.resume("fussy") is None
    assert views.parked("fussy", 1) is None
    assert views.position("fussy", 1) == len(log_of(shop))
    assert len(views.dump("fussy")) == len(log_of(shop))
    with pytest.raises(NotParked):
        runner.resume("fussy")


def test_a_resume_without_a_fix_parks_again_and_a_first_event_can_park(
    shop: Container, views: ReadModels
) -> None:
    fussy = Fussy()
    runner = ReadModelRunner(shop.store, views, [fussy], batch_size=3)
    first_id, stream, version = log_of(shop)[0]
    fussy.fails.add((stream, version))
    runner.catch_up()
    assert views.position("fussy", 1) == 0
    park = runner.resume("fussy")
    assert park is not None and park.position == first_id
    assert views.parked("fussy", 1) == park

    fussy.fails.clear()
    assert runner.resume("fussy") is None
    assert views.position("fussy", 1) == len(log_of(shop))


def test_a_store_error_parks_nothing_and_propagates(shop: Container, views: ReadModels) -> None:
    fussy = Fussy()
    fussy.error = OperationalError
    runner = ReadModelRunner(shop.store, views, [fussy])
    _, stream, version = log_of(shop)[2]
    fussy.fails.add((stream, version))
    with pytest.raises(OperationalError):
        runner.catch_up()
    assert views.parked("fussy", 1) is None
    assert views.position("fussy", 1) == 0  # the batch committed nothing; the next try redoes it
    fussy.fails.clear()
    runner.catch_up()
    assert views.position("fussy", 1) == len(log_of(shop))


def test_a_failed_rebuild_keeps_serving_the_current_generation(
    shop: Container, views: ReadModels
) -> None:
    fussy = Fussy()
    runner = ReadModelRunner(shop.store, views, [CatalogueProjection(), fussy], batch_size=4)
    runner.catch_up()
    served = views.dump("fussy")
    _, stream, version = log_of(shop)[5]
    fussy.fails.add((stream, version))

    result = runner.rebuild("fussy")
    assert result.events == 4  # one whole batch, then the failure
    assert (result.complete, result.switched, result.kept) == (True, [], ["fussy"])
    assert runner.rebuild("fussy").events == 0  # kept parked until a restart after a fix
    assert runner.rebuild("catalogue").events == len(log_of(shop))
    assert views.generation("fussy") == 1 and views.dump("fussy") == served
    assert views.generation("catalogue") == 2
    status = runner.status("fussy")
    assert status["parked"] is None and status["rebuild_parked"]["generation"] == 2
    runner.catch_up()  # the generation readers see is not parked: it keeps up
    assert views.parked("fussy", 1) is None

    fussy.fails.clear()
    assert runner.rebuild("fussy", restart=True).events == len(log_of(shop))
    assert views.generation("fussy") == 2 and views.dump("fussy") == served
    assert runner.status("fussy")["rebuild_parked"] is None


class Counted:
    """The shop's event store as the runner reads it, counting the events it deserialises."""

    def __init__(self, shop: Container) -> None:
        self.recorder, self.clock = shop.store.recorder, shop.clock
        self._mapper = shop.store.mapper
        self.topics: list[str] = []

    @property
    def mapper(self) -> Counted:
        return self

    def to_domain_event(self, notification: Any) -> Any:
        self.topics.append(notification.topic)
        return self._mapper.to_domain_event(notification)


class Placements(Fussy):
    """Acts on Order.Placed only; fails on the placements `fails` picks."""

    name = "placements"
    handles = frozenset({Order.Placed})


def test_events_no_projection_of_the_pass_handles_are_not_deserialised(
    shop: Container, views: ReadModels
) -> None:
    log, placed = Counted(shop), Placements()
    runner = ReadModelRunner(log, views, [placed], batch_size=3)
    runner.catch_up()
    assert len(views.dump("placements")) == 2  # two orders placed among the log's events
    assert set(log.topics) == {"chalicelib.domain.order:Order.Placed"} and len(log.topics) == 2
    assert views.position("placements", 1) == len(log_of(shop))  # it moved past the others

    log.topics.clear()
    both = ReadModelRunner(log, views, [CatalogueProjection(), placed], batch_size=3)
    assert both.rebuild().complete
    handled = CatalogueProjection.handles | Placements.handles
    topics = [n.topic for n in shop.store.recorder.select_notifications(start=None, limit=10_000)]
    assert log.topics == [t for t in topics if resolve_topic(t) in handled]
    assert len(log.topics) < len(topics)


def test_a_projection_fed_filtered_pages_parks_at_the_exact_event(
    shop: Container, views: ReadModels
) -> None:
    placed = Placements()
    runner = ReadModelRunner(Counted(shop), views, [CatalogueProjection(), placed], batch_size=4)
    notes = shop.store.recorder.select_notifications(start=None, limit=10_000)
    bad = [n for n in notes if n.topic.endswith("Order.Placed")][1]
    placed.fails.add((str(bad.originator_id), bad.originator_version))
    runner.catch_up()
    park = views.parked("placements", 1)
    assert park is not None and park.position == bad.id
    assert views.position("placements", 1) == bad.id - 1
    assert len(views.dump("placements")) == 1  # the first placement committed
    assert views.position("catalogue", 1) == len(notes)  # the other carried on
