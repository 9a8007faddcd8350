"""Forged, stale or mismatched WeChat Pay notifications are refused and change nothing."""

from __future__ import annotations

import pytest

from tests.support.stack import Stack


@pytest.fixture
def unpaid(stack: Stack) -> str:
    stack.list_product("tea", [("TEA", 6800, 5)])
    token = stack.login("alice")
    body = {
        "lines": [{"sku_id": "TEA", "quantity": 1}],
        "delivery": {"method": "pickup", "store_id": "s1"},
    }
    _, order = stack.call("POST", "/orders", token=token, body=body)
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=token)[0] == 200
    return str(order["id"]).replace("-", "")


def deliver(stack: Stack, headers: dict[str, str], body: bytes) -> int:
    return stack.sandbox.deliver(stack.container.settings.notify_url, headers, body)


def order_status(stack: Stack, trade_no: str) -> str:
    _, order = stack.call("GET", f"/admin/orders/{trade_no}", admin=True)
    return str(order["status"])


def test_bad_signature_is_refused(stack: Stack, unpaid: str) -> None:
    before = stack.event_count()
    headers, body = stack.sandbox.build_payment_notification(unpaid, bad_signature=True)
    assert deliver(stack, headers, body) == 401
    assert stack.event_count() == before and order_status(stack, unpaid) == "pending_payment"


def test_tampered_body_is_refused(stack: Stack, unpaid: str) -> None:
    before = stack.event_count()
    headers, body = stack.sandbox.build_payment_notification(unpaid)
    assert deliver(stack, headers, body.replace(b'"summary"', b'"Summary"')) == 401
    assert stack.event_count() == before


def test_six_minutes_old_is_refused_but_four_is_fine(stack: Stack, unpaid: str) -> None:
    now = int(stack.clock.now().timestamp())
    before = stack.event_count()
    headers, body = stack.sandbox.build_payment_notification(unpaid, timestamp=now - 360)
    assert deliver(stack, headers, body) == 401
    assert stack.event_count() == before and order_status(stack, unpaid) == "pending_payment"
    headers, body = stack.sandbox.build_payment_notification(unpaid, timestamp=now - 240)
    assert deliver(stack, headers, body) == 204
    assert order_status(stack, unpaid) == "paid"


def test_amount_differing_from_the_order_is_refused(stack: Stack, unpaid: str) -> None:
    before = stack.event_count()
    headers, body = stack.sandbox.build_payment_notification(unpaid, amount_total=1)
    assert deliver(stack, headers, body) == 409
    assert stack.event_count() == before and order_status(stack, unpaid) == "pending_payment"


def test_garbage_and_unknown_orders_never_500(stack: Stack, unpaid: str) -> None:
    url = stack.container.settings.notify_url
    assert stack.http.post(url, data=b"not json").status_code == 401
    assert stack.http.post(url, json={"id": "x"}).status_code == 401
    headers, body = stack.sandbox.build_payment_notification(unpaid)
    headers["Wechatpay-Serial"] = "PUB_KEY_ID_UNKNOWN"
    assert deliver(stack, headers, body) == 401


def test_payment_that_arrives_after_the_order_was_cancelled_is_refunded(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    token = stack.login("alice")
    body = {
        "lines": [{"sku_id": "TEA", "quantity": 1}],
        "delivery": {"method": "pickup", "store_id": "s1"},
    }
    _, order = stack.call("POST", "/orders", token=token, body=body)
    trade_no = str(order["id"]).replace("-", "")
    real_url = stack.container.settings.public_url
    stack.container.settings.public_url = "http://127.0.0.1:9"  # WeChat cannot reach us
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=token)[0] == 200
    stack.clock.advance(minutes=29)
    assert stack.sandbox.pay(trade_no) == [0]  # paid at WeChat, notification lost
    stack.container.settings.public_url = real_url

    stack.clock.advance(minutes=2)
    _, done = stack.call("POST", "/admin/jobs/run", admin=True)
    assert done["cancelled_unpaid"] == 1
    headers, late = stack.sandbox.build_payment_notification(trade_no)
    assert deliver(stack, headers, late) == 204

    _, closed = stack.call("GET", f"/admin/orders/{trade_no}", admin=True)
    assert closed["status"] == "cancelled" and closed["refund_status"] == "approved"
    out_refund_no = closed["refund"]["out_refund_no"]
    assert stack.sandbox.snapshot()["refunds"][out_refund_no]["refund"] == 6800
