"""A whole-order refund refused for the units after-sales requests claim says
what those units are: requested, refunded, or both."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.refund_ledger import RefundLedger
from chalicelib.domain.values import OrderLine, PriceBreakdown

from .given import NOW, given

AT = NOW + timedelta(days=1)
LINES = [OrderLine(product_id="a", sku_id="A", title="a", unit_price_fen=100, quantity=3)]
PRICE = PriceBreakdown(items_fen=300, discount_fen=0, shipping_fen=0, payable_fen=300)


def claim_one(ledger: RefundLedger) -> UUID:
    request = uuid4()
    ledger.claim(request, {"A": 1}, *ledger.price({"A": 1}, LINES, PRICE), AT)
    return request


def refusal(ledger: RefundLedger) -> str:
    with pytest.raises(InvalidTransition) as refused:
        ledger.hold_for_whole_refund(AT)
    return refused.value.message


def test_units_only_requested_are_said_to_be_requested() -> None:
    ledger = RefundLedger(order_id=uuid4())
    given(ledger)
    claim_one(ledger)

    assert refusal(ledger) == "some units are requested by after-sales requests"


def test_units_refunded_are_said_to_be_refunded() -> None:
    ledger = RefundLedger(order_id=uuid4())
    given(ledger)
    ledger.settle(claim_one(ledger), 100, AT)

    assert refusal(ledger) == "some units are refunded by after-sales requests already"

    claim_one(ledger)
    assert refusal(ledger) == (
        "some units are refunded by after-sales requests already and more are requested"
    )
