"""The cart aggregate without I/O: adding to a line, the caps, selection,
acknowledged prices, and the lines an order takes out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from chalicelib.domain.cart import (
    MAX_LINE_QUANTITY,
    MAX_LINES,
    Cart,
    CartFull,
    LineQuantityOverLimit,
    NotInCart,
    line_problem,
)

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def test_adding_the_same_sku_adds_to_its_line_and_keeps_the_first_price() -> None:
    cart = Cart(member_id=uuid4())
    cart.add("TEA", 2, 6800, NOW)
    cart.add("CUP", 1, 1200, NOW + timedelta(seconds=1))
    cart.add("TEA", 3, 5800, NOW + timedelta(seconds=2))
    assert [(ln.sku_id, ln.quantity, ln.seen_price_fen) for ln in cart.newest_first()] == [
        ("CUP", 1, 1200),
        ("TEA", 5, 6800),
    ]
    assert all(ln.selected for ln in cart.lines.values())


def test_a_line_and_a_cart_have_caps_and_nothing_is_truncated() -> None:
    cart = Cart(member_id=uuid4())
    cart.add("TEA", MAX_LINE_QUANTITY - 1, 100, NOW)
    with pytest.raises(LineQuantityOverLimit):
        cart.add("TEA", 2, 100, NOW)
    assert cart.lines["TEA"].quantity == MAX_LINE_QUANTITY - 1
    for i in range(MAX_LINES - 1):
        cart.add(f"S{i}", 1, 100, NOW)
    with pytest.raises(CartFull):
        cart.add("ONE-MORE", 1, 100, NOW)
    cart.add("TEA", 1, 100, NOW)  # an existing line still grows
    assert len(cart.lines) == MAX_LINES


def test_selection_acknowledgement_and_ordering() -> None:
    cart = Cart(member_id=uuid4())
    cart.add("TEA", 1, 6800, NOW)
    cart.add("CUP", 1, 1200, NOW)
    assert cart.select(None, False) and not cart.select(["TEA"], False)
    assert cart.select(["TEA"], True) and [ln.sku_id for ln in cart.selected()] == ["TEA"]
    with pytest.raises(NotInCart):
        cart.select(["NOPE"], True)
    assert cart.acknowledge({"TEA": 5800, "CUP": 1200, "GONE": 1})
    assert not cart.acknowledge({"TEA": 5800})
    assert cart.lines["TEA"].seen_price_fen == 5800
    cart.ordered(uuid4(), ["TEA"])
    assert list(cart.lines) == ["CUP"]
    with pytest.raises(NotInCart):
        cart.ordered(uuid4(), ["TEA"])
    assert not cart.change_quantity("CUP", 1) and cart.change_quantity("CUP", 4)
    assert cart.remove("CUP") and not cart.remove("CUP")


def test_what_makes_a_line_unavailable() -> None:
    assert line_problem(known=False, on_sale=True, available=9, quantity=1) == "sku_gone"
    assert line_problem(known=True, on_sale=False, available=9, quantity=1) == "off_sale"
    assert line_problem(known=True, on_sale=True, available=1, quantity=2) == "out_of_stock"
    assert line_problem(known=True, on_sale=True, available=2, quantity=2) is None
