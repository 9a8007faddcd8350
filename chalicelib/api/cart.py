"""The logged-in member's cart (购物车): lines with the catalogue as it is now
and their flags, the selected lines priced like a quote, and checkout from the
selected lines with the `quote_id` protocol. Every change answers the cart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .idempotency import idempotent
from .inputs import body, choice_param, current_member
from .responses import handles_errors, json_response

if TYPE_CHECKING:
    from ..application.cart_checkout import CartView, OfferChoice
    from ..application.cart_lines import ShownLine
    from .cart_schemas import CartOrderIn, CartQuoteIn

bp = Blueprint(__name__)


@bp.route("/cart", methods=["GET"])
@handles_errors
def show_cart() -> Response:
    member_id = current_member(bp)
    pickup = choice_param(bp, "delivery_method", ["express", "pickup"]) == "pickup"
    return _cart(member_id, pickup=pickup)


@bp.route("/cart/lines", methods=["POST"])
@handles_errors
def add_line() -> Response:
    from .cart_schemas import CartLineIn

    member_id = current_member(bp)
    request = body(bp, CartLineIn)
    container().shop.cart.add(member_id, request.sku_id, request.quantity)
    return _cart(member_id)


@bp.route("/cart/lines/{sku_id}", methods=["PATCH"])
@handles_errors
def change_line(sku_id: str) -> Response:
    from .cart_schemas import CartLinePatchIn

    member_id = current_member(bp)
    request = body(bp, CartLinePatchIn)
    container().shop.cart.change(
        member_id, sku_id, quantity=request.quantity, selected=request.selected
    )
    return _cart(member_id)


@bp.route("/cart/lines/{sku_id}", methods=["DELETE"])
@handles_errors
def remove_line(sku_id: str) -> Response:
    member_id = current_member(bp)
    container().shop.cart.remove(member_id, sku_id)
    return _cart(member_id)


@bp.route("/cart/select", methods=["POST"])
@handles_errors
def select_lines() -> Response:
    from .cart_schemas import CartSelectIn

    member_id = current_member(bp)
    request = body(bp, CartSelectIn)
    container().shop.cart.select(member_id, request.sku_ids, request.selected)
    return _cart(member_id)


@bp.route("/cart/acknowledge", methods=["POST"])
@handles_errors
def acknowledge_prices() -> Response:
    member_id = current_member(bp)
    container().shop.cart.acknowledge(member_id)
    return _cart(member_id)


@bp.route("/cart/quote", methods=["POST"])
@handles_errors
def quote_cart() -> Response:
    from .cart_schemas import CartQuoteIn
    from .offers import quote_doc

    member_id = current_member(bp)
    request = body(bp, CartQuoteIn)
    shop = container().shop
    checkout = shop.cart_checkout.quote(
        member_id,
        pickup=request.delivery_method == "pickup",
        choice=_choice(request),
    )
    return json_response(quote_doc(checkout, shop.checkout.offers(checkout)))


@bp.route("/cart/orders", methods=["POST"])
@handles_errors
@idempotent(bp)
def order_cart() -> Response:
    from ..domain.values import Address, Delivery
    from ..projections import fresh
    from .cart_schemas import CartOrderIn
    from .personal import reveal_order

    member_id = current_member(bp)
    request = body(bp, CartOrderIn)
    address = request.delivery.address
    c = container()
    order_id = c.shop.cart_checkout.place_order(
        member_id,
        delivery=Delivery(method=request.delivery.method, store_id=request.delivery.store_id),
        address=Address(**address.model_dump()) if address else None,
        note=request.note,
        choice=_choice(request),
        quote_id=request.quote_id,
    )
    return json_response(reveal_order(fresh.order(c.events_of, order_id)), status=201)


def _choice(request: CartQuoteIn | CartOrderIn) -> OfferChoice:
    """The coupon asked for; leaving `coupon_id` out picks the best, `null` asks for none."""
    from ..application.cart_checkout import OfferChoice

    return OfferChoice(
        coupon_id=request.coupon_id,
        pick_best="coupon_id" not in request.model_fields_set,
        points=request.points,
    )


def _cart(member_id: UUID, *, pickup: bool = False) -> Response:
    return json_response(_cart_doc(container().shop.cart_checkout.view(member_id, pickup=pickup)))


def _cart_doc(view: CartView) -> dict[str, Any]:
    from .offers import quote_doc

    summary = None
    if view.checkout is not None and view.offers is not None:
        summary = quote_doc(view.checkout, view.offers)
        del summary["quote_id"]
    return {
        "lines": [_line_doc(shown) for shown in view.lines],
        "selected_count": sum(1 for shown in view.lines if shown.line.selected),
        "summary": summary,
    }


def _line_doc(shown: ShownLine) -> dict[str, Any]:
    from ..projections.base import plain

    line = shown.line
    price = shown.unit_price_fen
    return {
        "sku_id": line.sku_id,
        "product_id": shown.product_id,
        "title": shown.title,
        "image_url": shown.image_url,
        "quantity": line.quantity,
        "selected": line.selected,
        "unit_price_fen": price,
        "seen_price_fen": line.seen_price_fen,
        "total_fen": None if price is None else price * line.quantity,
        "available": shown.available,
        "unavailable": shown.problem is not None,
        "unavailable_reason": shown.problem,
        "price_changed": shown.price_changed,
        "flags": shown.flags,
        "added_at": plain(line.added_at),
    }
