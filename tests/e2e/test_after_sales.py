"""Partial after-sales over HTTP with signed WeChat Pay refund notifications,
on both runtimes: a refund-only request and a return, their amounts by the
apportioning rule adding up to what was paid, stock and coupon coming back,
every refused transition a 409, and the operators' paged list."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.calendar import beijing_date
from chalicelib.domain.order import Order
from tests.support.stack import Stack

ADDRESS = {
    "receiver": "张三",
    "phone": "13800138000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园 1 号",
}
TEN_OFF = {
    "code": "ten-off",
    "title": "无门槛 10 元",
    "terms": {"kind": "no_threshold", "amount_fen": 1000},
    "valid_days": 30,
    "total_quantity": 100,
    "per_member_limit": 1,
}


def available(stack: Stack, product_id: str) -> dict[str, int]:
    _, shown = stack.call("GET", f"/products/{product_id}")
    return {sku["sku_id"]: sku["available"] for sku in shown["skus"]}


def paid_order_with_coupon(stack: Stack, token: str) -> tuple[str, str]:
    assert stack.call("POST", "/admin/coupon-templates", admin=True, body=TEN_OFF)[0] == 201
    _, claimed = stack.call("POST", "/coupons/ten-off/claim", token=token)
    body = {
        "lines": [{"sku_id": "CUP-A", "quantity": 3}, {"sku_id": "CUP-B", "quantity": 1}],
        "delivery": {"method": "express", "address": ADDRESS},
        "coupon_id": claimed["coupon_id"],
    }
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    # 5997 + 1500 of goods, 1000 off by the coupon, 1000 of shipping (below 99 yuan)
    assert order["price"]["payable_fen"] == 7497
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    return order["id"], claimed["coupon_id"]


def ask(stack: Stack, token: str, oid: str, kind: str, lines: dict[str, int]) -> tuple[int, Any]:
    body = {
        "kind": kind,
        "reason": "不想要了",
        "lines": [{"sku_id": s, "quantity": q} for s, q in lines.items()],
    }
    return stack.call("POST", f"/orders/{oid}/after-sales", token=token, body=body)


def admin(stack: Stack, aid: str, action: str, body: Any = None) -> tuple[int, Any]:
    return stack.call("POST", f"/admin/after-sales/{aid}/{action}", admin=True, body=body)


def money_kept(stack: Stack) -> int:
    """Paid minus refunded (whole orders and partial), from the stored events."""
    store = stack.container.shop.store
    total = 0
    for notification in store.recorder.select_notifications(start=None, limit=100_000):
        event = store.mapper.to_domain_event(notification)
        if isinstance(event, Order.Paid):
            total += event.amount_fen
        elif isinstance(event, Order.Refunded | Order.AfterSaleRefunded):
            total -= event.amount_fen
    return total


def overview_totals(stack: Stack) -> dict[str, Any]:
    today = beijing_date(stack.container.clock.now()).isoformat()
    path = f"/admin/analytics/overview?from={today}&to={today}"
    status, answer = stack.call("GET", path, admin=True)
    assert status == 200, answer
    return dict(answer["totals"])


def test_a_refund_only_then_a_return_refund_exactly_what_was_paid(stack: Stack) -> None:
    product = stack.list_product("cup", [("CUP-A", 1999, 10), ("CUP-B", 1500, 10)])
    alice, bob = stack.login("alice"), stack.login("bob")
    oid, coupon_id = paid_order_with_coupon(stack, alice)
    assert available(stack, product["id"]) == {"CUP-A": 7, "CUP-B": 9}

    # the coupon's 1000 fen: 800 on CUP-A (5997), 200 on CUP-B (1500); one cup of three
    status, first = ask(stack, alice, oid, "refund_only", {"CUP-A": 1})
    assert status == 201, first
    assert (first["status"], first["amount_fen"], first["shipping_fen"]) == ("requested", 1732, 0)
    assert ask(stack, bob, oid, "refund_only", {"CUP-A": 1})[0] == 404
    assert ask(stack, alice, oid, "refund_only", {"CUP-A": 3})[0] == 409
    assert ask(stack, alice, oid, "refund_only", {"NOPE": 1})[0] == 400
    assert stack.call("POST", f"/orders/{oid}/refund", token=alice, body={"reason": "x"})[0] == 409
    assert admin(stack, first["id"], "received")[0] == 409

    status, approved = admin(stack, first["id"], "approve")
    assert status == 200 and approved["status"] == "refunding", approved
    number = approved["out_refund_no"]
    refund = stack.sandbox.snapshot()["refunds"][number]
    assert (refund["refund"], refund["total"]) == (1732, 7497)
    assert admin(stack, first["id"], "approve")[0] == 409
    assert stack.sandbox.complete_refund(number, times=2) == [204, 204]
    _, done = stack.call("GET", f"/after-sales/{first['id']}", token=alice)
    assert done["status"] == "refunded"
    assert stack.call("GET", f"/after-sales/{first['id']}", token=bob)[0] == 404
    _, order = stack.call("GET", f"/orders/{oid}", token=alice)
    assert (order["status"], order["refunded_fen"], order["partially_refunded"]) == (
        "paid",
        1732,
        True,
    )
    assert [line["refunded_quantity"] for line in order["lines"]] == [1, 0]
    assert available(stack, product["id"]) == {"CUP-A": 8, "CUP-B": 9}  # never shipped
    totals = overview_totals(stack)
    assert (totals["refunds"], totals["refunded_fen"], totals["gmv_fen"]) == (1, 1732, 7497 - 1732)
    assert totals["gmv_fen"] == money_kept(stack)

    # a rejected request gives its units back
    _, rejected = ask(stack, alice, oid, "refund_only", {"CUP-B": 1})
    assert admin(stack, rejected["id"], "reject", {"reason": "不符合"})[1]["status"] == "rejected"
    assert admin(stack, rejected["id"], "approve")[0] == 409

    ship = {"carrier": "SF", "tracking_no": "SF1"}
    assert stack.call("POST", f"/admin/orders/{oid}/ship", admin=True, body=ship)[0] == 200
    status, second = ask(stack, alice, oid, "return_and_refund", {"CUP-A": 2, "CUP-B": 1})
    assert status == 201, second
    # the rest of both lines, and the shipping with the last unit
    assert (second["amount_fen"], second["shipping_fen"]) == (5197 - 1732 + 1300 + 1000, 1000)
    assert 1732 + second["amount_fen"] == 7497
    parcel = {"carrier": "YTO", "tracking_no": "YT9"}
    assert (
        stack.call("POST", f"/after-sales/{second['id']}/return", token=alice, body=parcel)[0]
        == 409
    )
    assert admin(stack, second["id"], "approve")[1]["status"] == "awaiting_return"
    status, sent = stack.call(
        "POST", f"/after-sales/{second['id']}/return", token=alice, body=parcel
    )
    assert status == 200 and sent["return"]["tracking_no"] == "YT9"
    status, received = admin(stack, second["id"], "received")
    assert status == 200 and received["status"] == "refunding"
    assert available(stack, product["id"]) == {"CUP-A": 10, "CUP-B": 10}
    assert stack.sandbox.complete_refund(received["out_refund_no"]) == [204]

    _, order = stack.call("GET", f"/orders/{oid}", token=alice)
    assert (order["status"], order["refunded_fen"]) == ("refunded", 7497)
    _, usable = stack.call("GET", "/me/coupons?status=usable", token=alice)
    assert coupon_id in [c["coupon_id"] for c in usable["items"]]
    assert ask(stack, alice, oid, "refund_only", {"CUP-A": 1})[0] == 409
    totals = overview_totals(stack)
    assert (totals["refunds"], totals["refunded_fen"], totals["gmv_fen"]) == (2, 7497, 0)
    assert money_kept(stack) == 0

    # newest first; the test clock stands still, so the ids break the tie
    _, page = stack.call("GET", "/admin/after-sales?status=refunded&limit=1", admin=True)
    assert len(page["items"]) == 1 and page["next_cursor"]
    cursor = page["next_cursor"]
    _, rest = stack.call("GET", f"/admin/after-sales?status=refunded&cursor={cursor}", admin=True)
    assert rest["next_cursor"] is None
    assert sorted(i["id"] for i in page["items"] + rest["items"]) == sorted(
        [first["id"], second["id"]]
    )
    _, everything = stack.call("GET", "/admin/after-sales", admin=True)
    assert len(everything["items"]) == 3
    assert stack.call("GET", "/admin/after-sales?status=nope", admin=True)[0] == 400
    assert stack.call("GET", "/admin/after-sales")[0] == 401


def test_bad_requests_change_nothing(stack: Stack) -> None:
    stack.list_product("cup", [("CUP-A", 1999, 10), ("CUP-B", 1500, 10)])
    alice = stack.login("alice")
    oid, _ = paid_order_with_coupon(stack, alice)
    before = stack.event_count()
    for body, field in [
        ({"kind": "refund_only", "reason": "x", "lines": []}, "lines"),
        ({"kind": "swap", "reason": "x", "lines": [{"sku_id": "CUP-A", "quantity": 1}]}, "kind"),
        (
            {"kind": "refund_only", "reason": "", "lines": [{"sku_id": "CUP-A", "quantity": 1}]},
            "reason",
        ),
        (
            {"kind": "refund_only", "reason": "x", "lines": [{"sku_id": "CUP-A", "quantity": 0}]},
            "lines",
        ),
    ]:
        status, error = stack.call("POST", f"/orders/{oid}/after-sales", token=alice, body=body)
        assert status == 400 and field in str(error["details"]), error
    assert stack.call("POST", f"/orders/{oid}/after-sales", body={})[0] == 401
    assert stack.call("POST", "/admin/after-sales/nope/approve", admin=True)[0] == 404
    assert stack.event_count() == before
