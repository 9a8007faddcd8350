"""The product search read model on both runtimes: the index follows listing,
edits, new SKUs, off sale and back, repricing (now and scheduled) and paid
orders; pages never repeat a product."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from chalicelib.application.catalogue import ProductEdit
from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.values import Delivery, SkuSpec
from chalicelib.projections import product_search, product_search_queries
from chalicelib.projections.product_search_queries import Page, Position
from tests.support.runtimes import Running

PICKUP = Delivery(method="pickup", store_id="s1")


def list_product(
    c: Container, slug: str, title: str, category: str, *skus: tuple[str, int]
) -> UUID:
    return c.shop.catalogue.list_product(
        slug=slug,
        title=title,
        category=category,
        description="",
        image_url="",
        skus=[(SkuSpec(sku, f"{sku} 装", price), 50) for sku, price in skus],
    )


def search(
    c: Container,
    q: str | None = None,
    sort: str = "sales",
    category: str | None = None,
    after: Position | None = None,
    limit: int = 20,
) -> Page:
    return product_search_queries.search(
        c.views, c.clock.now(), q=q, category=category, sort=sort, after=after, limit=limit
    )


def titles(page: Page) -> list[str]:
    return [item["title"] for item in page.items]


def shop(c: Container, clock: FixedClock) -> dict[str, UUID]:
    ids = {}
    for slug, title, category, sku, price in [
        ("oolong", "乌龙茶", "茶叶", "OOLONG", 5800),
        ("longjing", "龙井绿茶", "茶叶", "LONGJING", 8800),
        ("teaset", "茶具套装", "茶具", "TEASET", 19900),
        ("cup", "Glass Cup 玻璃杯", "茶具", "CUP", 2900),
    ]:
        ids[slug] = list_product(c, slug, title, category, (sku, price))
        clock.advance(seconds=1)
    return ids


def pay(c: Container, sku: str, quantity: int) -> tuple[UUID, UUID]:
    """A new member's paid order of `quantity` units of `sku`: (order id, member id)."""
    member, _ = c.shop.logins.log_in(openid=f"o-{sku}", unionid=None, scene=None, query={})
    order_id = c.shop.orders.place_order(member_id=member, items=[(sku, quantity)], delivery=PICKUP)
    order = c.shop.orders.order(order_id)
    c.shop.payments.record_payment(
        out_trade_no=order_id.hex,
        transaction_id=f"t-{order_id.hex}",
        amount_fen=order.price.payable_fen,
        paid_at=c.clock.now(),
    )
    return order_id, member


def test_the_index_follows_listing_and_edits(running: Running, clock: FixedClock) -> None:
    c = running.container
    ids = shop(c, clock)
    running.settle()
    assert titles(search(c, "龙", sort="new")) == ["龙井绿茶", "乌龙茶"]
    assert titles(search(c, "绿茶")) == ["龙井绿茶"]
    assert titles(search(c, "茶具", sort="price_asc")) == ["Glass Cup 玻璃杯", "茶具套装"]
    assert titles(search(c, "ＧＬＡＳ")) == ["Glass Cup 玻璃杯"]
    assert titles(search(c, "装", sort="new")) == titles(search(c, sort="new"))  # SKU names
    assert titles(search(c, "咖啡")) == [] and titles(search(c, "!!")) == []

    c.shop.catalogue.edit_product(ids["oolong"], ProductEdit(title="大红袍", category="岩茶"))
    c.shop.catalogue.add_sku(ids["teaset"], SkuSpec("TEASET-GIFT", "礼盒版", 25900), 5)
    running.settle()
    assert titles(search(c, "龙")) == ["龙井绿茶"]
    assert titles(search(c, "岩茶")) == ["大红袍"]
    assert titles(search(c, "礼盒")) == ["茶具套装"]
    assert titles(search(c, category="茶叶")) == ["龙井绿茶"]


