"""Which order moments deserve a message: paid (with the prompt to follow the
official account), shipped, and the last day to ask for after-sales service,
which a refund request or the order's completion makes moot.

The projection keeps each open order's member, number, title and amount in
its own `orders` view, so every message names them without reading anything
else; a finished order leaves it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ..domain.notify_triggers import page_of
from ..domain.order import Order
from .notification_intents import Intent, Intents, beijing_time, intent_id, yuan

ORDERS = "orders"
AFTER_SALES = "after_sales_reminder"
DAY = timedelta(days=1)


def order_title(e: Order.Placed) -> str:
    first = e.lines[0].title
    return first if len(e.lines) == 1 else f"{first}等{len(e.lines)}件商品"


def _order(intents: Intents, e: Any) -> dict[str, Any] | None:
    return intents.views.get(ORDERS, str(e.originator_id))


def _placed(e: Order.Placed, intents: Intents) -> None:
    doc = {
        "member_id": str(e.member_id),
        "order_no": e.originator_id.hex,
        "title": order_title(e),
        "amount": yuan(e.price.payable_fen),
    }
    intents.views.put(ORDERS, str(e.originator_id), doc)


def _paid(e: Order.Paid, intents: Intents) -> None:
    order = _order(intents, e)
    if order is None:
        return
    order_id = str(e.originator_id)
    fields = {
        "order_no": order["order_no"],
        "amount": yuan(e.amount_fen),
        "title": order["title"],
        "time": beijing_time(e.at),
    }
    member_id = order["member_id"]
    page = page_of("order_paid", order_id=order_id)
    intents.queue(Intent("order_paid", (order_id,), member_id, page, fields))
    prompt = {"title": order["title"], "order_no": order["order_no"]}
    page = page_of("follow_prompt")
    intents.queue(Intent("follow_prompt", (order_id,), member_id, page, prompt))


def _shipped(e: Order.Shipped, intents: Intents) -> None:
    order = _order(intents, e)
    if order is None:
        return
    order_id = str(e.originator_id)
    fields = {
        "order_no": order["order_no"],
        "title": order["title"],
        "carrier": e.carrier,
        "tracking_no": e.tracking_no,
        "time": beijing_time(e.at),
    }
    page = page_of("order_shipped", order_id=order_id)
    intents.queue(Intent("order_shipped", (order_id,), order["member_id"], page, fields))


def _in_hand(e: Order.Received | Order.PickedUp, intents: Intents) -> None:
    """The after-sales window opens: remind on its last day (none for a window
    shorter than a day), and not after it closed."""
    order = _order(intents, e)
    window = intents.after_sales_window
    if order is None or window < DAY:
        return
    order_id = str(e.originator_id)
    closes = e.at + window
    fields = {"order_no": order["order_no"], "title": order["title"], "time": beijing_time(closes)}
    intent = Intent(
        AFTER_SALES,
        (order_id,),
        order["member_id"],
        page_of(AFTER_SALES, order_id=order_id),
        fields,
        due_at=closes - DAY,
        expires_at=closes,
    )
    intents.queue(intent)


def _after_sales_moot(e: Order.RefundRequested | Order.Completed, intents: Intents) -> None:
    intents.cancel(intent_id(AFTER_SALES, e.originator_id))
    if isinstance(e, Order.Completed):
        _finished(e, intents)


def _finished(e: Any, intents: Intents) -> None:
    intents.views.delete(ORDERS, str(e.originator_id))


HANDLERS: dict[type, Callable[[Any, Intents], None]] = {
    Order.Placed: _placed,
    Order.Paid: _paid,
    Order.Shipped: _shipped,
    Order.Received: _in_hand,
    Order.PickedUp: _in_hand,
    Order.RefundRequested: _after_sales_moot,
    Order.Completed: _after_sales_moot,
    Order.Cancelled: _finished,
    Order.Refunded: _finished,
}
