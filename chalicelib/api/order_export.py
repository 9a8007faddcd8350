"""An order search as CSV (`GET /admin/orders?format=csv`): every matching
order, newest first, UTF-8 with a BOM (so Excel opens Chinese), text cells
guarded against formulas. A Lambda answer holds at most 6 MB, so the export
stops at MAX_ROWS rows or MAX_BYTES bytes with a 413 asking for a narrower
search."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalice.app import Response

from ..domain.calendar import BEIJING
from ..projections.base import Doc, ViewReader
from ..projections.campaigns import CAMPAIGNS, CampaignsProjection
from .csv_cells import cell
from .responses import ApiError

COLUMNS = (
    "order_id",
    "placed_at",
    "status",
    "member_id",
    "items",
    "total_fen",
    "paid_fen",
    "refunded_fen",
    "campaign",
    "coupon",
)
MAX_ROWS = 20_000
MAX_BYTES = 5_000_000


class _Counted:
    """What the CSV writer writes, and how many UTF-8 bytes that is."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text.encode())


def csv_export(views: ViewReader, orders: Iterable[Doc]) -> Response:
    out = _Counted()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    codes: dict[str, str] = {}
    for count, doc in enumerate(orders, start=1):
        if count > MAX_ROWS or out.size > MAX_BYTES:
            raise ApiError(
                413,
                "too_large",
                f"the export is over {MAX_ROWS} orders or {MAX_BYTES} bytes: "
                "narrow the search (from/to, status, campaign)",
                max_rows=MAX_ROWS,
                max_bytes=MAX_BYTES,
            )
        row = order_row(doc, _campaign_code(views, doc, codes))
        writer.writerow([cell(row[column]) for column in COLUMNS])
    return Response(
        body="\ufeff" + "".join(out.parts),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="orders.csv"',
        },
    )


def order_row(doc: Doc, campaign_code: str | None) -> dict[str, Any]:
    price = doc["price"]
    placed = datetime.fromisoformat(doc["placed_at"]).astimezone(BEIJING)
    return {
        "order_id": doc["id"],
        "placed_at": placed.strftime("%Y-%m-%d %H:%M:%S"),
        "status": doc["status"],
        "member_id": doc["member_id"],
        "items": "; ".join(f"{line['title']} ×{line['quantity']}" for line in doc["lines"]),
        "total_fen": price["payable_fen"],
        "paid_fen": price["payable_fen"] if doc.get("paid_at") else 0,
        "refunded_fen": refunded_fen(doc),
        "campaign": campaign_code,
        "coupon": price.get("coupon_id"),
    }


def refunded_fen(doc: Doc) -> int:
    """The money refunded for the order in total: its confirmed after-sales
    refunds and, once WeChat Pay confirmed it, a whole-order refund."""
    refund = doc.get("refund") or {}
    whole = refund.get("amount_fen", 0) if "refunded_at" in refund else 0
    return int(doc.get("refunded_fen", 0)) + whole


def _campaign_code(views: ViewReader, doc: Doc, known: dict[str, str]) -> str | None:
    """The code of the campaign the order was placed under (its id if the
    campaign view has not got it), read once per campaign."""
    campaign_id = (doc.get("campaign") or {}).get("campaign_id")
    if campaign_id is None:
        return None
    if campaign_id not in known:
        found = views.get(CampaignsProjection.name, CAMPAIGNS, campaign_id)
        known[campaign_id] = found["code"] if found else campaign_id
    return known[campaign_id]
