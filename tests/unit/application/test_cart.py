"""The cart use cases on an in-memory store: a busy cart loads from a snapshot
with the same lines, and the lines of an order leave the cart with it."""

from __future__ import annotations

from uuid import UUID

from chalicelib.application import Shop
from chalicelib.application.cart_checkout import OfferChoice
from chalicelib.domain.cart import Cart, cart_id_for
from chalicelib.domain.values import Delivery

PICKUP = Delivery(method="pickup", store_id="s1")


def test_a_busy_cart_loads_from_a_snapshot_with_the_same_lines(shop: Shop, member_id: UUID) -> None:
    shop.cart.add(member_id, "tea-500", 1)
    for n in range(60):
        shop.cart.add(member_id, "tea-250", 1)
        shop.cart.change(member_id, "tea-250", quantity=1, selected=n % 2 == 0)
    snapshots = shop.store.snapshots
    assert snapshots is not None
    (*_, latest) = snapshots.get(cart_id_for(member_id))
    from_snapshot = latest.mutate(None)
    replayed: Cart | None = None
    for stored in shop.store.events.get(cart_id_for(member_id)):
        replayed = stored.mutate(replayed)
    assert isinstance(from_snapshot, Cart) and replayed is not None
    loaded = shop.cart.cart_of(member_id)
    assert from_snapshot.version < replayed.version == loaded.version
    assert from_snapshot.lines["tea-500"] == replayed.lines["tea-500"] == loaded.lines["tea-500"]
    assert loaded.lines == replayed.lines


def test_an_order_from_the_cart_takes_its_lines_in_the_same_write(
    shop: Shop, member_id: UUID
) -> None:
    shop.cart.add(member_id, "tea-250", 2)
    shop.cart.add(member_id, "tea-500", 1)
    shop.cart.select(member_id, ["tea-500"], False)
    quote = shop.cart_checkout.quote(member_id, pickup=True, choice=OfferChoice())
    order_id = shop.cart_checkout.place_order(
        member_id,
        delivery=PICKUP,
        address=None,
        note="",
        choice=OfferChoice(),
        quote_id=quote.quote_id,
    )
    cart = shop.cart.cart_of(member_id)
    assert list(cart.lines) == ["tea-500"]
    ordered = [e for e in shop.store.events.get(cart.id) if isinstance(e, Cart.LinesOrdered)]
    assert [(e.order_id, e.sku_ids) for e in ordered] == [(str(order_id), ["tea-250"])]
