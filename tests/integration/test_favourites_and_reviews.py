"""Favourites and reviews on both runtimes, with real threads: favouriting the
same product from 8 threads keeps one entry; 8 threads reviewing the same line
make one review and earn its points once; the reviews read model (pages,
rating summary, hiding) rebuilds to what was built incrementally."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

import pytest

from chalicelib.application.errors import NotFound
from chalicelib.bootstrap import Container
from chalicelib.domain.errors import DomainError
from chalicelib.domain.ids import product_id_for
from chalicelib.domain.order import Order
from chalicelib.domain.review import AlreadyReviewed
from chalicelib.domain.values import Delivery
from chalicelib.projections import reviews_queries
from tests.support.runtimes import Running

from .conftest import list_tea
from .test_concurrent_orders import buyers

THREADS = 8
PICKUP = Delivery(method="pickup", store_id="s1")
TEA = product_id_for("tea")


def completed_order(c: Container, member_id: UUID) -> UUID:
    """A picked-up order, completed (the aggregate driven directly: the jobs
    that complete orders are tested elsewhere)."""
    order_id = c.shop.orders.place_order(member_id=member_id, items=[("TEA", 1)], delivery=PICKUP)
    order = c.shop.store.load(Order, order_id, "order")
    now = c.now()
    order.record_payment(f"t-{order_id.hex}", order.price.payable_fen, now)
    order.mark_ready_for_pickup(at=now)
    order.pick_up(at=now)
    order.complete(at=now)
    c.shop.store.save(order)
    return order_id


def in_threads(fn: object, n: int = THREADS) -> list[object]:
    start = threading.Barrier(n)

    def run(_: int) -> object:
        start.wait()
        try:
            return fn()  # type: ignore[operator]
        except DomainError as error:
            return error

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_eight_threads_favouriting_one_product_keep_one_entry(running: Running) -> None:
    c = running.container
    list_tea(c, 10)
    (member,) = buyers(c, 1)
    added = in_threads(lambda: c.shop.favourites.add(member, TEA))
    assert sorted(map(str, added)) == ["False"] * (THREADS - 1) + ["True"]
    page = c.shop.favourites.page(member, None, 20)
    assert [product_id for product_id, _ in page.entries] == [str(TEA)]
    with pytest.raises(NotFound):
        c.shop.favourites.add(member, product_id_for("nope"))


def test_eight_threads_reviewing_one_line_make_one_review_and_earn_once(
    running: Running,
) -> None:
    c = running.container
    c.settings.review_reward_points = 50
    c.reread_rules()
    list_tea(c, 10)
    (member,) = buyers(c, 1)
    order_id = completed_order(c, member)
    before = c.shop.accounts.points_of(member).balance

    def review() -> object:
        return c.shop.reviews.write(member, order_id, sku_id="TEA", stars=4, text="好", images=[])

    answers = in_threads(review)
    assert sum(1 for a in answers if isinstance(a, AlreadyReviewed)) == THREADS - 1
    assert c.shop.accounts.points_of(member).balance == before + 50
    running.settle()
    assert reviews_queries.summary(c.views, str(TEA)) == {
        "count": 1,
        "average": 4.0,
        "stars": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
    }


def test_the_reviews_read_model_pages_hides_and_rebuilds_the_same(running: Running) -> None:
    c = running.container
    list_tea(c, 20)
    members = buyers(c, 5)
    review_ids = []
    for n, member in enumerate(members):
        order_id = completed_order(c, member)
        review = c.shop.reviews.write(
            member, order_id, sku_id="TEA", stars=n + 1, text=f"review {n}", images=[]
        )
        review_ids.append(review.id)
        c.clock.advance(minutes=1)
    c.shop.reviews.reply(review_ids[0], "谢谢")
    c.shop.reviews.follow_up(members[1], review_ids[1], "still good", [])
    c.shop.reviews.hide(review_ids[4], "spam")
    c.shop.reviews.hide(review_ids[3], "abuse")
    c.shop.reviews.unhide(review_ids[3], "appeal")
    running.settle()

    summary = reviews_queries.summary(c.views, str(TEA))
    assert summary["count"] == 4 and summary["average"] == 2.5  # 1+2+3+4 over 4
    first = reviews_queries.visible_page(c.views, str(TEA), None, 3)
    rest = reviews_queries.visible_page(c.views, str(TEA), first.next_after, 3)
    assert [d["text"] for d in first.items + rest.items] == [f"review {n}" for n in (3, 2, 1, 0)]
    assert rest.next_after is None
    hidden = reviews_queries.operator_page(c.views, None, True, None, 10)
    assert [d["id"] for d in hidden.items] == [str(review_ids[4])]
    assert [m["action"] for m in hidden.items[0]["moderation"]] == ["hide"]

    before = c.views.dump("reviews")
    c.runner.rebuild("reviews")
    assert c.views.dump("reviews") == before
