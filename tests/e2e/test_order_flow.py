"""The foundation's whole order flow over HTTP, with signed WeChat Pay callbacks."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.support.stack import Stack

ADDRESS = {
    "receiver": "张三",
    "phone": "13800138000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园 1 号",
}


def place(stack: Stack, token: str, sku: str, quantity: int = 1) -> dict:
    body = {
        "lines": [{"sku_id": sku, "quantity": quantity}],
        "delivery": {"method": "express", "address": ADDRESS},
    }
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    return order


def test_two_members_order_pay_ship_receive_and_refund(stack: Stack) -> None:
    stack.list_product("tea", [("TEA-50G", 6800, 20)])
    alice, bob = stack.login("alice"), stack.login("bob")

    order = place(stack, alice, "TEA-50G", 2)
    assert order["status"] == "pending_payment"
    assert order["price"] == {
        "items_fen": 13600,
        "discount_fen": 0,
        "shipping_fen": 0,
        "payable_fen": 13600,
        "member_discount_fen": 0,
        "coupon_discount_fen": 0,
        "points_used": 0,
        "points_discount_fen": 0,
        "level": "regular",
        "coupon_id": None,
    }
    place(stack, bob, "TEA-50G", 1)
    oid = order["id"]

    status, params = stack.call("POST", f"/orders/{oid}/pay", token=alice)
    assert status == 200, params
    assert params["package"].startswith("prepay_id=") and params["signType"] == "RSA"
    message = (
        f"{stack.container.settings.wechat_appid}\n{params['timeStamp']}\n"
        f"{params['nonceStr']}\n{params['package']}\n"
    )
    stack.sandbox.keyring.merchant_public_key().verify(
        base64.b64decode(params["paySign"]), message.encode(), padding.PKCS1v15(), hashes.SHA256()
    )

    deliveries = stack.sandbox.pay(oid.replace("-", ""), times=3)
    assert deliveries == [204, 204, 204]
    status, paid = stack.call("GET", f"/orders/{oid}", token=alice)
    assert paid["status"] == "paid" and paid["transaction_id"]
    assert [h["event"] for h in paid["history"]].count("paid") == 1
    log = stack.container.shop.store.recorder.select_notifications(start=None, limit=10_000)
    assert sum(1 for n in log if n.topic.endswith("Order.Paid")) == 1

    assert stack.call("GET", f"/orders/{oid}", token=bob)[0] == 404
    assert stack.call("POST", f"/orders/{oid}/cancel", token=bob)[0] == 404
    _, bobs = stack.call("GET", "/orders", token=bob)
    assert [o["id"] for o in bobs["items"]] != [oid] and len(bobs["items"]) == 1

    ship = {"carrier": "SF", "tracking_no": "SF1234567890"}
    status, shipped = stack.call("POST", f"/admin/orders/{oid}/ship", admin=True, body=ship)
    assert status == 200 and shipped["status"] == "shipped"
    assert shipped["shipment"]["tracking_no"] == "SF1234567890"

    status, received = stack.call("POST", f"/orders/{oid}/receive", token=alice)
    assert status == 200 and received["status"] == "received"

    status, requested = stack.call(
        "POST", f"/orders/{oid}/refund", token=alice, body={"reason": "茶叶受潮"}
    )
    assert status == 200 and requested["refund_status"] == "requested"

    status, approved = stack.call("POST", f"/admin/orders/{oid}/refund/approve", admin=True)
    assert status == 200 and approved["refund_status"] == "approved"
    out_refund_no = approved["refund"]["out_refund_no"]
    sent = stack.sandbox.snapshot()["refunds"][out_refund_no]
    assert (sent["refund"], sent["reason"]) == (13600, "茶叶受潮")  # the buyer's notice shows it
    _, outbox = stack.call("GET", "/admin/outbox", admin=True)
    refunds = [m for m in outbox["items"] if m["kind"] == "wechatpay.refund"]
    assert [(m["id"], m["status"]) for m in refunds] == [(out_refund_no, "sent")]

    assert stack.sandbox.complete_refund(out_refund_no, times=2) == [204, 204]
    status, refunded = stack.call("GET", f"/orders/{oid}", token=alice)
    assert refunded["status"] == "refunded" and refunded["refund_status"] == "refunded"
    _, mine = stack.call("GET", "/orders?status=refunded", token=alice)
    assert [o["id"] for o in mine["items"]] == [oid]


def test_store_pickup_flow_and_stock_returned_on_cancel(stack: Stack) -> None:
    product = stack.list_product("cup", [("CUP-1", 12800, 3)])
    alice = stack.login("alice")
    body = {
        "lines": [{"sku_id": "CUP-1", "quantity": 2}],
        "delivery": {"method": "pickup", "store_id": "shenzhen-01"},
    }
    _, order = stack.call("POST", "/orders", token=alice, body=body)
    assert order["price"]["shipping_fen"] == 0

    _, shown = stack.call("GET", f"/products/{product['id']}")
    assert shown["skus"][0]["available"] == 1
    status, cancelled = stack.call("POST", f"/orders/{order['id']}/cancel", token=alice)
    assert status == 200 and cancelled["status"] == "cancelled"
    _, shown = stack.call("GET", f"/products/{product['id']}")
    assert shown["skus"][0]["available"] == 3
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=alice)[0] == 409

    _, order = stack.call("POST", "/orders", token=alice, body=body)
    oid = order["id"]
    stack.call("POST", f"/orders/{oid}/pay", token=alice)
    stack.sandbox.pay(oid.replace("-", ""))
    assert (
        stack.call(
            "POST",
            f"/admin/orders/{oid}/ship",
            admin=True,
            body={"carrier": "SF", "tracking_no": "1"},
        )[0]
        == 409
    )
    _, ready = stack.call("POST", f"/admin/orders/{oid}/ready-for-pickup", admin=True)
    assert ready["status"] == "ready_for_pickup"
    _, picked = stack.call("POST", f"/admin/orders/{oid}/picked-up", admin=True)
    assert picked["status"] == "picked_up"
