"""Order timers: which orders may be due for a time-driven job.

A timer is ranked by the moment its clock starts (the payment deadline, the
shipping time, the receipt time); the job adds the policy's delay when it asks
what is due. The aggregate re-checks before acting, so a stale timer is harmless.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from ..domain.order import Order
from ..domain.policy import OrderPolicy
from .base import ViewReader, ViewWriter, rank_time

VIEW = "timers"
UNPAID, AUTO_RECEIVE, COMPLETE = "unpaid", "auto_receive", "complete"


def _start(views: ViewWriter, kind: str, e: Any, starts: Any) -> None:
    order_id = str(e.originator_id)
    views.put(
        VIEW, f"{kind}:{order_id}", {"order_id": order_id}, group=kind, rank=rank_time(starts)
    )


def _stop(views: ViewWriter, kind: str, e: Any) -> None:
    views.delete(VIEW, f"{kind}:{e.originator_id}")


class OrderTimersProjection:
    name = "order_timers"

    @singledispatchmethod
    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""

    @apply.register
    def _placed(self, e: Order.Placed, views: ViewWriter) -> None:
        _start(views, UNPAID, e, e.pay_deadline)

    @apply.register
    def _paid(self, e: Order.Paid, views: ViewWriter) -> None:
        _stop(views, UNPAID, e)

    @apply.register
    def _cancelled(self, e: Order.Cancelled, views: ViewWriter) -> None:
        _stop(views, UNPAID, e)

    @apply.register
    def _shipped(self, e: Order.Shipped, views: ViewWriter) -> None:
        _start(views, AUTO_RECEIVE, e, e.at)

    @apply.register
    def _received(self, e: Order.Received, views: ViewWriter) -> None:
        _stop(views, AUTO_RECEIVE, e)
        _start(views, COMPLETE, e, e.at)

    @apply.register
    def _picked_up(self, e: Order.PickedUp, views: ViewWriter) -> None:
        _start(views, COMPLETE, e, e.at)

    @apply.register
    def _completed(self, e: Order.Completed, views: ViewWriter) -> None:
        _stop(views, COMPLETE, e)

    @apply.register
    def _refunded(self, e: Order.Refunded, views: ViewWriter) -> None:
        for kind in (AUTO_RECEIVE, COMPLETE):
            _stop(views, kind, e)


class DueOrderTimers:
    """Answers the jobs' question "which orders may be due now?" from the view."""

    def __init__(self, views: ViewReader, policy: OrderPolicy) -> None:
        self.views = views
        self.delays = {
            UNPAID: timedelta(0),
            AUTO_RECEIVE: policy.auto_receive_after,
            COMPLETE: policy.after_sales_window,
        }

    def due(self, kind: str, now: datetime, limit: int = 200) -> list[UUID]:
        upto = rank_time(now - self.delays[kind])
        docs = self.views.query(OrderTimersProjection.name, VIEW, kind, rank_upto=upto, limit=limit)
        return [UUID(doc["order_id"]) for doc in docs]
