"""The mini-program's API: login, catalogue, checkout, orders and payment."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .idempotency import idempotent
from .inputs import body, choice_param, current_member, path_id
from .responses import ApiError, handles_errors, json_response

if TYPE_CHECKING:
    from ..adapters.wechat import Session
    from ..application.orders import OrderUseCases

bp = Blueprint(__name__)


@bp.route("/auth/login", methods=["POST"])
@handles_errors
def log_in() -> Response:
    from .schemas import LoginIn

    request = body(bp, LoginIn)
    c = container()
    session = _code2session(request.code)
    login = c.shop.logins.log_in_with_invite(
        openid=session.openid,
        unionid=session.unionid,
        scene=request.scene,
        query=request.query,
        invite_code=request.invite_code or request.query.get("inviter") or None,
    )
    if request.install_id is not None:
        c.tracking.link_install(request.install_id, login.member_id)
    token, expires = c.tokens.issue(login.member_id, c.now())
    return json_response(
        {
            "token": token,
            "expires_at": expires,
            "member_id": str(login.member_id),
            "registered": login.registered,
            "invite": login.invite.as_dict() if login.invite else None,
        }
    )


def _code2session(code: str) -> Session:
    from ..adapters.wechat import WeChatError

    try:
        return container().clients.wechat.code2session(code)
    except WeChatError as error:
        if error.errcode in (40029, 40163):
            raise ApiError(
                400,
                "invalid_request",
                "code: invalid or already used wx.login code",
                errors=[{"field": "code", "message": "invalid or used"}],
            ) from None
        if error.errcode == 40226:
            raise ApiError(403, "forbidden", "WeChat flags this user as high-risk") from None
        if error.errcode == 45011:
            raise ApiError(429, "rate_limited", "too many logins; try again in a minute") from None
        raise


@bp.route("/products/{product_id}", methods=["GET"])
@handles_errors
def show_product(product_id: str) -> Response:
    from ..projections import catalogue_queries

    c = container()
    return json_response(
        catalogue_queries.product(c.views, c.now(), path_id(product_id, "product"))
    )


@bp.route("/checkout/quote", methods=["POST"])
@handles_errors
def quote() -> Response:
    """The full price breakdown the mini-program shows before the member pays,
    and the offers at checkout; leaving `coupon_id` out applies the member's
    best coupon, `"coupon_id": null` applies none."""
    from .offers import quote_doc
    from .schemas import QuoteIn

    member_id = current_member(bp)
    request = body(bp, QuoteIn)
    checkout = container().shop.checkout
    priced = checkout.check_out(
        member_id=member_id,
        items=[(line.sku_id, line.quantity) for line in request.lines],
        pickup=request.delivery_method == "pickup",
        coupon_id=request.coupon_id,
        points=request.points,
        pick_best="coupon_id" not in request.model_fields_set,
    )
    return json_response(quote_doc(priced, checkout.offers(priced)))


@bp.route("/orders", methods=["POST"])
@handles_errors
@idempotent(bp)
def place_order() -> Response:
    from ..domain.values import Address, Delivery
    from ..projections import fresh
    from .personal import reveal_order
    from .schemas import PlaceOrderIn

    member_id = current_member(bp)
    request = body(bp, PlaceOrderIn)
    address = request.delivery.address
    c = container()
    order_id = c.shop.orders.place_order(
        member_id=member_id,
        items=[(line.sku_id, line.quantity) for line in request.lines],
        delivery=Delivery(method=request.delivery.method, store_id=request.delivery.store_id),
        address=Address(**address.model_dump()) if address else None,
        note=request.note,
        coupon_id=request.coupon_id,
        points=request.points,
        quote_id=request.quote_id,
        pick_best=request.quote_id is not None and "coupon_id" not in request.model_fields_set,
    )
    return json_response(reveal_order(fresh.order(c.events_of, order_id)), status=201)


@bp.route("/orders", methods=["GET"])
@handles_errors
def my_orders() -> Response:
    from ..domain.order import OrderStatus
    from ..projections.order_search import OrderSearch
    from .order_pages import order_page

    member_id = current_member(bp)
    status = choice_param(bp, "status", list(OrderStatus))
    statuses = () if status is None else (status,)
    return order_page(bp, OrderSearch(statuses=statuses, member_id=str(member_id)))


@bp.route("/orders/{order_id}", methods=["GET"])
@handles_errors
def show_order(order_id: str) -> Response:
    from ..projections import queries
    from .personal import reveal_order

    member_id = current_member(bp)
    return json_response(
        reveal_order(queries.order(container().views, path_id(order_id), member_id))
    )


def _member_command(
    order_id: str, command: Callable[[OrderUseCases, UUID, UUID], object]
) -> Response:
    """Runs the member's command on their own order, then answers the order as it now stands."""
    from ..projections import fresh
    from .personal import reveal_order

    member_id = current_member(bp)
    c = container()
    oid = path_id(order_id)
    command(c.shop.orders, oid, member_id)
    return json_response(reveal_order(fresh.order(c.events_of, oid, member_id)))


@bp.route("/orders/{order_id}/cancel", methods=["POST"])
@handles_errors
def cancel_order(order_id: str) -> Response:
    return _member_command(
        order_id,
        lambda orders, oid, member: orders.cancel_order(
            oid, member_id=member, reason="cancelled by the member"
        ),
    )


@bp.route("/orders/{order_id}/receive", methods=["POST"])
@handles_errors
def confirm_receipt(order_id: str) -> Response:
    return _member_command(
        order_id, lambda orders, oid, member: orders.confirm_receipt(oid, member_id=member)
    )


@bp.route("/orders/{order_id}/refund", methods=["POST"])
@handles_errors
@idempotent(bp)
def request_refund(order_id: str) -> Response:
    from .schemas import ReasonIn

    reason = body(bp, ReasonIn).reason
    return _member_command(
        order_id,
        lambda orders, oid, member: orders.request_refund(oid, member_id=member, reason=reason),
    )


@bp.route("/orders/{order_id}/pay", methods=["POST"])
@handles_errors
def pay_order(order_id: str) -> Response:
    member_id = current_member(bp)
    params = container().shop.payments.start_payment(path_id(order_id), member_id=member_id)
    return json_response(params)
