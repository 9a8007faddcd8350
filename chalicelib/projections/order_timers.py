"""Order timers: which orders may be due for a time-driven job.

A timer is ranked by the moment its clock starts (the payment deadline, the
shipping time, the receipt time); the job adds the policy's delay when it asks
what is due. The aggregate re-checks before acting, so a stale timer is harmless.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from ..domain.order import Order
from ..domain.policy import OrderPolicy
from ..domain.timers import TimerKind
from .base import Handler, ViewReader, ViewWriter, rank_time

VIEW = "timers"


def _start(views: ViewWriter, kind: TimerKind, e: Any, starts: Any) -> None:
    order_id = str(e.originator_id)
    views.put(
        VIEW, f"{kind}:{order_id}", {"order_id": order_id}, group=kind, rank=rank_time(starts)
    )


def _stop(views: ViewWriter, kind: TimerKind, e: Any) -> None:
    views.delete(VIEW, f"{kind}:{e.originator_id}")


def _placed(e: Order.Placed, views: ViewWriter) -> None:
    _start(views, TimerKind.UNPAID, e, e.pay_deadline)


def _paid(e: Order.Paid, views: ViewWriter) -> None:
    _stop(views, TimerKind.UNPAID, e)


def _cancelled(e: Order.Cancelled, views: ViewWriter) -> None:
    _stop(views, TimerKind.UNPAID, e)


def _shipped(e: Order.Shipped, views: ViewWriter) -> None:
    _start(views, TimerKind.AUTO_RECEIVE, e, e.at)


def _received(e: Order.Received, views: ViewWriter) -> None:
    _stop(views, TimerKind.AUTO_RECEIVE, e)
    _start(views, TimerKind.COMPLETE, e, e.at)


def _picked_up(e: Order.PickedUp, views: ViewWriter) -> None:
    _start(views, TimerKind.COMPLETE, e, e.at)


def _completed(e: Order.Completed, views: ViewWriter) -> None:
    _stop(views, TimerKind.COMPLETE, e)


def _refunded(e: Order.Refunded | Order.AfterSaleRefunded, views: ViewWriter) -> None:
    for kind in (TimerKind.AUTO_RECEIVE, TimerKind.COMPLETE):
        _stop(views, kind, e)


def _after_sale_refunded(e: Order.AfterSaleRefunded, views: ViewWriter) -> None:
    if e.whole:
        _refunded(e, views)


HANDLERS: dict[type, Handler] = {
    Order.AfterSaleRefunded: _after_sale_refunded,
    Order.Placed: _placed,
    Order.Paid: _paid,
    Order.Cancelled: _cancelled,
    Order.Shipped: _shipped,
    Order.Received: _received,
    Order.PickedUp: _picked_up,
    Order.Completed: _completed,
    Order.Refunded: _refunded,
}


class OrderTimersProjection:
    name = "order_timers"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)


class DueOrderTimers:
    """Answers the jobs' question "which orders may be due now?" from the view."""

    def __init__(self, views: ViewReader, policy: OrderPolicy) -> None:
        self.views = views
        self.delays = {
            TimerKind.UNPAID: timedelta(0),
            TimerKind.AUTO_RECEIVE: policy.auto_receive_after,
            TimerKind.COMPLETE: policy.after_sales_window,
        }

    def due(self, kind: TimerKind, now: datetime, limit: int = 200) -> list[UUID]:
        upto = rank_time(now - self.delays[kind])
        docs = self.views.query(OrderTimersProjection.name, VIEW, kind, rank_upto=upto, limit=limit)
        return [UUID(doc["order_id"]) for doc in docs]
