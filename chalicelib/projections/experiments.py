"""Experiments read model: per experiment and arm, the exposed members and
what they did within the experiment's conversion window, as counts and sums
the statistics need (experiments_queries.py turns them into results).

Documents:
- `arms/<experiment>|<variant>` (group: the experiment, rank: the variant):
  exposures; conversions (members whose first paid order placed after their
  exposure was paid within the window); revenue_fen and revenue_fen_squares
  (the sum, and the sum of squares, of each exposed member's revenue: the
  orders counted, minus their refunds); orders_paid, paid_fen and
  paid_fen_squares (the orders counted, for the average order value);
  orders_refunded and refunded_fen (counted orders refunded, each once);
- `windows/<experiment>`: the conversion window, in days;
- `members/<member id>`: the member's arm, exposure time, window end,
  whether they converted and their revenue, per experiment; and the orders
  placed after an exposure;
- `orders/<order id>`: the member, when it was placed, and the arms it counts in.

Counting once: an exposure is one event per (experiment, member) (the event
store refuses a second, domain/exposure.py), a conversion flips a flag in the
member's document written in the same batch as the counter.

Closing an account deletes the member's document and the member's id from
their orders' documents: the counts stay, the identity goes. A refund after
that counts in orders_refunded and refunded_fen, but the revenue per member
(sum and squares) stays as it was at closing: nobody is left to subtract from.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..domain.experiment import Experiment
from ..domain.experiment_report import ARM_COUNTS
from ..domain.exposure import Exposure
from ..domain.member import Member
from ..domain.order import Order
from .base import Doc, Handler, ViewWriter, rank_time

ARMS = "arms"
WINDOWS = "windows"
MEMBERS = "members"
ORDERS = "orders"


def arm_key(experiment: str, variant: str) -> str:
    return f"{experiment}|{variant}"


def _count(views: ViewWriter, experiment: str, variant: str, **deltas: int) -> None:
    key = arm_key(experiment, variant)
    doc = views.get(ARMS, key) or {
        "experiment": experiment,
        "variant": variant,
        **dict.fromkeys(ARM_COUNTS, 0),
    }
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(ARMS, key, doc, group=experiment, rank=variant)


def _on_defined(e: Experiment.Defined, views: ViewWriter) -> None:
    views.put(WINDOWS, e.key, {"days": e.conversion_window_days})


def _on_exposed(e: Exposure.Recorded, views: ViewWriter) -> None:
    window = views.get(WINDOWS, e.experiment) or {"days": 0}
    member_id = str(e.member_id)
    member = views.get(MEMBERS, member_id) or {"exposures": {}, "orders": []}
    member["exposures"][e.experiment] = {
        "variant": e.variant,
        "at": rank_time(e.at),
        "until": rank_time(e.at + timedelta(days=window["days"])),
        "converted": False,
        "revenue_fen": 0,
    }
    views.put(MEMBERS, member_id, member)
    _count(views, e.experiment, e.variant, exposures=1)


def _on_placed(e: Order.Placed, views: ViewWriter) -> None:
    """Only an order placed after one of its member's exposures can count."""
    member_id = str(e.member_id)
    member = views.get(MEMBERS, member_id)
    if member is None:
        return
    placed_at = rank_time(e.placed_at)
    if not any(exposure["at"] <= placed_at for exposure in member["exposures"].values()):
        return
    order_id = str(e.originator_id)
    views.put(ORDERS, order_id, {"member_id": member_id, "placed_at": placed_at, "counted": {}})
    member["orders"].append(order_id)
    views.put(MEMBERS, member_id, member)


def _revenue(views: ViewWriter, key: str, exposure: Doc, variant: str, delta: int) -> None:
    """Moves one member's revenue in an arm by `delta`: the arm's sum and sum of squares."""
    before = exposure["revenue_fen"]
    after = before + delta
    exposure["revenue_fen"] = after
    _count(
        views, key, variant, revenue_fen=delta, revenue_fen_squares=after * after - before * before
    )


def _on_paid(e: Order.Paid, views: ViewWriter) -> None:
    order_id = str(e.originator_id)
    order = views.get(ORDERS, order_id)
    member = None if order is None else views.get(MEMBERS, order["member_id"] or "")
    if order is None or member is None:
        return
    paid_at = rank_time(e.at)
    amount = e.amount_fen
    for key, exposure in member["exposures"].items():
        if not exposure["at"] <= order["placed_at"] or paid_at > exposure["until"]:
            continue
        variant = exposure["variant"]
        order["counted"][key] = variant
        _count(views, key, variant, orders_paid=1, paid_fen=amount, paid_fen_squares=amount**2)
        _revenue(views, key, exposure, variant, amount)
        if not exposure["converted"]:
            exposure["converted"] = True
            _count(views, key, variant, conversions=1)
    views.put(ORDERS, order_id, order)
    views.put(MEMBERS, order["member_id"], member)


def _on_refunded(e: Order.Refunded | Order.AfterSaleRefunded, views: ViewWriter) -> None:
    order_id = str(e.originator_id)
    order = views.get(ORDERS, order_id)
    if order is None or not order["counted"]:
        return
    member = None if order["member_id"] is None else views.get(MEMBERS, order["member_id"])
    first = 0 if order.get("refunded") else 1
    for key, variant in order["counted"].items():
        _count(views, key, variant, orders_refunded=first, refunded_fen=e.amount_fen)
        exposure = None if member is None else member["exposures"].get(key)
        if exposure is not None:
            _revenue(views, key, exposure, variant, -e.amount_fen)
    order["refunded"] = True
    views.put(ORDERS, order_id, order)
    if member is not None:
        views.put(MEMBERS, order["member_id"], member)


def _on_closed(e: Member.Closed, views: ViewWriter) -> None:
    member_id = str(e.originator_id)
    member = views.get(MEMBERS, member_id)
    if member is None:
        return
    for order_id in member["orders"]:
        order = views.get(ORDERS, order_id)
        if order is not None:
            order["member_id"] = None
            views.put(ORDERS, order_id, order)
    views.delete(MEMBERS, member_id)


HANDLERS: dict[type, Handler] = {
    Experiment.Defined: _on_defined,
    Exposure.Recorded: _on_exposed,
    Order.Placed: _on_placed,
    Order.Paid: _on_paid,
    Order.Refunded: _on_refunded,
    Order.AfterSaleRefunded: _on_refunded,  # a partial refund (after_sales.py)
    Member.Closed: _on_closed,
}


class ExperimentsProjection:
    name = "experiments"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
