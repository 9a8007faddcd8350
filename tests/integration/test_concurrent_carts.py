"""Real threads checking out from carts, on both runtimes: members racing for
the last units from their carts never oversell (a loser is refused with
`out_of_stock`, or with its line flagged `out_of_stock` when the units were gone
before it looked), each winner's ordered line
leaves their cart exactly once, and each loser's cart keeps its line."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

import pytest

from chalicelib.application.cart_checkout import CartLinesFlagged, NothingSelected, OfferChoice
from chalicelib.bootstrap import Container
from chalicelib.domain.catalogue import Stock
from chalicelib.domain.errors import OutOfStock
from chalicelib.domain.ids import stock_id_for
from chalicelib.domain.order import Order
from chalicelib.domain.values import Delivery
from tests.support.runtimes import Running, running_container

from .conftest import list_tea

PICKUP = Delivery(method="pickup", store_id="s1")


@pytest.fixture
def running(runtime: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Running]:
    with running_container(runtime, request, tmp_path / "data") as r:
        yield r


def quoted_carts(c: Container, n: int) -> list[tuple[UUID, str]]:
    """n members, each with one TEA in the cart and a quote for it."""
    carts = []
    for i in range(n):
        member_id = c.shop.logins.log_in(openid=f"o{i}", unionid=None, scene=None, query={})[0]
        c.shop.cart.add(member_id, "TEA", 1)
        quote = c.shop.cart_checkout.quote(member_id, pickup=True, choice=OfferChoice())
        carts.append((member_id, quote.quote_id))
    return carts


def race(c: Container, carts: list[tuple[UUID, str]]) -> list[UUID | None]:
    start = threading.Barrier(len(carts))

    def buy(cart: tuple[UUID, str]) -> UUID | None:
        member_id, quote_id = cart
        start.wait()
        try:
            return c.shop.cart_checkout.place_order(
                member_id,
                delivery=PICKUP,
                address=None,
                note="",
                choice=OfferChoice(),
                quote_id=quote_id,
            )
        except (OutOfStock, CartLinesFlagged, NothingSelected):
            # The units went first (at the reservation, or before it looked),
            # or the same cart's line was already ordered.
            return None

    with ThreadPoolExecutor(len(carts)) as pool:
        return list(pool.map(buy, carts))


def test_twenty_carts_racing_for_the_last_three_units(running: Running) -> None:
    c = running.container
    list_tea(c, 3)
    carts = quoted_carts(c, 20)
    results = race(c, carts)
    winners = [order_id for order_id in results if order_id is not None]
    assert len(winners) == 3
    stock = c.shop.store.repository.get(stock_id_for("TEA"))
    assert isinstance(stock, Stock) and stock.available == 0
    for (member_id, _), order_id in zip(carts, results, strict=True):
        lines = c.shop.cart.cart_of(member_id).lines
        if order_id is None:
            assert list(lines) == ["TEA"]
        else:
            assert lines == {}
            order = c.shop.store.repository.get(order_id)
            assert isinstance(order, Order) and order.member_id == member_id


def test_two_checkouts_of_one_cart_at_once_make_one_order(running: Running) -> None:
    c = running.container
    list_tea(c, 10)
    ((member_id, quote_id),) = quoted_carts(c, 1)
    results = race(c, [(member_id, quote_id), (member_id, quote_id)])
    assert len([r for r in results if r is not None]) == 1
    assert c.shop.cart.cart_of(member_id).lines == {}
    stock = c.shop.store.repository.get(stock_id_for("TEA"))
    assert isinstance(stock, Stock) and stock.available == 9
