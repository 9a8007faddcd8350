"""The sandbox delivers notifications that the real parser accepts (and forges ones it refuses)."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.adapters.wechat import (
    NotificationRejected,
    PayNotification,
    WeChatPayClient,
    parse_notification,
)
from chalicelib.clock import FixedClock
from sandbox import Keyring, Sandbox

from .conftest import START, Receiver, get_json, make_pay_client, post_json

OPENID = "oSANDBOXpayer000000000000000"


def _parse(keyring: Keyring, clock: FixedClock, headers: dict[str, str], body: bytes) -> Any:
    return parse_notification(
        headers,
        body,
        platform_keys=keyring.platform_keys(),
        apiv3_key=keyring.apiv3_key,
        now=clock.now(),
    )


def _order(pay: WeChatPayClient, out_trade_no: str, total: int = 1990) -> None:
    pay.jsapi_prepay(
        out_trade_no=out_trade_no,
        description="d",
        total_fen=total,
        payer_openid=OPENID,
        attach="cart:7",
    )


def test_pay_delivers_a_notification_the_parser_accepts(
    pay: WeChatPayClient,
    sandbox: Sandbox,
    receiver: Receiver,
    keyring: Keyring,
    clock: FixedClock,
) -> None:
    _order(pay, "ML10")
    assert sandbox.pay("ML10") == [200]
    [delivery] = receiver.received
    assert delivery.path == "/wechat/pay/notify"
    envelope = json.loads(delivery.body)
    assert envelope["resource_type"] == "encrypt-resource"
    assert envelope["summary"] == "支付成功"
    assert envelope["resource"]["algorithm"] == "AEAD_AES_256_GCM"
    assert envelope["resource"]["associated_data"] == "transaction"
    assert envelope["resource"]["original_type"] == "transaction"
    notification = _parse(keyring, clock, delivery.headers, delivery.body)
    assert isinstance(notification, PayNotification)
    assert notification.event_type == "TRANSACTION.SUCCESS"
    assert notification.create_time == "2026-11-01T10:00:00+08:00"
    assert notification.resource == {
        "appid": keyring.appid,
        "mchid": keyring.mchid,
        "out_trade_no": "ML10",
        "transaction_id": sandbox.snapshot()["transactions"]["ML10"]["transaction_id"],
        "trade_type": "JSAPI",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "attach": "cart:7",
        "success_time": "2026-11-01T10:00:00+08:00",
        "payer": {"openid": OPENID},
        "amount": {"total": 1990, "payer_total": 1990, "currency": "CNY", "payer_currency": "CNY"},
    }


def test_repeated_notifications_share_id_and_transaction(
    pay: WeChatPayClient,
    sandbox: Sandbox,
    receiver: Receiver,
    keyring: Keyring,
    clock: FixedClock,
) -> None:
    _order(pay, "ML11")
    assert sandbox.pay("ML11", times=3) == [200, 200, 200]
    clock.advance(minutes=1)
    status, answer = post_json(sandbox.base_url + "/sandbox/pay", {"out_trade_no": "ML11"})
    assert (status, answer) == (200, {"deliveries": [200]})
    parsed = [_parse(keyring, clock, r.headers, r.body) for r in receiver.received]
    assert len({n.id for n in parsed}) == 1
    assert len({n.resource["transaction_id"] for n in parsed}) == 1
    assert {n.resource["success_time"] for n in parsed} == {"2026-11-01T10:00:00+08:00"}


def test_merchant_errors_are_reported(
    pay: WeChatPayClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    _order(pay, "ML12")
    receiver.status = 500
    assert sandbox.pay("ML12", times=2) == [500, 500]
    receiver.close()
    assert sandbox.pay("ML12") == [0]


def test_forged_variants_are_rejected(
    pay: WeChatPayClient,
    sandbox: Sandbox,
    receiver: Receiver,
    keyring: Keyring,
    clock: FixedClock,
) -> None:
    _order(pay, "ML13")
    headers, body = sandbox.build_payment_notification("ML13", bad_signature=True)
    with pytest.raises(NotificationRejected, match="bad signature"):
        _parse(keyring, clock, headers, body)
    stale = int((START - timedelta(minutes=6)).timestamp())
    headers, body = sandbox.build_payment_notification("ML13", timestamp=stale)
    with pytest.raises(NotificationRejected, match="stale timestamp"):
        _parse(keyring, clock, headers, body)
    assert sandbox.deliver(receiver.url + "/n", headers, body) == 200
    assert receiver.received[0].body == body


def test_mismatched_amount_is_authentic_but_different(
    pay: WeChatPayClient, sandbox: Sandbox, keyring: Keyring, clock: FixedClock
) -> None:
    _order(pay, "ML14", total=1990)
    headers, body = sandbox.build_payment_notification("ML14", amount_total=1)
    notification = _parse(keyring, clock, headers, body)
    assert notification.resource["amount"]["total"] == 1
    assert sandbox.snapshot()["transactions"]["ML14"]["trade_state"] == "NOTPAY"


def test_refund_completion_is_notified(
    pay: WeChatPayClient,
    sandbox: Sandbox,
    receiver: Receiver,
    keyring: Keyring,
    clock: FixedClock,
) -> None:
    _order(pay, "ML15", total=1000)
    sandbox.pay("ML15")
    refund = pay.create_refund(
        out_trade_no="ML15", out_refund_no="RF15", refund_fen=300, total_fen=1000
    )
    clock.advance(seconds=30)
    url = f"{sandbox.base_url}/sandbox/refunds/RF15/complete"
    assert post_json(url, {"status": "SUCCESS"}) == (200, {"deliveries": [200]})
    notification = _parse(keyring, clock, receiver.received[-1].headers, receiver.received[-1].body)
    assert notification.event_type == "REFUND.SUCCESS"
    assert notification.resource == {
        "mchid": keyring.mchid,
        "out_trade_no": "ML15",
        "transaction_id": refund["transaction_id"],
        "out_refund_no": "RF15",
        "refund_id": refund["refund_id"],
        "refund_status": "SUCCESS",
        "success_time": "2026-11-01T10:00:30+08:00",
        "user_received_account": "支付用户零钱",
        "amount": {"total": 1000, "refund": 300, "payer_total": 1000, "payer_refund": 300},
    }
    assert pay.query_order("ML15")["trade_state"] == "REFUND"
    assert post_json(url, {"status": "CLOSED"})[0] == 400


def test_closed_refund_frees_the_amount(
    pay: WeChatPayClient,
    sandbox: Sandbox,
    receiver: Receiver,
    keyring: Keyring,
    clock: FixedClock,
) -> None:
    _order(pay, "ML16", total=500)
    sandbox.pay("ML16")
    pay.create_refund(out_trade_no="ML16", out_refund_no="RF16a", refund_fen=500, total_fen=500)
    assert sandbox.complete_refund("RF16a", "ABNORMAL") == [200]
    assert sandbox.complete_refund("RF16a", "CLOSED") == [200]
    events = [_parse(keyring, clock, r.headers, r.body).event_type for r in receiver.received[1:]]
    assert events == ["REFUND.ABNORMAL", "REFUND.CLOSED"]
    again = pay.create_refund(
        out_trade_no="ML16", out_refund_no="RF16b", refund_fen=500, total_fen=500
    )
    assert again["status"] == "PROCESSING"


def test_auto_complete_refunds(keyring: Keyring, clock: FixedClock, receiver: Receiver) -> None:
    with Sandbox(keyring, clock=clock, auto_complete_refunds=True, refund_delay_s=0.05) as box:
        pay = make_pay_client(box, keyring, clock, receiver.url + "/notify")
        _order(pay, "ML17", total=100)
        box.pay("ML17")
        pay.create_refund(out_trade_no="ML17", out_refund_no="RF17", refund_fen=100, total_fen=100)
        deadline = time.monotonic() + 5
        while len(receiver.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    last = receiver.received[-1]
    assert _parse(keyring, clock, last.headers, last.body).event_type == "REFUND.SUCCESS"
    assert box.snapshot()["refunds"]["RF17"]["status"] == "SUCCESS"


def test_notify_base_redirects_deliveries(
    keyring: Keyring, clock: FixedClock, receiver: Receiver
) -> None:
    with Sandbox(keyring, clock=clock, notify_base=receiver.url) as box:
        pay = make_pay_client(box, keyring, clock, "https://shop.example.com/wechat/pay/notify")
        _order(pay, "ML18")
        assert box.pay("ML18") == [200]
    assert receiver.received[0].path == "/wechat/pay/notify"


def test_bad_control_requests_do_not_break_the_server(sandbox: Sandbox) -> None:
    base = sandbox.base_url
    assert post_json(base + "/sandbox/pay", b"{not json")[0] == 400
    assert post_json(base + "/sandbox/pay", {"out_trade_no": "NONE"})[0] == 404
    assert post_json(base + "/sandbox/pay", {"out_trade_no": "X", "times": "3"})[0] == 400
    assert post_json(base + "/sandbox/refunds/NONE/complete", {"status": "SUCCESS"})[0] == 404
    assert post_json(base + "/sandbox/refunds/NONE/complete", {"status": "MAYBE"})[0] == 400
    assert post_json(base + "/nowhere", {})[0] == 404
    assert get_json(base + "/sandbox/pay")[0] == 405
    assert post_json(base + "/v3/pay/transactions/jsapi", [1, 2])[1]["code"] == "SIGN_ERROR"
    assert get_json(base + "/sandbox/state") == (
        200,
        {"transactions": {}, "refunds": {}, "token_requests": 0},
    )
