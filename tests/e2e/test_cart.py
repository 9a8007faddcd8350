"""The cart (购物车) over HTTP on both runtimes: add, change, select, flags
after a reprice and after off-sale (never silently dropped or repriced),
checkout from the selected lines with the quote_id protocol, and refusals
that change nothing."""

from __future__ import annotations

from typing import Any

from tests.support.stack import Stack

PICKUP = {"method": "pickup", "store_id": "s1"}


def lines_of(cart: dict[str, Any]) -> list[tuple[str, int, bool, list[str]]]:
    return [(ln["sku_id"], ln["quantity"], ln["selected"], ln["flags"]) for ln in cart["lines"]]


def test_add_change_select_and_remove_lines(stack: Stack) -> None:
    tea = stack.list_product("tea", [("TEA", 6800, 50), ("TEA-BIG", 9800, 50)])
    alice = stack.login("alice")
    assert stack.call("GET", "/cart", token=alice)[1] == {
        "lines": [],
        "selected_count": 0,
        "summary": None,
    }
    status, cart = stack.call("POST", "/cart/lines", token=alice, body={"sku_id": "TEA"})
    assert status == 200, cart
    stack.clock.advance(seconds=1)
    body = {"sku_id": "TEA-BIG", "quantity": 2}
    assert stack.call("POST", "/cart/lines", token=alice, body=body)[0] == 200
    status, cart = stack.call(
        "POST", "/cart/lines", token=alice, body={"sku_id": "TEA", "quantity": 3}
    )
    assert lines_of(cart) == [("TEA-BIG", 2, True, []), ("TEA", 4, True, [])]
    (big, _) = cart["lines"]
    assert (big["product_id"], big["title"], big["unit_price_fen"], big["total_fen"]) == (
        tea["id"],
        "Tea TEA-BIG",
        9800,
        19600,
    )
    assert cart["summary"]["price"]["items_fen"] == 19600 + 4 * 6800
    assert cart["summary"]["price"]["shipping_fen"] == 0

    status, cart = stack.call(
        "PATCH", "/cart/lines/TEA", token=alice, body={"quantity": 1, "selected": False}
    )
    assert status == 200 and lines_of(cart)[1] == ("TEA", 1, False, [])
    assert cart["selected_count"] == 1 and cart["summary"]["price"]["items_fen"] == 19600
    status, cart = stack.call("POST", "/cart/select", token=alice, body={"selected": False})
    assert cart["selected_count"] == 0 and cart["summary"] is None
    body = {"sku_ids": ["TEA"], "selected": True}
    _, cart = stack.call("POST", "/cart/select", token=alice, body=body)
    assert [ln["selected"] for ln in cart["lines"]] == [False, True]
    assert cart["summary"]["price"]["shipping_fen"] == 1000  # 68 元 is below free shipping
    assert cart["summary"]["offers"]["free_shipping_gap_fen"] == 9900 - 6800

    status, cart = stack.call("DELETE", "/cart/lines/TEA-BIG", token=alice)
    assert status == 200 and lines_of(cart) == [("TEA", 1, True, [])]
    assert stack.call("DELETE", "/cart/lines/TEA-BIG", token=alice)[0] == 200
    bob = stack.login("bob")
    assert stack.call("GET", "/cart", token=bob)[1]["lines"] == []


def test_a_repriced_or_off_sale_line_is_flagged_and_stops_checkout(stack: Stack) -> None:
    tea = stack.list_product("tea", [("TEA", 6800, 50), ("TEA-2", 5000, 1)])
    alice = stack.login("alice")
    for sku, quantity in (("TEA", 1), ("TEA-2", 1)):
        body = {"sku_id": sku, "quantity": quantity}
        assert stack.call("POST", "/cart/lines", token=alice, body=body)[0] == 200
    price_path = f"/admin/products/{tea['id']}/skus/TEA/price"
    assert stack.call("PUT", price_path, admin=True, body={"price_fen": 5800})[0] == 200
    off = f"/admin/products/{tea['id']}/skus/TEA-2/off-sale"
    assert stack.call("POST", off, admin=True)[0] == 200

    _, cart = stack.call("GET", "/cart", token=alice)
    shown = {ln["sku_id"]: ln for ln in cart["lines"]}
    assert (shown["TEA"]["unit_price_fen"], shown["TEA"]["seen_price_fen"]) == (5800, 6800)
    assert shown["TEA"]["price_changed"] and not shown["TEA"]["unavailable"]
    assert (shown["TEA-2"]["unavailable"], shown["TEA-2"]["unavailable_reason"]) == (
        True,
        "off_sale",
    )
    assert cart["summary"]["price"]["items_fen"] == 5800  # only what can be bought

    status, refused = stack.call("POST", "/cart/quote", token=alice, body={})
    assert (status, refused["code"]) == (409, "cart_lines_flagged"), refused
    assert {(ln["sku_id"], tuple(ln["flags"])) for ln in refused["details"]["lines"]} == {
        ("TEA", ("price_changed",)),
        ("TEA-2", ("off_sale",)),
    }
    _, cart = stack.call("POST", "/cart/acknowledge", token=alice)
    assert {ln["sku_id"]: ln["flags"] for ln in cart["lines"]} == {
        "TEA": [],
        "TEA-2": ["off_sale"],
    }
    assert stack.call("POST", "/cart/quote", token=alice, body={})[0] == 409
    body = {"sku_ids": ["TEA-2"], "selected": False}
    assert stack.call("POST", "/cart/select", token=alice, body=body)[0] == 200
    status, quote = stack.call("POST", "/cart/quote", token=alice, body={})
    assert status == 200 and quote["price"]["items_fen"] == 5800, quote

    stack.call("POST", f"/admin/products/{tea['id']}/skus/TEA-2/on-sale", admin=True)
    _, cart = stack.call("PATCH", "/cart/lines/TEA-2", token=alice, body={"quantity": 2})
    assert {ln["sku_id"]: ln["flags"] for ln in cart["lines"]}["TEA-2"] == ["out_of_stock"]


