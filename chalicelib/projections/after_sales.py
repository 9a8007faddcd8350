"""After-sales requests as operators page through them: one document per
request, copied into a group per status and a group of all, each ranked by
`after_sale_rank` (request time, `#`, request id), unique per request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.after_sale import AfterSale
from .base import Doc, Handler, ViewWriter, plain, rank_time

VIEW = "after_sales"
BY_STATUS = "after_sales_by_status"
ALL = "all"


def after_sale_rank(doc: Doc) -> str:
    return f"{rank_time(datetime.fromisoformat(doc['requested_at']))}#{doc['id']}"


def _save(views: ViewWriter, doc: Doc) -> None:
    rank = after_sale_rank(doc)
    views.put(VIEW, doc["id"], doc, group=ALL, rank=rank)
    views.put(BY_STATUS, doc["id"], doc, group=doc["status"], rank=rank)


def _requested(e: AfterSale.Requested, views: ViewWriter) -> None:
    goods = sum(e.worth.values())
    doc: Doc = {
        "id": str(e.originator_id),
        "order_id": str(e.order_id),
        "member_id": str(e.member_id),
        "kind": e.kind,
        "reason": e.reason,
        "status": "requested",
        "lines": [
            {"sku_id": sku, "quantity": q, "refund_fen": e.worth[sku]} for sku, q in e.units.items()
        ],
        "goods_fen": goods,
        "shipping_fen": e.shipping_fen,
        "amount_fen": goods + e.shipping_fen,
        "requested_at": plain(e.at),
        "return": None,
        "out_refund_no": None,
        "refund_id": None,
        "history": [{"event": "requested", "at": plain(e.at)}],
    }
    _save(views, doc)


def _update(views: ViewWriter, e: Any, name: str, **changes: Any) -> None:
    doc = views.get(VIEW, str(e.originator_id))
    if doc is None:
        return
    doc.update(changes)
    doc["history"].append({"event": name, "at": plain(e.at)})
    _save(views, doc)


def _approved(e: AfterSale.Approved, views: ViewWriter) -> None:
    _update(views, e, "approved", status="awaiting_return")


def _return_submitted(e: AfterSale.ReturnSubmitted, views: ViewWriter) -> None:
    parcel = {"carrier": e.carrier, "tracking_no": e.tracking_no, "sent_at": plain(e.at)}
    _update(views, e, "return_submitted", status="returning", **{"return": parcel})


def _received(e: AfterSale.GoodsReceived, views: ViewWriter) -> None:
    _update(views, e, "goods_received", status="refunding")


def _refund_approved(e: AfterSale.RefundApproved, views: ViewWriter) -> None:
    _update(views, e, "refund_approved", status="refunding", out_refund_no=e.out_refund_no)


def _rejected(e: AfterSale.Rejected, views: ViewWriter) -> None:
    _update(views, e, "rejected", status="rejected", rejection_reason=e.reason)


def _refunded(e: AfterSale.Refunded, views: ViewWriter) -> None:
    _update(views, e, "refunded", status="refunded", refund_id=e.refund_id)


def _refund_failed(e: AfterSale.RefundFailed, views: ViewWriter) -> None:
    _update(views, e, "refund_failed", status="failed", failure=e.outcome)


HANDLERS: dict[type, Handler] = {
    AfterSale.Requested: _requested,
    AfterSale.Approved: _approved,
    AfterSale.ReturnSubmitted: _return_submitted,
    AfterSale.GoodsReceived: _received,
    AfterSale.RefundApproved: _refund_approved,
    AfterSale.Rejected: _rejected,
    AfterSale.Refunded: _refunded,
    AfterSale.RefundFailed: _refund_failed,
}


class AfterSalesProjection:
    name = "after_sales"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
