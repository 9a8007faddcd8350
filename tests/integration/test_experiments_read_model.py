"""The experiments read model, built by the runner from a real shop's events
on both runtimes: an order placed before the exposure or paid after the
window does not count, a conversion counts once per member, a refund moves the
member's revenue back, closing an account drops the member's document and
keeps the counts, and a rebuild gives the same documents."""

from __future__ import annotations

from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.values import Audience, Delivery, ExperimentVariant
from chalicelib.projections import experiments_queries as q
from chalicelib.projections.experiments import MEMBERS
from tests.support.runtimes import Running

from .conftest import list_tea

PICKUP = Delivery(method="pickup", store_id="s1")


def place(c: Container, member_id: UUID) -> UUID:
    return c.shop.orders.place_order(member_id=member_id, items=[("TEA", 1)], delivery=PICKUP)


def pay(c: Container, order_id: UUID, n: int) -> int:
    payable = c.shop.orders.order(order_id).price.payable_fen
    c.shop.payments.record_payment(
        out_trade_no=order_id.hex, transaction_id=f"t{n}", amount_fen=payable, paid_at=c.clock.now()
    )
    return payable


def define(c: Container) -> None:
    c.shop.experiments.define_experiment(
        key="solo",
        hypothesis="one arm takes everyone",
        variants=[
            ExperimentVariant("a", 1, True, "{}"),
            ExperimentVariant("b", 1, False, "{}"),
        ],
        audience=Audience("everyone", 100),
        primary_metric="revenue_per_member",
        conversion_window_days=3,
        guardrails=["conversion"],
        minimum_detectable_effect=0.05,
    )
    c.shop.experiments.start_experiment("solo")


def test_window_conversion_once_refunds_and_closing(running: Running, clock: FixedClock) -> None:
    c = running.container
    list_tea(c, 20)
    define(c)
    member, _ = c.shop.logins.log_in(openid="o-1", unionid=None, scene=1001, query={})
    early = place(c, member)  # placed before the exposure: never counts
    clock.advance(minutes=1)
    (answer,), _ = c.shop.experiments.variants_for(member, ["solo"], source=lambda: None)
    arm = answer.variant.key
    clock.advance(minutes=1)
    pay(c, early, 1)
    first, second, late = place(c, member), place(c, member), place(c, member)
    paid = pay(c, first, 2) + pay(c, second, 3)
    c.shop.orders.request_refund(second, member_id=member, reason="no longer needed")
    c.shop.orders.approve_refund(second)
    clock.advance(days=3, minutes=1)
    pay(c, late, 4)  # after the window
    running.settle()

    counts = q.arms(c.views, "solo")[arm]
    price = paid // 2
    assert (counts["exposures"], counts["conversions"]) == (1, 1)
    assert (counts["orders_paid"], counts["paid_fen"]) == (2, paid)
    assert counts["paid_fen_squares"] == 2 * price**2
    # the refund completes through the outbox on its own; until then it is approved only
    refunded = counts["orders_refunded"]
    assert counts["revenue_fen"] == paid - refunded * price
    assert counts["revenue_fen_squares"] == (paid - refunded * price) ** 2

    incremental = c.views.dump("experiments")
    c.shop.members.close_account(member)
    running.settle()
    assert q.arms(c.views, "solo")[arm] == counts  # the counts stay
    dump = c.views.dump("experiments")
    assert not any(key.startswith(f"{MEMBERS}/") for key in dump)  # the identity goes
    assert not any(str(member) in str(doc) for doc in dump.values())
    assert incremental != dump
    c.runner.rebuild(["experiments"])
    assert c.views.dump("experiments") == dump
