"""Partial after-sales over HTTP: the member asks units of an order back and
sends a return's tracking number; operators (X-Admin-Token) approve, reject,
confirm a return's goods received, and page through the requests."""

from __future__ import annotations

from uuid import UUID

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .idempotency import idempotent
from .inputs import body, choice_param, current_member, path_id, query_param, require_admin
from .responses import handles_errors, json_response

bp = Blueprint(__name__)
WHAT = "after-sales request"


def as_written(after_sale_id: UUID, status: int = 200) -> Response:
    """The request as its events now make it (read-your-writes: fresh.py)."""
    from ..projections import after_sales
    from ..projections.fresh import MemoryViews

    projection, views = after_sales.AfterSalesProjection(), MemoryViews()
    for event in container().events_of(after_sale_id):
        projection.apply(event, views)
    return json_response(views.get(after_sales.VIEW, str(after_sale_id)), status)


@bp.route("/orders/{order_id}/after-sales", methods=["POST"])
@handles_errors
@idempotent(bp)
def request_after_sale(order_id: str) -> Response:
    from ..domain.after_sale import AfterSaleKind
    from .after_sale_schemas import AfterSaleIn

    member = current_member(bp)
    oid = path_id(order_id)
    given = body(bp, AfterSaleIn)
    after_sale_id = container().shop.after_sales.request(
        oid,
        member_id=member,
        kind=AfterSaleKind(given.kind),
        reason=given.reason,
        lines=[(line.sku_id, line.quantity) for line in given.lines],
    )
    return as_written(after_sale_id, status=201)


@bp.route("/after-sales/{after_sale_id}", methods=["GET"])
@handles_errors
def show_after_sale(after_sale_id: str) -> Response:
    member = current_member(bp)
    aid = path_id(after_sale_id, WHAT)
    container().shop.after_sales.after_sale(aid, member)
    return as_written(aid)


@bp.route("/after-sales/{after_sale_id}/return", methods=["POST"])
@handles_errors
def send_back(after_sale_id: str) -> Response:
    from .after_sale_schemas import ReturnIn

    member = current_member(bp)
    aid = path_id(after_sale_id, WHAT)
    parcel = body(bp, ReturnIn)
    container().shop.after_sales.submit_return(
        aid, member_id=member, carrier=parcel.carrier, tracking_no=parcel.tracking_no
    )
    return as_written(aid)


@bp.route("/admin/after-sales/{after_sale_id}/approve", methods=["POST"])
@handles_errors
def approve(after_sale_id: str) -> Response:
    require_admin(bp)
    aid = path_id(after_sale_id, WHAT)
    container().shop.after_sales.approve(aid)
    return as_written(aid)


@bp.route("/admin/after-sales/{after_sale_id}/reject", methods=["POST"])
@handles_errors
def reject(after_sale_id: str) -> Response:
    from .schemas import ReasonIn

    require_admin(bp)
    aid = path_id(after_sale_id, WHAT)
    reason = body(bp, ReasonIn).reason
    container().shop.after_sales.reject(aid, reason=reason)
    return as_written(aid)


@bp.route("/admin/after-sales/{after_sale_id}/received", methods=["POST"])
@handles_errors
def received(after_sale_id: str) -> Response:
    require_admin(bp)
    aid = path_id(after_sale_id, WHAT)
    container().shop.after_sales.confirm_received(aid)
    return as_written(aid)


@bp.route("/admin/after-sales", methods=["GET"])
@handles_errors
def list_after_sales() -> Response:
    from ..domain.after_sale import AfterSaleStatus
    from ..projections import after_sales_queries
    from .cursors import decode_cursor, encode_cursor, parse_limit

    require_admin(bp)
    status = choice_param(bp, "status", [s.value for s in AfterSaleStatus])
    limit = parse_limit(query_param(bp, "limit"))
    after = decode_cursor(query_param(bp, "cursor"))
    page = after_sales_queries.page(container().views, status, after, limit)
    cursor = None if page.next_after is None else encode_cursor(page.next_after)
    return json_response({"items": page.items, "next_cursor": cursor})
