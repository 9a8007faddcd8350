"""On the embedded runtime a command's request catches up only the
read-your-writes projections (projections/lanes.py); the others catch up in
the sender thread, before the sends, and before the reads that need them. On
both runtimes, commands racing each other and the background catch-up leave
every view equal to a rebuild."""

from __future__ import annotations

import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from chalicelib.bootstrap import Container
from chalicelib.domain.calendar import beijing_date
from chalicelib.projections import analytics_queries, lanes, queries
from chalicelib.projections.runner import RebuildResult
from tests.support.runtimes import Running
from tests.support.stack import ADMIN, running_stack

from .conftest import list_tea
from .test_sends_off_the_request import buy

WAIT_S = 30.0


class HeldBackground:
    """Holds the sender thread's background catch-up until `release` is set;
    reads (`before_read`, in the request's thread) pass."""

    def __init__(self, container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
        follow_on = container.follow_on
        self.inner = follow_on.catch_up_background
        self.release = threading.Event()
        monkeypatch.setattr(follow_on, "catch_up_background", self)

    def __call__(self, names: Collection[str] | None) -> object:
        if threading.current_thread().name == "outbox-sender":
            assert self.release.wait(WAIT_S)
        return self.inner(names)


def positions(container: Container) -> dict[str, int]:
    views = container.views
    return {
        name: views.position(name, views.generation(name)) for name in container.runner.projections
    }


def paid_today(container: Container) -> int:
    today = beijing_date(container.now())
    return int(analytics_queries.overview(container.views, today, today)["totals"]["orders_paid"])


def test_a_command_applies_only_the_read_your_writes_projections(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    list_tea(container, 5)
    assert container.follow_on.settle(WAIT_S)
    held = HeldBackground(container, monkeypatch)
    asked: list[tuple[str, list[str]]] = []
    catch_up = container.runner.catch_up

    def spy(names: Collection[str] | None = None) -> int:
        chosen = list(container.runner.projections if names is None else names)
        asked.append((threading.current_thread().name, chosen))
        return catch_up(names)

    monkeypatch.setattr(container.runner, "catch_up", spy)

    order_id = buy(container, "o-alice", 1)

    end = container.runner.log_length()
    standing = positions(container)
    background = lanes.in_background(container.runner.projections)
    assert background and set(background) == set(lanes.IN_BACKGROUND)
    assert {n: p for n, p in standing.items() if n not in background} == {
        n: end for n in standing if n not in background
    }
    assert all(standing[name] < end for name in background)
    in_requests = {name for thread, names in asked if thread != "outbox-sender" for name in names}
    assert in_requests and not in_requests & set(background)
    assert queries.order(container.views, order_id)["status"] == "paid"  # read-your-writes
    assert f"notify:order_paid:{order_id}" not in {m["id"] for m in container.outbox.messages()}
    assert paid_today(container) == 0

    held.release.set()
    assert container.follow_on.settle(WAIT_S)
    assert set(positions(container).values()) == {container.runner.log_length()}
    assert paid_today(container) == 1
    [message] = [
        m for m in container.outbox.messages() if m["id"] == f"notify:order_paid:{order_id}"
    ]
    assert message["status"] == "sent"


def test_operator_reads_catch_their_projections_up_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_stack(tmp_path) as stack:
        container = stack.container
        list_tea(container, 5)
        stack.settle()
        held = HeldBackground(container, monkeypatch)
        order_id = buy(container, "o-bob", 1)
        assert paid_today(container) == 0  # the sender's catch-up is held

        def admin_get(path: str) -> Any:  # straight to the server: no settle() first
            response = stack.http.get(stack.base_url + path, headers=ADMIN)
            assert response.status_code == 200, response.text
            return response.json()

        today = beijing_date(container.now()).isoformat()
        overview = admin_get(f"/admin/analytics/overview?from={today}&to={today}")
        assert overview["totals"]["orders_paid"] == 1
        outbox = admin_get("/admin/outbox")["items"]
        assert f"notify:order_paid:{order_id}" in {m["id"] for m in outbox}
        held.release.set()
        stack.settle()


def _buyers(container: Container, threads: int, orders: int) -> list[UUID]:
    placed: list[UUID] = []
    lock = threading.Lock()

    def buyer(n: int) -> None:
        for k in range(orders):
            order_id = buy(container, f"o-racer-{n}", k)
            with lock:
                placed.append(order_id)

    workers = [threading.Thread(target=buyer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return placed


def test_racing_commands_and_background_catch_ups_equal_a_rebuild(running: Running) -> None:
    container = running.container
    list_tea(container, 100)
    running.settle()
    background = lanes.in_background(container.runner.projections)
    done = threading.Event()
    errors: list[BaseException] = []

    def reader() -> None:  # an operator's reads racing the commands and the sender
        try:
            while not done.is_set():
                container.follow_on.before_read()
                container.runner.catch_up(background)
        except BaseException as error:  # handed to the test's thread, which fails
            errors.append(error)

    reading = threading.Thread(target=reader)
    reading.start()
    try:
        placed = _buyers(container, threads=4, orders=5)
    finally:
        done.set()
        reading.join()
    assert not errors
    running.settle()
    assert len(placed) == 20
    assert paid_today(container) == 20

    runner = container.runner
    before = {name: container.views.dump(name) for name in runner.projections}
    result = runner.rebuild()
    assert result == RebuildResult(runner.log_length(), True, list(runner.projections), [])
    assert {name: container.views.dump(name) for name in runner.projections} == before


def test_a_background_projection_that_fails_parks_alone_and_resumes(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    list_tea(container, 5)
    assert container.follow_on.settle(WAIT_S)
    analytics = container.runner.projections["analytics"]

    def broken(event: object, views: object) -> None:
        raise RuntimeError("a bug in the analytics projection")

    monkeypatch.setattr(analytics, "apply", broken)
    order_id = buy(container, "o-dave", 1)  # the command answers: the failure is the sender's
    assert container.follow_on.settle(WAIT_S)

    assert queries.order(container.views, order_id)["status"] == "paid"
    assert [park.projection for park in container.runner.parks()] == ["analytics"]
    end = container.runner.log_length()
    assert {n: p for n, p in positions(container).items() if n != "analytics"} == {
        n: end for n in container.runner.projections if n != "analytics"
    }
    assert paid_today(container) == 0

    monkeypatch.undo()  # the fix is deployed
    assert container.runner.resume("analytics") is None
    assert paid_today(container) == 1