def test_checkout_from_the_cart_orders_the_selected_lines_and_removes_them(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 50), ("CUP", 1200, 50)])
    alice = stack.login("alice")
    for sku, quantity in (("TEA", 2), ("CUP", 1)):
        body = {"sku_id": sku, "quantity": quantity}
        assert stack.call("POST", "/cart/lines", token=alice, body=body)[0] == 200
    stack.call("PATCH", "/cart/lines/CUP", token=alice, body={"selected": False})
    status, quote = stack.call(
        "POST", "/cart/quote", token=alice, body={"delivery_method": "pickup"}
    )
    assert status == 200, quote
    assert [(ln["sku_id"], ln["quantity"]) for ln in quote["lines"]] == [("TEA", 2)]

    stack.call("PATCH", "/cart/lines/TEA", token=alice, body={"quantity": 3})
    body = {"delivery": PICKUP, "quote_id": quote["quote_id"]}
    status, stale = stack.call("POST", "/cart/orders", token=alice, body=body)
    assert (status, stale["code"]) == (409, "quote_stale")
    stack.call("PATCH", "/cart/lines/TEA", token=alice, body={"quantity": 2})

    headers = {"Authorization": f"Bearer {alice}", "Idempotency-Key": "cart-order-1"}
    first = stack.http.post(f"{stack.base_url}/cart/orders", json=body, headers=headers)
    again = stack.http.post(f"{stack.base_url}/cart/orders", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201), first.text
    assert again.headers["Idempotent-Replayed"] == "true"
    order = first.json()
    assert again.json()["id"] == order["id"]
    assert [(ln["sku_id"], ln["quantity"]) for ln in order["lines"]] == [("TEA", 2)]
    assert order["price"]["payable_fen"] == quote["price"]["payable_fen"]
    _, cart = stack.call("GET", "/cart", token=alice)
    assert lines_of(cart) == [("CUP", 1, False, [])]
    status, again = stack.call("POST", "/cart/orders", token=alice, body=body)
    assert (status, again["code"]) == (409, "nothing_selected")


def test_cart_refusals_name_the_field_and_change_nothing(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 500)])
    alice = stack.login("alice")
    stack.call("POST", "/cart/lines", token=alice, body={"sku_id": "TEA", "quantity": 90})
    before = stack.event_count()
    for body, field in (
        ({"sku_id": "TEA", "quantity": 0}, "quantity"),
        ({"sku_id": "TEA", "quantity": 100}, "quantity"),
        ({"sku_id": "", "quantity": 1}, "sku_id"),
        ({"sku_id": "NOPE"}, "sku_id"),
    ):
        status, answer = stack.call("POST", "/cart/lines", token=alice, body=body)
        assert status == 400, answer
        assert field in answer["message"] or answer["details"]["errors"][0]["field"] == field
    status, over = stack.call(
        "POST", "/cart/lines", token=alice, body={"sku_id": "TEA", "quantity": 10}
    )
    assert (status, over["code"]) == (409, "line_quantity_over_limit")
    status, answer = stack.call("PATCH", "/cart/lines/NOPE", token=alice, body={"quantity": 2})
    assert status == 404, answer
    status, answer = stack.call("PATCH", "/cart/lines/TEA", token=alice, body={})
    assert status == 400, answer
    body = {"sku_ids": ["TEA", "NOPE"], "selected": False}
    status, answer = stack.call("POST", "/cart/select", token=alice, body=body)
    assert status == 400 and "sku_ids[1]" in answer["message"], answer
    status, answer = stack.call("POST", "/cart/orders", token=alice, body={"delivery": PICKUP})
    assert status == 400 and answer["details"]["errors"][0]["field"] == "quote_id", answer
    assert stack.call("GET", "/cart")[0] == 401
    assert stack.call("POST", "/cart/lines", body={"sku_id": "TEA"})[0] == 401
    assert stack.event_count() == before
