"""Offers at checkout over HTTP on both runtimes: the quote (and the cart's
summary) lists the member's coupons with what each saves, applies the best when
none is named, honours an explicit choice or an explicit "no coupon", states
the most points usable and the gaps to free shipping and the next 满减."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.ids import coupon_template_id_for
from tests.support.stack import Stack

WELCOME = {
    "code": "welcome",
    "title": "新人券 满50减10",
    "terms": {"kind": "threshold", "amount_fen": 1000, "threshold_fen": 5000},
    "trigger": "first_login",
    "valid_days": 7,
}
TEN_OFF = {
    "code": "ten-off",
    "title": "无门槛 10 元",
    "terms": {"kind": "no_threshold", "amount_fen": 1000},
    "valid_days": 30,
}
BIG = {
    "code": "big",
    "title": "满200减30",
    "terms": {"kind": "threshold", "amount_fen": 3000, "threshold_fen": 20000},
    "valid_days": 30,
}
PICKUP = {"method": "pickup", "store_id": "s1"}
TEA = [{"sku_id": "TEA", "quantity": 1}]


def offered(quote: dict[str, Any]) -> list[tuple[str, int, bool]]:
    return [(c["template"], c["saves_fen"], c["applicable"]) for c in quote["offers"]["coupons"]]


def test_the_quote_lists_offers_and_applies_the_best_unless_told(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6000, 50)])
    templates = {}
    for template in (WELCOME, TEN_OFF, BIG):
        status, made = stack.call("POST", "/admin/coupon-templates", admin=True, body=template)
        assert status == 201, made
        templates[str(coupon_template_id_for(template["code"]))] = template["code"]
    alice = stack.login("alice")
    for code in ("ten-off", "big"):
        assert stack.call("POST", f"/coupons/{code}/claim", token=alice)[0] == 201
    assert stack.call("POST", "/me/check-in", token=alice)[1]["balance"] == 5

    status, quote = stack.call("POST", "/checkout/quote", token=alice, body={"lines": TEA})
    assert status == 200, quote
    shown = [(templates[t], saves, ok) for t, saves, ok in offered(quote)]
    # Both save 10 元; the welcome coupon expires first, so it is the best.
    assert shown == [("welcome", 1000, True), ("ten-off", 1000, True), ("big", 0, False)]
    offers = quote["offers"]
    best = offers["best_coupon_id"]
    assert quote["price"]["coupon_id"] == best and quote["price"]["coupon_discount_fen"] == 1000
    assert offers["coupons"][2]["reason_if_not"]
    assert (offers["max_points_usable"], offers["max_points_value_fen"]) == (5, 5)
    assert offers["free_shipping_gap_fen"] == 9900 - 5000
    assert offers["next_threshold"]["short_fen"] == 20000 - 6000
    assert offers["next_threshold"]["saves_fen"] == 3000

    none = {"lines": TEA, "coupon_id": None}
    _, plain_quote = stack.call("POST", "/checkout/quote", token=alice, body=none)
    assert plain_quote["price"]["coupon_id"] is None
    assert plain_quote["price"]["coupon_discount_fen"] == 0
    ten_off = offers["coupons"][1]["coupon_id"]
    chosen = {"lines": TEA, "coupon_id": ten_off}
    _, chosen_quote = stack.call("POST", "/checkout/quote", token=alice, body=chosen)
    assert chosen_quote["price"]["coupon_id"] == ten_off

    body = {"lines": TEA, "delivery": PICKUP, "quote_id": quote["quote_id"]}
    status, stale = stack.call("POST", "/orders", token=alice, body=body | {"coupon_id": None})
    assert (status, stale["code"]) == (409, "quote_stale")
    _, pickup_quote = stack.call(
        "POST", "/checkout/quote", token=alice, body={"lines": TEA, "delivery_method": "pickup"}
    )
    assert pickup_quote["offers"]["free_shipping_gap_fen"] == 0
    body["quote_id"] = pickup_quote["quote_id"]
    status, order = stack.call("POST", "/orders", token=alice, body=body)
    assert status == 201, order
    assert order["price"]["coupon_id"] == best
    assert order["price"]["payable_fen"] == pickup_quote["price"]["payable_fen"] == 5000

    stack.call("POST", "/cart/lines", token=alice, body={"sku_id": "TEA", "quantity": 4})
    _, cart = stack.call("GET", "/cart", token=alice)
    summary = cart["summary"]
    assert summary["price"]["coupon_id"] is not None
    assert summary["price"]["coupon_discount_fen"] == 3000  # 满200减30 is now reached
    assert summary["offers"]["next_threshold"] is None
    status, cart_quote = stack.call("POST", "/cart/quote", token=alice, body={})
    assert status == 200 and cart_quote["price"] == summary["price"]


def test_a_member_without_coupons_gets_an_empty_offer_list(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 12000, 5)])
    bob = stack.login("bob")
    status, quote = stack.call("POST", "/checkout/quote", token=bob, body={"lines": TEA})
    assert status == 200, quote
    assert quote["offers"] == {
        "coupons": [],
        "best_coupon_id": None,
        "max_points_usable": 0,
        "max_points_value_fen": 0,
        "free_shipping_gap_fen": 0,
        "next_threshold": None,
    }
