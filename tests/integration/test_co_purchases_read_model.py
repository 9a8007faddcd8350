"""The co-purchase read model on both runtimes: paid orders count their
products bought together (unpaid and cancelled ones do not, refunds do not
subtract), a big order counts its first products only, the recommendations
read it, and a rebuild gives the same view."""

from __future__ import annotations

from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.domain.recommendations import MAX_ORDER_PRODUCTS
from chalicelib.domain.values import Delivery, SkuSpec
from chalicelib.projections import co_purchases, recommendation_queries
from tests.support.runtimes import Running

PICKUP = Delivery(method="pickup", store_id="s1")


def list_products(c: Container, category: str, *slugs: str) -> dict[str, str]:
    ids = {}
    for slug in slugs:
        ids[slug] = str(
            c.shop.catalogue.list_product(
                slug=slug,
                title=slug,
                category=category,
                description="",
                image_url="",
                skus=[(SkuSpec(slug.upper(), slug, 1000), 50)],
            )
        )
    return ids


def order(c: Container, member: UUID, *slugs: str, paid: bool = True) -> UUID:
    items = [(slug.upper(), 1) for slug in slugs]
    order_id = c.shop.orders.place_order(member_id=member, items=items, delivery=PICKUP)
    if paid:
        c.shop.payments.record_payment(
            out_trade_no=order_id.hex,
            transaction_id=f"t-{order_id.hex}",
            amount_fen=c.shop.orders.order(order_id).price.payable_fen,
            paid_at=c.clock.now(),
        )
    return order_id


def test_paid_orders_count_products_bought_together_and_rebuild_the_same(
    running: Running,
) -> None:
    c = running.container
    ids = list_products(c, "tea", "a", "b", "c", "d", "e")
    many = [f"p{n:02}" for n in range(MAX_ORDER_PRODUCTS + 2)]
    ids |= list_products(c, "bulk", *many)
    member, _ = c.shop.logins.log_in(openid="o-buyer", unionid=None, scene=None, query={})
    order(c, member, "a", "b", "c")
    order(c, member, "a", "b", "b")
    order(c, member, "b", "a")
    order(c, member, "a", "d", paid=False)
    cancelled = order(c, member, "a", "e", paid=False)
    c.shop.orders.cancel_order(cancelled, member_id=member, reason="changed my mind")
    refunded = order(c, member, "a", "c")
    c.shop.orders.request_refund(refunded, member_id=member, reason="broken")
    c.shop.orders.approve_refund(refunded)
    order(c, member, *many)
    running.settle()

    def partners(slug: str) -> dict[str, int]:
        return recommendation_queries.partners(c.views, ids[slug])

    assert partners("a") == {ids["b"]: 3, ids["c"]: 2}
    assert partners("b") == {ids["a"]: 3, ids["c"]: 1}
    assert partners("d") == {} and partners("e") == {}
    counted = many[:MAX_ORDER_PRODUCTS]
    assert partners(many[0]) == {ids[s]: 1 for s in counted[1:]}
    assert partners(many[-1]) == {}
    assert c.views.get(co_purchases.CoPurchasesProjection.name, co_purchases.ORDERS, "x") is None

    picked = recommendation_queries.for_product(c.views, UUID(ids["a"]), 4)
    assert picked[:2] == [ids["b"], ids["c"]]  # bought together, most first
    assert sorted(picked[2:]) == sorted([ids["d"], ids["e"]])  # then the category's
    c.shop.catalogue.set_on_sale(UUID(ids["b"]), False)
    running.settle()
    assert ids["b"] not in recommendation_queries.for_product(c.views, UUID(ids["a"]), 20)

    before = c.views.dump("co_purchases")
    result = c.runner.rebuild("co_purchases")
    assert result.complete and result.switched == ["co_purchases"]
    assert c.views.dump("co_purchases") == before
