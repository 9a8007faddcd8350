"""The shop operators' API (X-Admin-Token): catalogue, fulfilment, refunds, jobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import body, choice_param, path_id, require_admin
from .responses import handles_errors, json_response

if TYPE_CHECKING:
    from ..application.orders import OrderUseCases

bp = Blueprint(__name__)
ORDER_FORMATS = ("json", "csv")
PRODUCT_BODY_LIMIT = 256 * 1024
"""Up to 99 SKUs with Chinese names, escaped as \\uXXXX by some clients."""


@bp.route("/admin/products", methods=["POST"])
@handles_errors
def list_product() -> Response:
    from ..domain.values import SkuSpec
    from ..projections import fresh
    from .schemas import ProductIn

    require_admin(bp)
    p = body(bp, ProductIn, limit=PRODUCT_BODY_LIMIT)
    c = container()
    product_id = c.shop.catalogue.list_product(
        slug=p.slug,
        title=p.title,
        category=p.category,
        description=p.description,
        image_url=p.image_url,
        skus=[(SkuSpec(s.sku_id, s.name, s.price_fen), s.stock) for s in p.skus],
    )
    return json_response(fresh.product(c.events_of, product_id), status=201)


@bp.route("/admin/skus/{sku_id}/restock", methods=["POST"])
@handles_errors
def restock(sku_id: str) -> Response:
    from .schemas import RestockIn

    require_admin(bp)
    available = container().shop.catalogue.restock(sku_id, body(bp, RestockIn).quantity)
    return json_response({"sku_id": sku_id, "available": available})


@bp.route("/admin/orders", methods=["GET"])
@handles_errors
def orders() -> Response:
    """The operators' order search, a page at a time or (`format=csv`) whole."""
    from ..projections import order_search
    from .order_export import csv_export
    from .order_filters import admin_search
    from .order_pages import order_page

    require_admin(bp)
    csv_wanted = choice_param(bp, "format", ORDER_FORMATS) == "csv"
    search = admin_search(bp.current_request.query_params)
    if not csv_wanted:
        return order_page(bp, search)
    views = container().views
    return csv_export(views, order_search.every(views, search))


@bp.route("/admin/orders/{order_id}", methods=["GET"])
@handles_errors
def order(order_id: str) -> Response:
    from ..projections import queries
    from .personal import reveal_order

    require_admin(bp)
    return json_response(reveal_order(queries.order(container().views, path_id(order_id))))


def _order_command(order_id: str, command: Callable[[OrderUseCases, UUID], object]) -> Response:
    """Runs an operator's order command, then answers the order as it now stands."""
    from ..projections import fresh
    from .personal import reveal_order

    require_admin(bp)
    c = container()
    oid = path_id(order_id)
    command(c.shop.orders, oid)
    return json_response(reveal_order(fresh.order(c.events_of, oid)))


@bp.route("/admin/orders/{order_id}/ship", methods=["POST"])
@handles_errors
def ship(order_id: str) -> Response:
    from .schemas import ShipIn

    require_admin(bp)  # before reading the body: strangers get 401, not a 400
    s = body(bp, ShipIn)
    return _order_command(
        order_id,
        lambda orders, oid: orders.ship_order(oid, carrier=s.carrier, tracking_no=s.tracking_no),
    )


@bp.route("/admin/orders/{order_id}/ready-for-pickup", methods=["POST"])
@handles_errors
def ready_for_pickup(order_id: str) -> Response:
    from ..application.orders import OrderUseCases

    return _order_command(order_id, OrderUseCases.mark_ready_for_pickup)


@bp.route("/admin/orders/{order_id}/picked-up", methods=["POST"])
@handles_errors
def picked_up(order_id: str) -> Response:
    from ..application.orders import OrderUseCases

    return _order_command(order_id, OrderUseCases.record_pickup)


@bp.route("/admin/orders/{order_id}/refund/approve", methods=["POST"])
@handles_errors
def approve_refund(order_id: str) -> Response:
    from ..application.orders import OrderUseCases

    return _order_command(order_id, OrderUseCases.approve_refund)


@bp.route("/admin/orders/{order_id}/refund", methods=["POST"])
@handles_errors
def refund_by_shop(order_id: str) -> Response:
    """The shop refunds on its own initiative, even a completed order."""
    from .schemas import ReasonIn

    require_admin(bp)
    reason = body(bp, ReasonIn).reason
    return _order_command(order_id, lambda orders, oid: orders.refund_by_shop(oid, reason=reason))


@bp.route("/admin/orders/{order_id}/refund/reject", methods=["POST"])
@handles_errors
def reject_refund(order_id: str) -> Response:
    from .schemas import ReasonIn

    require_admin(bp)
    reason = body(bp, ReasonIn).reason
    return _order_command(order_id, lambda orders, oid: orders.reject_refund(oid, reason=reason))


@bp.route("/admin/jobs/run", methods=["POST"])
@handles_errors
def run_jobs() -> Response:
    require_admin(bp)
    return json_response(container().scheduler.tick())


@bp.route("/admin/outbox", methods=["GET"])
@handles_errors
def outbox() -> Response:
    from ..adapters.outbox_dispatch import OUTBOX_STATUSES

    require_admin(bp)
    status = choice_param(bp, "status", OUTBOX_STATUSES)
    container().follow_on.before_read()  # the projections that enqueue side effects
    return json_response({"items": container().outbox.messages(status)})
