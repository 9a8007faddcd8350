"""Real threads against the event store, on both runtimes: never oversell,
never count a payment twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

import pytest

from chalicelib.bootstrap import Container
from chalicelib.domain.catalogue import Stock
from chalicelib.domain.errors import OutOfStock
from chalicelib.domain.ids import product_id_for, stock_id_for
from chalicelib.domain.values import Delivery
from chalicelib.projections import queries
from tests.support.runtimes import Running, running_container

from .conftest import list_tea, make_container

PICKUP = Delivery(method="pickup", store_id="s1")


def buyers(c: Container, n: int) -> list[UUID]:
    return [
        c.shop.logins.log_in(openid=f"o{i}", unionid=None, scene=None, query={})[0]
        for i in range(n)
    ]


def race(c: Container, members: list[UUID]) -> list[bool]:
    start = threading.Barrier(len(members))

    def buy(member_id: UUID) -> bool:
        start.wait()
        try:
            c.shop.orders.place_order(member_id=member_id, items=[("TEA", 1)], delivery=PICKUP)
        except OutOfStock:
            return False
        return True

    with ThreadPoolExecutor(len(members)) as pool:
        return list(pool.map(buy, members))


@pytest.fixture
def running(runtime: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Running]:
    with running_container(runtime, request, tmp_path / "data") as r:
        yield r


def test_fifty_threads_ordering_the_last_ten_units(running: Running) -> None:
    container = running.container
    list_tea(container, 10)
    members = buyers(container, 50)
    before = container.shop.store.recorder.select_events
    results = race(container, members)
    assert results.count(True) == 10
    stock = container.shop.store.repository.get(stock_id_for("TEA"))
    assert isinstance(stock, Stock) and stock.available == 0
    assert len(before(stock_id_for("TEA"))) == 1 + 10  # stocked, then exactly ten reservations
    running.settle()
    product = queries.product(container.views, product_id_for("tea"))
    assert product["skus"][0]["available"] == 0
    mine = [queries.member_orders(container.views, m) for m in members]
    assert sum(len(orders) for orders in mine) == 10


def test_two_processes_worth_of_writers_share_one_store(tmp_path: Path) -> None:
    first, second = make_container(tmp_path), make_container(tmp_path)
    list_tea(first, 10)
    members = buyers(first, 30)
    half = len(members) // 2
    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(race, first, members[:half])
        b = pool.submit(race, second, members[half:])
        sold = a.result().count(True) + b.result().count(True)
    assert sold == 10
    for c in (first, second):
        c.runner.catch_up()
        assert queries.product(c.views, product_id_for("tea"))["skus"][0]["available"] == 0
    first.close()
    second.close()


def test_duplicate_payment_notifications_in_parallel_count_once(running: Running) -> None:
    container = running.container
    list_tea(container, 5)
    (member,) = buyers(container, 1)
    order_id = container.shop.orders.place_order(
        member_id=member, items=[("TEA", 1)], delivery=PICKUP
    )
    start = threading.Barrier(10)

    def notify(_: int) -> bool:
        start.wait()
        return container.shop.payments.record_payment(
            out_trade_no=order_id.hex,
            transaction_id="4200001",
            amount_fen=6800,
            paid_at=container.clock.now(),
        )

    with ThreadPoolExecutor(10) as pool:
        recorded = list(pool.map(notify, range(10)))
    assert recorded.count(True) == 1
    running.settle()
    log = container.shop.store.recorder.select_notifications(start=None, limit=1000)
    assert sum(1 for n in log if n.topic.endswith("Order.Paid")) == 1
