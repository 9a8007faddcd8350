"""The refund ledger as the one record a whole-order refund and the
after-sales requests of an order both go through: a whole-order refund holds
it (refused once units are claimed), no unit is claimed while it holds, and a
rejected whole-order refund releases it."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.refund_ledger import RefundLedger
from chalicelib.domain.values import OrderLine, PriceBreakdown

from .given import NOW, given, then, types

AT = NOW + timedelta(days=1)
LINES = [OrderLine(product_id="a", sku_id="A", title="a", unit_price_fen=100, quantity=2)]
PRICE = PriceBreakdown(items_fen=200, discount_fen=0, shipping_fen=0, payable_fen=200)


def new_ledger() -> RefundLedger:
    ledger = RefundLedger(order_id=uuid4())
    given(ledger)
    return ledger


def claim_one(ledger: RefundLedger) -> None:
    ledger.claim(uuid4(), {"A": 1}, *ledger.price({"A": 1}, LINES, PRICE), AT)


def test_a_whole_refund_holds_the_ledger_and_no_unit_can_be_claimed() -> None:
    ledger = new_ledger()

    ledger.hold_for_whole_refund(AT)

    assert types(then(ledger)) == [RefundLedger.WholeRefundHeld]
    with pytest.raises(InvalidTransition, match="whole-order refund"):
        claim_one(ledger)
    assert then(ledger) == [] and not ledger.has_claims


def test_a_whole_refund_is_refused_once_a_unit_is_claimed() -> None:
    ledger = new_ledger()
    claim_one(ledger)
    ledger.collect_events()

    with pytest.raises(InvalidTransition, match="after-sales"):
        ledger.hold_for_whole_refund(AT)

    assert then(ledger) == [] and not ledger.whole_refund


def test_a_released_claim_lets_a_whole_refund_hold() -> None:
    ledger = new_ledger()
    request = uuid4()
    ledger.claim(request, {"A": 2}, *ledger.price({"A": 2}, LINES, PRICE), AT)
    ledger.release(request, AT)
    ledger.collect_events()

    ledger.hold_for_whole_refund(AT)

    assert types(then(ledger)) == [RefundLedger.WholeRefundHeld]


def test_holding_again_records_nothing() -> None:
    ledger = new_ledger()
    ledger.hold_for_whole_refund(AT)
    ledger.collect_events()

    ledger.hold_for_whole_refund(AT)

    assert then(ledger) == [] and ledger.whole_refund


def test_a_rejected_whole_refund_releases_the_hold_and_units_can_be_claimed() -> None:
    ledger = new_ledger()
    ledger.hold_for_whole_refund(AT)
    ledger.collect_events()

    assert ledger.release_whole_refund(AT) is True
    assert types(then(ledger)) == [RefundLedger.WholeRefundReleased]
    claim_one(ledger)
    assert ledger.units == {"A": 1}


def test_releasing_what_never_held_records_nothing() -> None:
    """A whole refund asked for before the ledger held any (an old order)."""
    ledger = new_ledger()

    assert ledger.release_whole_refund(AT) is False

    assert then(ledger) == []