def test_off_sale_products_and_skus_are_not_found(running: Running, clock: FixedClock) -> None:
    c = running.container
    ids = shop(c, clock)
    pair_id = list_product(c, "pair", "白茶双拼", "茶叶", ("WHITE-A", 3000), ("WHITE-B", 9000))
    c.shop.catalogue.set_on_sale(ids["longjing"], False)
    c.shop.catalogue.set_sku_on_sale(ids["oolong"], "OOLONG", False)
    c.shop.catalogue.set_sku_on_sale(pair_id, "WHITE-A", False)
    running.settle()
    assert titles(search(c, "茶", sort="price_asc")) == ["Glass Cup 玻璃杯", "白茶双拼", "茶具套装"]
    pair = search(c, "白茶").items[0]
    assert [s["sku_id"] for s in pair["skus"]] == ["WHITE-B"]
    assert search(c, "白茶", sort="price_asc").items[0]["skus"][0]["price_fen"] == 9000

    c.shop.catalogue.set_on_sale(ids["longjing"], True)
    c.shop.catalogue.set_sku_on_sale(ids["oolong"], "OOLONG", True)
    running.settle()
    assert titles(search(c, "龙", sort="new")) == ["龙井绿茶", "乌龙茶"]


def test_prices_in_effect_now_order_the_price_sorts(running: Running, clock: FixedClock) -> None:
    c = running.container
    ids = shop(c, clock)
    c.shop.catalogue.reprice(ids["teaset"], "TEASET", 1900, None)
    c.shop.catalogue.reprice(ids["oolong"], "OOLONG", 900, clock.now() + timedelta(hours=1))
    running.settle()
    order = ["茶具套装", "Glass Cup 玻璃杯", "乌龙茶", "龙井绿茶"]
    assert titles(search(c, sort="price_asc")) == order
    assert titles(search(c, sort="price_desc")) == order[::-1]
    clock.advance(hours=1)  # the scheduled price takes effect with no event
    assert titles(search(c, sort="price_asc")) == [
        "乌龙茶",
        "茶具套装",
        "Glass Cup 玻璃杯",
        "龙井绿茶",
    ]
    assert search(c, "乌龙").items[0]["skus"][0]["price_fen"] == 900


def test_paid_orders_count_as_sales_and_refunds_do_not_subtract(
    running: Running, clock: FixedClock
) -> None:
    c = running.container
    ids = shop(c, clock)
    pay(c, "CUP", 3)
    pay(c, "LONGJING", 2)
    refunded, buyer = pay(c, "TEASET", 1)
    member, _ = c.shop.logins.log_in(openid="unpaid", unionid=None, scene=None, query={})
    c.shop.orders.place_order(member_id=member, items=[("OOLONG", 9)], delivery=PICKUP)
    cancelled = c.shop.orders.place_order(member_id=member, items=[("TEASET", 9)], delivery=PICKUP)
    c.shop.orders.cancel_order(cancelled, member_id=member, reason="changed my mind")
    c.shop.orders.request_refund(refunded, member_id=buyer, reason="broken")
    c.shop.orders.approve_refund(refunded)
    running.settle()
    assert titles(search(c, sort="sales")) == ["Glass Cup 玻璃杯", "龙井绿茶", "茶具套装", "乌龙茶"]
    sales = {doc["id"]: doc["sales"] for doc in summaries(c)}
    assert sales == {
        str(ids["cup"]): 3,
        str(ids["longjing"]): 2,
        str(ids["teaset"]): 1,
        str(ids["oolong"]): 0,
    }


def summaries(c: Container) -> list[dict[str, object]]:
    return c.views.query(
        product_search_queries.SEARCH, product_search.PRODUCTS, product_search.ON_SALE
    )


def test_pages_follow_one_another_without_repeats(running: Running, clock: FixedClock) -> None:
    c = running.container
    for i in range(23):
        list_product(c, f"tea{i}", f"绿茶{i}号", "茶叶", (f"T{i}", 1000 + (i % 4) * 100))
        clock.advance(seconds=1)
    running.settle()
    for sort in product_search_queries.SORTS:
        seen: list[str] = []
        page = search(c, "绿茶", sort=sort, limit=10)
        sizes = [len(page.items)]
        seen += [item["id"] for item in page.items]
        while page.next_after is not None:
            page = search(c, "绿茶", sort=sort, after=page.next_after, limit=10)
            sizes.append(len(page.items))
            seen += [item["id"] for item in page.items]
        assert sizes == [10, 10, 3], sort
        assert seen == [item["id"] for item in search(c, "绿茶", sort=sort, limit=50).items]
    newest = search(c, sort="new", limit=10)
    list_product(c, "late", "绿茶新品", "茶叶", ("LATE", 500))  # listed between two pages
    running.settle()
    rest = search(c, sort="new", after=newest.next_after, limit=20)
    assert len(rest.items) == 13 and "绿茶新品" not in titles(rest)
