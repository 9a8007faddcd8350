"""Catalogue upkeep over HTTP on both runtimes: edits, prices now or scheduled,
stale quotes, new SKUs, off sale and back, and low-stock alerts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.support.stack import Stack

PICKUP = {"method": "pickup", "store_id": "s1"}


def order_body(sku: str, quantity: int = 1, quote_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"lines": [{"sku_id": sku, "quantity": quantity}], "delivery": PICKUP}
    if quote_id is not None:
        body["quote_id"] = quote_id
    return body


def quote_body(sku: str, quantity: int = 1) -> dict[str, Any]:
    return {"lines": [{"sku_id": sku, "quantity": quantity}], "delivery_method": "pickup"}


def fields_of(answer: dict[str, Any]) -> list[str]:
    return [e["field"] for e in answer["details"]["errors"]]


def test_an_edit_changes_only_the_fields_given_and_validates_like_listing(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 5)])
    path = f"/admin/products/{product['id']}"
    images = ["https://cdn.example.com/tea-1.jpg", "https://cdn.example.com/tea-2.jpg"]

    status, edited = stack.call(
        "PATCH", path, admin=True, body={"title": "明前龙井", "images": images}
    )

    assert status == 200, edited
    assert (edited["title"], edited["images"], edited["category"]) == ("明前龙井", images, "test")
    _, shown = stack.call("GET", f"/products/{product['id']}")
    assert shown["title"] == "明前龙井" and shown["images"] == images
    before = stack.event_count()
    for bad, field in [
        ({}, "body"),
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"category": "x" * 51}, "category"),
        ({"images": ["http://insecure.example.com/a.jpg"]}, "images[0]"),
        ({"images": ["https://a.example.com/x.jpg"] * 10}, "images"),
        ({"image_url": "javascript:alert(1)"}, "image_url"),
        ({"slug": "renamed"}, "slug"),
    ]:
        status, answer = stack.call("PATCH", path, admin=True, body=bad)
        assert status == 400 and fields_of(answer) == [field], (bad, answer)
    assert stack.event_count() == before
    unknown = "/admin/products/00000000-0000-4000-8000-000000000000"
    assert stack.call("PATCH", unknown, admin=True, body={"title": "x"})[0] == 404
    assert stack.call("PATCH", path, body={"title": "x"})[0] == 401


def test_a_new_price_makes_earlier_quotes_stale_and_unpaid_orders_keep_theirs(
    stack: Stack,
) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 10)])
    alice = stack.login("alice")
    _, unpaid = stack.call("POST", "/orders", token=alice, body=order_body("TEA"))
    _, quote = stack.call("POST", "/checkout/quote", token=alice, body=quote_body("TEA"))

    price_path = f"/admin/products/{product['id']}/skus/TEA/price"
    status, repriced = stack.call("PUT", price_path, admin=True, body={"price_fen": 5800})

    assert status == 200 and repriced["skus"][0]["price_fen"] == 5800
    body = order_body("TEA", quote_id=quote["quote_id"])
    status, stale = stack.call("POST", "/orders", token=alice, body=body)
    assert status == 409 and stale["code"] == "quote_stale"
    assert stale["details"]["stale_quote_id"] == quote["quote_id"]
    assert stale["details"]["payable_fen"] == 5800
    body = order_body("TEA", quote_id=stale["details"]["quote_id"])
    status, placed = stack.call("POST", "/orders", token=alice, body=body)
    assert status == 201 and placed["lines"][0]["unit_price_fen"] == 5800
    _, kept = stack.call("GET", f"/orders/{unpaid['id']}", token=alice)
    assert kept["price"]["payable_fen"] == 6800 and kept["lines"][0]["unit_price_fen"] == 6800


def test_a_scheduled_price_takes_effect_by_the_clock(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 10)])
    alice = stack.login("alice")
    at = stack.clock.now() + timedelta(hours=2)
    price_path = f"/admin/products/{product['id']}/skus/TEA/price"

    body = {"price_fen": 4800, "effective_at": at.isoformat()}
    status, scheduled = stack.call("PUT", price_path, admin=True, body=body)

    assert status == 200, scheduled
    sku = scheduled["skus"][0]
    assert sku["price_fen"] == 6800
    assert [s["price_fen"] for s in sku["scheduled"]] == [4800]
    _, quote = stack.call("POST", "/checkout/quote", token=alice, body=quote_body("TEA"))
    assert quote["price"]["payable_fen"] == 6800
    stack.clock.advance(hours=2)
    _, shown = stack.call("GET", f"/products/{product['id']}")
    assert shown["skus"][0]["price_fen"] == 4800 and shown["skus"][0]["scheduled"] == []
    _, listed = stack.call("GET", "/products")
    assert listed["items"][0]["skus"][0]["price_fen"] == 4800
    body_with_quote = order_body("TEA", quote_id=quote["quote_id"])
    assert stack.call("POST", "/orders", token=alice, body=body_with_quote)[0] == 409
    status, placed = stack.call("POST", "/orders", token=alice, body=order_body("TEA"))
    assert status == 201 and placed["price"]["payable_fen"] == 4800


def test_bad_prices_are_400s_naming_the_field_and_unknown_skus_404s(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 10)])
    price_path = f"/admin/products/{product['id']}/skus/TEA/price"
    past = (stack.clock.now() - timedelta(minutes=1)).isoformat()
    before = stack.event_count()
    for bad, field in [
        ({"price_fen": 0}, "price_fen"),
        ({"price_fen": 12.5}, "price_fen"),
        ({"price_fen": 100, "effective_at": "2026-12-01T10:00:00"}, "effective_at"),
        ({"price_fen": 100, "effective_at": past}, "effective_at"),
        ({}, "price_fen"),
    ]:
        status, answer = stack.call("PUT", price_path, admin=True, body=bad)
        assert status == 400 and fields_of(answer) == [field], (bad, answer)
    nope = f"/admin/products/{product['id']}/skus/NOPE/price"
    assert stack.call("PUT", nope, admin=True, body={"price_fen": 100})[0] == 404
    assert stack.event_count() == before


def test_a_new_sku_is_listed_and_orderable_and_its_id_unique(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 10)])
    stack.list_product("cup", [("CUP", 1200, 1)])
    path = f"/admin/products/{product['id']}/skus"
    alice = stack.login("alice")

    new = {"sku_id": "TEA-GIFT", "name": "礼盒", "price_fen": 19800, "stock": 3}
    status, added = stack.call("POST", path, admin=True, body=new)

    assert status == 201, added
    assert [(s["sku_id"], s["available"]) for s in added["skus"]] == [("TEA", 10), ("TEA-GIFT", 3)]
    status, placed = stack.call("POST", "/orders", token=alice, body=order_body("TEA-GIFT", 2))
    assert status == 201 and placed["price"]["items_fen"] == 39600
    for taken in ("TEA-GIFT", "CUP"):
        status, answer = stack.call("POST", path, admin=True, body=dict(new, sku_id=taken))
        assert status == 409, answer
    status, answer = stack.call("POST", path, admin=True, body=dict(new, stock=-1))
    assert status == 400 and fields_of(answer) == ["stock"]


def test_off_sale_hides_and_refuses_until_back_on_sale(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 10), ("TEA-2", 9800, 10)])
    base = f"/admin/products/{product['id']}"
    alice = stack.login("alice")

    status, off = stack.call("POST", f"{base}/skus/TEA-2/off-sale", admin=True)
    assert status == 200 and [s["on_sale"] for s in off["skus"]] == [True, False]
    _, listed = stack.call("GET", "/products")
    assert [s["sku_id"] for s in listed["items"][0]["skus"]] == ["TEA"]
    status, refused = stack.call("POST", "/orders", token=alice, body=order_body("TEA-2"))
    assert status == 409 and refused["code"] == "not_on_sale"

    status, off = stack.call("POST", f"{base}/off-sale", admin=True)
    assert status == 200 and off["on_sale"] is False
    assert stack.call("GET", "/products")[1]["items"] == []
    status, page = stack.call("GET", f"/products/{product['id']}")
    assert status == 200 and page["on_sale"] is False
    status, refused = stack.call("POST", "/checkout/quote", token=alice, body=quote_body("TEA"))
    assert status == 409 and refused["code"] == "not_on_sale"
    assert stack.call("POST", f"{base}/off-sale", admin=True)[0] == 200  # already: no change

    stack.call("POST", f"{base}/on-sale", admin=True)
    stack.call("POST", f"{base}/skus/TEA-2/on-sale", admin=True)
    _, listed = stack.call("GET", "/products")
    assert [s["sku_id"] for s in listed["items"][0]["skus"]] == ["TEA", "TEA-2"]
    assert stack.call("POST", "/orders", token=alice, body=order_body("TEA-2"))[0] == 201
    assert stack.call("POST", f"{base}/skus/NOPE/off-sale", admin=True)[0] == 404


def low_stock_alerts(stack: Stack) -> list[tuple[str, dict[str, Any]]]:
    _, outbox = stack.call("GET", "/admin/outbox", admin=True)
    return sorted((m["id"], m["payload"]) for m in outbox["items"] if m["kind"] == "ops.low_stock")


def test_each_fall_to_the_low_stock_threshold_queues_one_alert(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 5)])
    alice = stack.login("alice")
    path = f"/admin/products/{product['id']}/skus/TEA/low-stock"

    status, set_ = stack.call("PUT", path, admin=True, body={"threshold": 2})
    assert status == 200 and set_ == {
        "sku_id": "TEA",
        "threshold": 2,
        "available": 5,
        "low": False,
        "crossings": 0,
    }
    _, first = stack.call("POST", "/orders", token=alice, body=order_body("TEA", 3))
    stack.call("POST", "/orders", token=alice, body=order_body("TEA", 1))
    assert [i for i, _ in low_stock_alerts(stack)] == ["ops.low_stock:TEA:1"]
    assert low_stock_alerts(stack)[0][1]["available"] == 2

    stack.call("POST", f"/orders/{first['id']}/cancel", token=alice)  # back to 4: re-armed
    stack.call("POST", "/orders", token=alice, body=order_body("TEA", 2))
    assert [i for i, _ in low_stock_alerts(stack)] == [
        "ops.low_stock:TEA:1",
        "ops.low_stock:TEA:2",
    ]
    for bad in ({"threshold": -1}, {"threshold": "2"}, {}):
        status, answer = stack.call("PUT", path, admin=True, body=bad)
        assert status == 400 and fields_of(answer) == ["threshold"], answer
    status, off = stack.call("PUT", path, admin=True, body={"threshold": None})
    assert status == 200 and off["threshold"] is None
