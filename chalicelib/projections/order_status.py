"""Order status read model: one document per order, grouped by member, and
copies of it grouped by status, by campaign and all together, for the
operators' search. Every copy is ranked by `order_rank` (placement time, then
order id), unique per order, so a page boundary is a position in one total
order (projections/order_search.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.order import Order
from .base import Doc, Handler, ViewWriter, plain, rank_time

VIEW = "orders"
BY_STATUS = "orders_by_status"
BY_CAMPAIGN = "orders_by_campaign"
ALL = "orders_by_time"
ALL_GROUP = "all"


def member_group(member_id: str) -> str:
    return f"member:{member_id}"


def _placed(e: Order.Placed, views: ViewWriter) -> None:
    lines = [dict(plain(line), total_fen=line.total_fen, refunded_quantity=0) for line in e.lines]
    doc: Doc = {
        "id": str(e.originator_id),
        "member_id": str(e.member_id),
        "status": "pending_payment",
        "refund_status": "none",
        "lines": lines,
        "delivery": plain(e.delivery),
        "price": plain(e.price),
        "note": e.note,
        "campaign": plain(e.campaign),
        "placed_at": plain(e.placed_at),
        "pay_deadline": plain(e.pay_deadline),
        "paid_at": None,
        "transaction_id": None,
        "shipment": None,
        "received_at": None,
        "completed_at": None,
        "cancellation": None,
        "refund": None,
        "refunded_fen": 0,
        "partially_refunded": False,
        "history": [{"event": "placed", "at": plain(e.placed_at)}],
    }
    _save(views, doc)


def order_rank(doc: Doc) -> str:
    """Placement time (fixed-width UTC), then the order id: sorts as text, unique."""
    return f"{rank_time(datetime.fromisoformat(doc['placed_at']))}#{doc['id']}"


def _save(views: ViewWriter, doc: Doc) -> None:
    rank, key = order_rank(doc), doc["id"]
    views.put(VIEW, key, doc, group=member_group(doc["member_id"]), rank=rank)
    views.put(BY_STATUS, key, doc, group=doc["status"], rank=rank)
    views.put(ALL, key, doc, group=ALL_GROUP, rank=rank)
    if doc["campaign"]:
        views.put(BY_CAMPAIGN, key, doc, group=doc["campaign"]["campaign_id"], rank=rank)


def _update(views: ViewWriter, e: Any, name: str, at: Any, **changes: Any) -> Doc:
    doc = views.get(VIEW, str(e.originator_id))
    if doc is None:
        return {}
    doc.update(changes)
    doc["history"].append({"event": name, "at": plain(at)})
    _save(views, doc)
    return doc


def _paid(e: Order.Paid, views: ViewWriter) -> None:
    _update(
        views,
        e,
        "paid",
        e.at,
        status="paid",
        paid_at=plain(e.at),
        transaction_id=e.transaction_id,
    )


def _paid_after_close(e: Order.PaidAfterClose, views: ViewWriter) -> None:
    _update(
        views, e, "paid_after_close", e.at, paid_at=plain(e.at), transaction_id=e.transaction_id
    )


def _cancelled(e: Order.Cancelled, views: ViewWriter) -> None:
    cancellation = {"reason": e.reason, "at": plain(e.at)}
    _update(views, e, "cancelled", e.at, status="cancelled", cancellation=cancellation)


def _shipped(e: Order.Shipped, views: ViewWriter) -> None:
    shipment = {"carrier": e.carrier, "tracking_no": e.tracking_no, "shipped_at": plain(e.at)}
    _update(views, e, "shipped", e.at, status="shipped", shipment=shipment)


def _ready(e: Order.ReadyForPickup, views: ViewWriter) -> None:
    _update(views, e, "ready_for_pickup", e.at, status="ready_for_pickup")


def _received(e: Order.Received, views: ViewWriter) -> None:
    _update(views, e, "received", e.at, status="received", received_at=plain(e.at))


def _picked_up(e: Order.PickedUp, views: ViewWriter) -> None:
    _update(views, e, "picked_up", e.at, status="picked_up", received_at=plain(e.at))


def _completed(e: Order.Completed, views: ViewWriter) -> None:
    _update(views, e, "completed", e.at, status="completed", completed_at=plain(e.at))


def _refund(views: ViewWriter, e: Any, name: str, status: str, **fields: Any) -> None:
    doc = views.get(VIEW, str(e.originator_id))
    refund = dict((doc or {}).get("refund") or {})
    refund.update(fields)
    changes: dict[str, Any] = {"refund_status": status, "refund": refund}
    if status == "refunded" and doc and doc["status"] != "cancelled":
        changes["status"] = "refunded"
    _update(views, e, name, e.at, **changes)


def _refund_requested(e: Order.RefundRequested, views: ViewWriter) -> None:
    _refund(views, e, "refund_requested", "requested", reason=e.reason, requested_at=plain(e.at))


def _refund_approved(e: Order.RefundApproved, views: ViewWriter) -> None:
    _refund(
        views,
        e,
        "refund_approved",
        "approved",
        out_refund_no=e.out_refund_no,
        amount_fen=e.amount_fen,
        approved_at=plain(e.at),
        approval_reason=e.reason,
    )


def _refund_rejected(e: Order.RefundRejected, views: ViewWriter) -> None:
    _refund(views, e, "refund_rejected", "rejected", rejection_reason=e.reason)


def _refunded(e: Order.Refunded, views: ViewWriter) -> None:
    _refund(views, e, "refunded", "refunded", refund_id=e.refund_id, refunded_at=plain(e.at))


def _refund_failed(e: Order.RefundFailed, views: ViewWriter) -> None:
    _refund(views, e, "refund_failed", "failed", failure=e.outcome)


def _after_sale_refunded(e: Order.AfterSaleRefunded, views: ViewWriter) -> None:
    """Part of the order refunded: `refunded_fen` grows, each line's
    `refunded_quantity` too; the order is `refunded` once every unit is."""
    doc = views.get(VIEW, str(e.originator_id))
    if doc is None:
        return
    lines = [
        dict(line, refunded_quantity=line.get("refunded_quantity", 0) + e.units.get(sku, 0))
        for line in doc["lines"]
        for sku in [line["sku_id"]]
    ]
    changes: dict[str, Any] = {
        "lines": lines,
        "refunded_fen": doc.get("refunded_fen", 0) + e.amount_fen,
        "partially_refunded": not e.whole,
    }
    if e.whole:
        changes.update(status="refunded", refund_status="refunded")
    _update(views, e, "after_sale_refunded", e.at, **changes)


HANDLERS: dict[type, Handler] = {
    Order.AfterSaleRefunded: _after_sale_refunded,
    Order.Placed: _placed,
    Order.Paid: _paid,
    Order.PaidAfterClose: _paid_after_close,
    Order.Cancelled: _cancelled,
    Order.Shipped: _shipped,
    Order.ReadyForPickup: _ready,
    Order.Received: _received,
    Order.PickedUp: _picked_up,
    Order.Completed: _completed,
    Order.RefundRequested: _refund_requested,
    Order.RefundApproved: _refund_approved,
    Order.RefundRejected: _refund_rejected,
    Order.Refunded: _refunded,
    Order.RefundFailed: _refund_failed,
}


class OrderStatusProjection:
    name = "order_status"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
