from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chalicelib.adapters.wechat import WeChatError, WeChatPayClient, WeChatUnavailable
from chalicelib.clock import FixedClock
from sandbox import Keyring, Sandbox, SandboxError

from .conftest import START, Receiver, make_pay_client

OPENID = "oSANDBOXpayer000000000000000"


def _prepay(pay: WeChatPayClient, out_trade_no: str = "ML20261101000001", total: int = 990) -> str:
    return pay.jsapi_prepay(
        out_trade_no=out_trade_no,
        description="Miniloop 咖啡豆",
        total_fen=total,
        payer_openid=OPENID,
    )


def test_jsapi_prepay(pay: WeChatPayClient, sandbox: Sandbox, receiver: Receiver) -> None:
    prepay_id = pay.jsapi_prepay(
        out_trade_no="ML1",
        description="Miniloop 咖啡豆",
        total_fen=990,
        payer_openid=OPENID,
        time_expire=START + timedelta(minutes=15),
        attach="order:1",
    )
    assert prepay_id.startswith("wx") and len(prepay_id) == 36
    txn = sandbox.snapshot()["transactions"]["ML1"]
    assert txn["total"] == 990
    assert txn["trade_state"] == "NOTPAY"
    assert txn["time_expire"] == "2026-11-01T10:15:00+08:00"
    assert txn["notify_url"] == receiver.url + "/wechat/pay/notify"
    assert txn["attach"] == "order:1"


def test_prepay_is_idempotent_by_out_trade_no(pay: WeChatPayClient) -> None:
    first = _prepay(pay, "ML2")
    assert _prepay(pay, "ML2") == first
    with pytest.raises(WeChatError) as err:
        _prepay(pay, "ML2", total=991)
    assert (err.value.errcode, err.value.code) == (400, "INVALID_REQUEST")


def test_prepay_parameters_are_validated(pay: WeChatPayClient) -> None:
    with pytest.raises(WeChatError) as err:
        _prepay(pay, "ML3", total=0)
    assert (err.value.errcode, err.value.code) == (400, "PARAM_ERROR")


def test_request_signed_with_wrong_key_is_refused(
    sandbox: Sandbox, keyring: Keyring, clock: FixedClock, other_key: rsa.RSAPrivateKey
) -> None:
    forger = make_pay_client(sandbox, keyring, clock, "http://n", private_key=other_key)
    with pytest.raises(WeChatError) as err:
        _prepay(forger)
    assert (err.value.errcode, err.value.code) == (401, "SIGN_ERROR")
    assert sandbox.snapshot()["transactions"] == {}


def test_request_with_unknown_serial_or_stale_clock_is_refused(
    sandbox: Sandbox, keyring: Keyring, clock: FixedClock
) -> None:
    wrong_serial = make_pay_client(sandbox, keyring, clock, "http://n", serial_no="0BAD")
    late = make_pay_client(sandbox, keyring, FixedClock(START - timedelta(minutes=6)), "http://n")
    for client in (wrong_serial, late):
        with pytest.raises(WeChatError) as err:
            _prepay(client)
        assert err.value.code == "SIGN_ERROR"


def test_unverifiable_answer_is_unavailable(
    sandbox: Sandbox, keyring: Keyring, clock: FixedClock, other_key: rsa.RSAPrivateKey
) -> None:
    trusting_another = make_pay_client(
        sandbox,
        keyring,
        clock,
        "http://n",
        platform_keys={keyring.platform_serial: other_key.public_key()},
    )
    with pytest.raises(WeChatUnavailable, match="bad signature"):
        _prepay(trusting_another)


def test_payment_params_verify_with_merchant_key(pay: WeChatPayClient, keyring: Keyring) -> None:
    params = pay.payment_params(_prepay(pay))
    message = f"{keyring.appid}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    keyring.merchant_private_key().public_key().verify(
        base64.b64decode(params["paySign"]), message.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_query_order(pay: WeChatPayClient, sandbox: Sandbox) -> None:
    _prepay(pay, "ML4")
    assert pay.query_order("ML4")["trade_state"] == "NOTPAY"
    sandbox.pay("ML4")
    order = pay.query_order("ML4")
    assert order["trade_state"] == "SUCCESS"
    assert order["transaction_id"].startswith("4200")
    assert order["amount"]["payer_total"] == 990
    with pytest.raises(WeChatError) as err:
        pay.query_order("NOPE")
    assert (err.value.errcode, err.value.code) == (404, "ORDER_NOT_EXISTS")


def test_expired_order_closes(pay: WeChatPayClient, sandbox: Sandbox, clock: FixedClock) -> None:
    pay.jsapi_prepay(
        out_trade_no="ML5",
        description="d",
        total_fen=100,
        payer_openid=OPENID,
        time_expire=START + timedelta(minutes=15),
    )
    clock.advance(minutes=15)
    assert pay.query_order("ML5")["trade_state"] == "CLOSED"
    with pytest.raises(SandboxError, match="ORDER_CLOSED"):
        sandbox.pay("ML5")


def test_refund_is_idempotent_by_out_refund_no(pay: WeChatPayClient, sandbox: Sandbox) -> None:
    _prepay(pay, "ML6", total=1000)
    sandbox.pay("ML6")
    first = pay.create_refund(
        out_trade_no="ML6", out_refund_no="RF6-1", refund_fen=400, total_fen=1000, reason="缺货"
    )
    assert first["status"] == "PROCESSING"
    assert first["amount"]["refund"] == 400
    again = pay.create_refund(
        out_trade_no="ML6", out_refund_no="RF6-1", refund_fen=400, total_fen=1000
    )
    assert again["refund_id"] == first["refund_id"]
    assert list(sandbox.snapshot()["refunds"]) == ["RF6-1"]
    pay.create_refund(out_trade_no="ML6", out_refund_no="RF6-2", refund_fen=600, total_fen=1000)
    with pytest.raises(WeChatError) as err:
        pay.create_refund(out_trade_no="ML6", out_refund_no="RF6-3", refund_fen=1, total_fen=1000)
    assert err.value.code == "INVALID_REQUEST"


def test_a_refund_reason_is_sent_within_wechat_pays_80_characters(
    pay: WeChatPayClient, sandbox: Sandbox
) -> None:
    """A member's after-sales reason may be 200 characters; WeChat Pay takes 80."""
    _prepay(pay, "ML8", total=1000)
    sandbox.pay("ML8")
    pay.create_refund(
        out_trade_no="ML8", out_refund_no="RF8", refund_fen=400, total_fen=1000, reason="裂" * 200
    )
    assert sandbox.snapshot()["refunds"]["RF8"]["reason"] == "裂" * 80
    too_long = {
        "out_trade_no": "ML8",
        "out_refund_no": "RF8-2",
        "reason": "裂" * 81,
        "amount": {"refund": 100, "total": 1000, "currency": "CNY"},
    }
    with pytest.raises(WeChatError) as err:  # the sandbox refuses what WeChat Pay would
        pay._call("POST", "/v3/refund/domestic/refunds", too_long)
    assert err.value.code == "PARAM_ERROR"
    assert "RF8-2" not in sandbox.snapshot()["refunds"]


def test_refund_of_unpaid_order_is_refused(pay: WeChatPayClient) -> None:
    _prepay(pay, "ML7")
    with pytest.raises(WeChatError) as err:
        pay.create_refund(out_trade_no="ML7", out_refund_no="RF7", refund_fen=1, total_fen=990)
    assert err.value.code == "INVALID_REQUEST"
