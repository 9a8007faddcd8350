"""Cursor paging of the order views on both runtimes: a page is a position in
one total order (placement time, then order id), so orders placed by other
threads while someone pages never make an earlier order repeat or go missing."""

from __future__ import annotations

import threading
from datetime import timedelta
from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.values import Delivery
from chalicelib.projections import order_search
from chalicelib.projections.order_search import OrderSearch
from tests.support.races import race, split
from tests.support.runtimes import Running

from .conftest import list_tea

PICKUP = Delivery(method="pickup", store_id="s1")


def members(c: Container, n: int) -> list[UUID]:
    return [
        c.shop.logins.log_in(openid=f"p{i}", unionid=None, scene=None, query={})[0]
        for i in range(n)
    ]


def place(c: Container, member: UUID) -> str:
    return str(c.shop.orders.place_order(member_id=member, items=[("TEA", 1)], delivery=PICKUP))


def every_page(c: Container, search: OrderSearch, limit: int) -> list[list[str]]:
    pages, after = [], None
    while True:
        page = order_search.page(c.views, search, after, limit)
        pages.append([doc["id"] for doc in page.orders])
        if page.next_after is None:
            return pages
        after = page.next_after


def test_paging_45_orders_by_20_while_threads_place_more(
    running: Running, clock: FixedClock
) -> None:
    c = running.container
    list_tea(c, 200)
    buyers = members(c, 5)
    existing = []
    for i in range(45):
        existing.append(place(c, buyers[i % 5]))
        if i % 3 == 2:  # three orders a second: ties broken by the order id
            clock.advance(seconds=1)
    running.settle()
    expected = [doc["id"] for doc in order_search.every(c.views, OrderSearch())]
    assert sorted(expected) == sorted(existing)

    # The others place orders at the time of the 28th-30th newest existing ones (as
    # a clock behind would): they rank among the existing ones, in pages not yet read.
    clock.set(clock.now() - timedelta(seconds=10))
    seen: list[str] = []
    stop, some_placed = threading.Event(), threading.Event()

    def keep_placing(i: int) -> int:
        placed = 0
        while not stop.is_set() and placed < 10:
            place(c, buyers[i])
            placed += 1
            some_placed.set()
        return placed

    def page_slowly() -> None:
        """Pages by 20, waiting for new orders and letting them be projected in between."""
        after = None
        while True:
            page = order_search.page(c.views, OrderSearch(), after, 20)
            seen.extend(doc["id"] for doc in page.orders)
            if page.next_after is None:
                stop.set()
                return
            after = page.next_after
            some_placed.wait(30)
            running.settle()

    pager = threading.Thread(target=page_slowly)
    pager.start()
    placed, failed = split(race(4, keep_placing))
    pager.join()
    assert not failed and sum(placed) > 0

    assert len(seen) == len(set(seen))  # no order twice, new or old
    old = set(existing)
    assert [oid for oid in seen if oid in old] == expected  # each once, in order
    assert len(seen) > 45  # some new ones were placed below the cursor and found
    running.settle()
    after_all = every_page(c, OrderSearch(), limit=20)
    assert sum(len(page) for page in after_all) == 45 + sum(placed)


def test_a_members_pages_and_a_status_filter(running: Running, clock: FixedClock) -> None:
    c = running.container
    list_tea(c, 100)
    alice, bob = members(c, 2)
    mine = []
    for _ in range(25):
        mine.append(place(c, alice))
        place(c, bob)
        clock.advance(minutes=1)
    c.shop.orders.cancel_order(UUID(mine[3]), member_id=alice, reason="changed my mind")
    running.settle()
    pages = every_page(c, OrderSearch(member_id=str(alice)), limit=10)
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [oid for page in pages for oid in page] == mine[::-1]
    cancelled = OrderSearch(statuses=("cancelled",), member_id=str(alice))
    assert every_page(c, cancelled, limit=10) == [[mine[3]]]
    both = OrderSearch(statuses=("cancelled", "pending_payment"))
    assert sum(len(p) for p in every_page(c, both, limit=7)) == 50


def test_a_page_examines_at_most_its_budget(running: Running, clock: FixedClock) -> None:
    c = running.container
    list_tea(c, 30)
    (bob,) = members(c, 1)
    oldest = place(c, bob)
    c.shop.orders.cancel_order(UUID(oldest), member_id=bob, reason="changed my mind")
    for _ in range(12):
        clock.advance(seconds=1)
        place(c, bob)
    running.settle()
    search = OrderSearch(statuses=("cancelled",), member_id=str(bob))  # read: bob's orders
    first = order_search.page(c.views, search, None, 5, budget=5)
    assert first.orders == [] and first.next_after is not None  # five examined, none matched
    pages = [first]
    while pages[-1].next_after is not None:
        pages.append(order_search.page(c.views, search, pages[-1].next_after, 5, budget=5))
    assert [len(p.orders) for p in pages] == [0, 0, 1]
    assert pages[-1].orders[0]["id"] == oldest
