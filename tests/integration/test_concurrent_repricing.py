"""Real threads on both runtimes: orders placed while the price changes each
carry one price throughout (the old or a new one, never a mix of them), and
stock stays exact."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

import pytest

from chalicelib.domain.catalogue import Stock
from chalicelib.domain.ids import product_id_for, stock_id_for
from chalicelib.domain.order import Order
from chalicelib.domain.values import Delivery
from chalicelib.projections import catalogue_queries
from tests.support.runtimes import Running, running_container

from .conftest import list_tea
from .test_concurrent_orders import buyers

PICKUP = Delivery(method="pickup", store_id="s1")
PRICES = [5800, 4800, 3800, 2800]
BUYERS = 8
ORDERS_EACH = 3
QUANTITY = 2


@pytest.fixture
def running(runtime: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Running]:
    with running_container(runtime, request, tmp_path / "data") as r:
        yield r


def test_eight_threads_ordering_while_the_price_changes(running: Running) -> None:
    c = running.container
    list_tea(c, 100)
    members = buyers(c, BUYERS)
    start = threading.Barrier(BUYERS + 1)

    def buy(member_id: UUID) -> list[UUID]:
        start.wait()
        return [
            c.shop.orders.place_order(
                member_id=member_id, items=[("TEA", QUANTITY)], delivery=PICKUP
            )
            for _ in range(ORDERS_EACH)
        ]

    def reprice() -> None:
        start.wait()
        for price in PRICES:
            c.shop.catalogue.reprice(product_id_for("tea"), "TEA", price, None)

    with ThreadPoolExecutor(BUYERS + 1) as pool:
        repricing = pool.submit(reprice)
        placed = [oid for ids in pool.map(buy, members) for oid in ids]
        repricing.result()

    assert len(placed) == BUYERS * ORDERS_EACH
    for order_id in placed:
        order = c.shop.store.repository.get(order_id)
        assert isinstance(order, Order)
        (line,) = order.lines
        assert line.unit_price_fen in [6800, *PRICES]
        assert order.price.items_fen == line.unit_price_fen * QUANTITY
        assert order.price.payable_fen == order.price.items_fen
    stock = c.shop.store.repository.get(stock_id_for("TEA"))
    assert isinstance(stock, Stock)
    assert stock.available == 100 - QUANTITY * BUYERS * ORDERS_EACH
    running.settle()
    shown = catalogue_queries.product(c.views, c.now(), product_id_for("tea"))["skus"][0]
    assert (shown["price_fen"], shown["available"]) == (PRICES[-1], stock.available)
