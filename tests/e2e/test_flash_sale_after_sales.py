"""Partial after-sales of a flash-sale order over HTTP on both runtimes: units
refunded before they left, or returned, go back to the campaign while it runs
(its page shows them left, the member may buy them again within the limit) and
to the SKU's regular stock once it has ended; the last unit refunds the order."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_after_sales import ADDRESS, admin, ask, available
from tests.support.stack import Stack

EXPRESS = {"method": "express", "address": ADDRESS}
PICKUP = {"method": "pickup", "store_id": "s1"}
FLASH = {
    "code": "double11",
    "kind": "flash_sale",
    "title": "双十一 秒杀",
    "items": [{"sku_id": "TEA", "price_fen": 990, "stock": 5}],
    "starts_at": "2026-01-01T00:00:00+08:00",
    "ends_at": "2099-01-01T00:00:00+08:00",
    "per_member_limit": 3,
}


def started(stack: Stack) -> str:
    product = stack.list_product("tea", [("TEA", 6800, 10)])
    assert stack.call("POST", "/admin/campaigns", admin=True, body=FLASH)[0] == 201
    assert stack.call("POST", "/admin/campaigns/double11/start", admin=True)[0] == 200
    return str(product["id"])


def buy(stack: Stack, token: str, quantity: int, delivery: dict[str, Any]) -> tuple[int, Any]:
    body = {"sku_id": "TEA", "quantity": quantity, "delivery": delivery}
    return stack.call("POST", "/campaigns/double11/orders", token=token, body=body)


def paid(stack: Stack, token: str, quantity: int, delivery: dict[str, Any]) -> str:
    status, order = buy(stack, token, quantity, delivery)
    assert status == 201, order
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    return str(order["id"])


def left(stack: Stack) -> tuple[int, int]:
    item = stack.call("GET", "/campaigns/double11")[1]["items"][0]
    return item["left"], item["taken"]


def refunded(stack: Stack, token: str, after_sale_id: str, out_refund_no: str) -> None:
    assert stack.sandbox.complete_refund(out_refund_no) == [204]
    _, done = stack.call("GET", f"/after-sales/{after_sale_id}", token=token)
    assert done["status"] == "refunded", done


def test_units_asked_back_go_back_to_the_running_campaign(stack: Stack) -> None:
    started(stack)
    alice = stack.login("alice")
    oid = paid(stack, alice, 3, EXPRESS)  # 2970 of goods and 1000 of shipping
    assert left(stack) == (2, 3)
    assert buy(stack, alice, 1, PICKUP)[1]["code"] == "campaign_limit_reached"

    # one unit refunded before shipping: back to the campaign, and to alice's limit
    status, first = ask(stack, alice, oid, "refund_only", {"TEA": 1})
    assert (status, first["amount_fen"]) == (201, 990), first
    _, approved = admin(stack, first["id"], "approve")
    assert left(stack) == (2, 3)  # not before the money is back
    refunded(stack, alice, first["id"], approved["out_refund_no"])
    assert left(stack) == (3, 2)
    status, again = buy(stack, alice, 1, PICKUP)
    assert status == 201, again
    assert buy(stack, alice, 1, PICKUP)[1]["code"] == "campaign_limit_reached"
    assert left(stack) == (2, 3)

    # one unit returned after shipping: back to the campaign when the shop has it
    ship = {"carrier": "SF", "tracking_no": "SF1"}
    assert stack.call("POST", f"/admin/orders/{oid}/ship", admin=True, body=ship)[0] == 200
    _, second = ask(stack, alice, oid, "return_and_refund", {"TEA": 1})
    assert admin(stack, second["id"], "approve")[1]["status"] == "awaiting_return"
    parcel = {"carrier": "YTO", "tracking_no": "YT9"}
    path = f"/after-sales/{second['id']}/return"
    assert stack.call("POST", path, token=alice, body=parcel)[0] == 200
    status, received = admin(stack, second["id"], "received")
    assert (status, received["status"]) == (200, "refunding"), received
    assert left(stack) == (3, 2)
    refunded(stack, alice, second["id"], received["out_refund_no"])

    # the last unit, refunded without its return: the order is refunded
    _, last = ask(stack, alice, oid, "refund_only", {"TEA": 1})
    assert last["amount_fen"] == 990 + 1000  # with the shipping
    refunded(stack, alice, last["id"], admin(stack, last["id"], "approve")[1]["out_refund_no"])
    _, order = stack.call("GET", f"/orders/{oid}", token=alice)
    assert (order["status"], order["refunded_fen"]) == ("refunded", 3970)
    assert left(stack) == (3, 2)  # the shipped unit never came back
    _, progress = stack.call("GET", "/campaigns/double11/progress")
    assert (progress["units_sold"], progress["participants"]) == (0, 1)


def test_after_the_campaign_ended_units_go_back_to_regular_stock(stack: Stack) -> None:
    product_id = started(stack)
    alice = stack.login("alice")
    oid = paid(stack, alice, 2, PICKUP)
    assert available(stack, product_id) == {"TEA": 5}
    reason = {"reason": "活动结束"}
    assert stack.call("POST", "/admin/campaigns/double11/end", admin=True, body=reason)[0] == 200
    assert available(stack, product_id) == {"TEA": 8}  # the 3 unsold units

    _, request = ask(stack, alice, oid, "refund_only", {"TEA": 1})
    _, approved = admin(stack, request["id"], "approve")
    refunded(stack, alice, request["id"], approved["out_refund_no"])

    assert available(stack, product_id) == {"TEA": 9}
    assert left(stack) == (0, 1)
    _, order = stack.call("GET", f"/orders/{oid}", token=alice)
    assert (order["status"], order["refunded_fen"]) == ("paid", 990)
