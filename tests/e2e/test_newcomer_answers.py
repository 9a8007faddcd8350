"""What a newcomer's walkthrough found, over HTTP on both runtimes: field paths
written one way (`lines[0].quantity`), a SKU not in the order a 400 naming it,
days only as YYYY-MM-DD, an empty `category` refused, a null in a cart change
naming its field, an idempotent unfavourite, operators' reviews without the
paging rank, outbox messages stamped by the shop's clock, and a pickup store
the shop does not list refused."""

from __future__ import annotations

from typing import Any

from chalicelib.projections.base import rank_time
from tests.e2e.test_reviews import complete_orders, picked_up_order, review
from tests.support.stack import Stack

PICKUP = {"method": "pickup", "store_id": "s1"}


def fields_of(answer: Any) -> list[str]:
    return [e["field"] for e in answer["details"]["errors"]]


def test_an_after_sales_line_the_order_lacks_is_a_400_naming_it(stack: Stack) -> None:
    stack.list_product("cup", [("CUP-A", 1999, 10), ("CUP-B", 1500, 10)])
    alice = stack.login("alice")
    body = {"lines": [{"sku_id": "CUP-A", "quantity": 2}], "delivery": PICKUP}
    _, order = stack.call("POST", "/orders", token=alice, body=body)
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=alice)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    path = f"/orders/{order['id']}/after-sales"
    before = stack.event_count()
    for lines, field in (
        (
            [{"sku_id": "CUP-A", "quantity": 1}, {"sku_id": "CUP-B", "quantity": 1}],
            "lines[1].sku_id",
        ),
        ([{"sku_id": "CUP-A", "quantity": 0}], "lines[0].quantity"),
        ([{"sku_id": "CUP-A"}], "lines[0].quantity"),
    ):
        asked = {"kind": "refund_only", "reason": "不想要了", "lines": lines}
        status, answer = stack.call("POST", path, token=alice, body=asked)
        assert (status, fields_of(answer)) == (400, [field]), answer
        assert answer["message"].startswith(f"{field}: "), answer
    assert stack.event_count() == before


def test_days_are_iso_dates_only(stack: Stack) -> None:
    assert stack.call("GET", "/admin/orders?from=2026-12-01&to=2026-12-02", admin=True)[0] == 200
    for query, field in (
        ("from=20261201", "from"),
        ("to=20261201", "to"),
        ("from=2026-12-1", "from"),
        ("to=2026-W49-1", "to"),
    ):
        status, answer = stack.call("GET", f"/admin/orders?{query}", admin=True)
        assert (status, fields_of(answer)) == (400, [field]), (query, answer)
    status, answer = stack.call("GET", "/admin/analytics/overview?from=20261201", admin=True)
    assert (status, fields_of(answer)) == (400, ["from"]), answer


def test_an_empty_or_overlong_category_or_query_is_a_400_naming_it(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    status, listed = stack.call("GET", "/products?category=test")
    assert status == 200 and len(listed["items"]) == 1
    for query, field in (
        ("category=", "category"),
        ("category=" + "x" * 51, "category"),
        ("q=", "q"),
    ):
        status, answer = stack.call("GET", f"/products?{query}")
        assert (status, fields_of(answer)) == (400, [field]), (query, answer)


def test_a_null_in_a_cart_change_names_its_field(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    alice = stack.login("alice")
    assert stack.call("POST", "/cart/lines", token=alice, body={"sku_id": "TEA"})[0] == 200
    before = stack.event_count()
    for body, fields in (
        ({"quantity": None}, ["quantity"]),
        ({"selected": None}, ["selected"]),
        ({"quantity": None, "selected": True}, ["quantity"]),
        ({}, ["body"]),
    ):
        status, answer = stack.call("PATCH", "/cart/lines/TEA", token=alice, body=body)
        assert (status, fields_of(answer)) == (400, fields), (body, answer)
    assert stack.event_count() == before


def test_unfavouriting_answers_204_whether_or_not_it_was_kept(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 5)])
    alice = stack.login("alice")
    unknown = "00000000-0000-4000-8000-000000000000"
    for product_id in (product["id"], unknown, "not-a-product-id"):
        status, _ = stack.call("DELETE", f"/me/favourites/{product_id}", token=alice)
        assert status == 204, product_id
    assert stack.call("DELETE", f"/me/favourites/{product['id']}")[0] == 401


def test_operators_see_reviews_without_the_paging_rank(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    alice = stack.login("alice")
    oid = picked_up_order(stack, alice, ["TEA"])
    complete_orders(stack, 1)
    alice = stack.login("alice")  # sessions last 7 days
    assert review(stack, alice, oid)[0] == 201

    status, page = stack.call("GET", "/admin/reviews", admin=True)

    assert status == 200, page
    (item,) = page["items"]
    assert "written_at_rank" not in item
    assert item["order_id"] == oid and item["member_id"] and item["written_at"]


def test_an_outbox_message_is_stamped_by_the_shops_clock(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 5)])
    stack.clock.advance(days=400)  # far from the machine's time
    alice = stack.login("alice")
    path = f"/admin/products/{product['id']}/skus/TEA/low-stock"
    assert stack.call("PUT", path, admin=True, body={"threshold": 4})[0] == 200
    body = {"lines": [{"sku_id": "TEA", "quantity": 2}], "delivery": PICKUP}
    assert stack.call("POST", "/orders", token=alice, body=body)[0] == 201

    _, outbox = stack.call("GET", "/admin/outbox", admin=True)

    (alert,) = [m for m in outbox["items"] if m["kind"] == "ops.low_stock"]
    assert alert["created_at"] == rank_time(stack.clock.now())


def test_a_shop_that_lists_its_pickup_stores_refuses_another(stack: Stack) -> None:
    stack.list_product("cup", [("CUP-A", 1999, 10)])
    stack.container.settings.pickup_stores = "sz-01, sz-02"
    stack.container.reread_rules()
    alice = stack.login("alice")
    before = stack.event_count()
    elsewhere = {"method": "pickup", "store_id": "s1"}
    body = {"lines": [{"sku_id": "CUP-A", "quantity": 1}], "delivery": elsewhere}
    status, answer = stack.call("POST", "/orders", token=alice, body=body)
    assert (status, fields_of(answer)) == (400, ["delivery.store_id"]), answer
    assert stack.event_count() == before
    body["delivery"] = {"method": "pickup", "store_id": "sz-02"}
    assert stack.call("POST", "/orders", token=alice, body=body)[0] == 201
