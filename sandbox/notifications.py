"""Signed, encrypted WeChat Pay notifications, and their delivery to the merchant."""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.wechat import (
    encrypt_resource,
    random_nonce,
    rfc3339_china,
    sign_message,
)

from .state import Refund, Transaction

if TYPE_CHECKING:
    from .core import SandboxCore

logger = logging.getLogger("sandbox")

REFUND_SUMMARIES = {"SUCCESS": "退款成功", "CLOSED": "退款关闭", "ABNORMAL": "退款异常"}
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def signed_headers(
    sandbox: SandboxCore, body: bytes, *, timestamp: int | None = None, bad_signature: bool = False
) -> dict[str, str]:
    """``Wechatpay-*`` headers as on notifications and API answers, by the platform key."""
    ts = timestamp if timestamp is not None else int(sandbox.clock.now().timestamp())
    nonce = random_nonce()
    signed = body + b"\x00forged" if bad_signature else body
    return {
        "Wechatpay-Timestamp": str(ts),
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": sign_message(ts, nonce, signed, sandbox.platform_private_key),
        "Wechatpay-Serial": sandbox.keyring.platform_serial,
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    }


def payment_plaintext(
    txn: Transaction, transaction_id: str, success_time: str, total: int
) -> dict[str, Any]:
    return {
        "appid": txn.appid,
        "mchid": txn.mchid,
        "out_trade_no": txn.out_trade_no,
        "transaction_id": transaction_id,
        "trade_type": "JSAPI",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "attach": txn.attach,
        "success_time": success_time,
        "payer": {"openid": txn.payer_openid},
        "amount": {
            "total": total,
            "payer_total": total,
            "currency": "CNY",
            "payer_currency": "CNY",
        },
    }


def refund_plaintext(sandbox: SandboxCore, refund: Refund) -> dict[str, Any]:
    plaintext: dict[str, Any] = {
        "mchid": sandbox.keyring.mchid,
        "out_trade_no": refund.out_trade_no,
        "transaction_id": refund.transaction_id,
        "out_refund_no": refund.out_refund_no,
        "refund_id": refund.refund_id,
        "refund_status": refund.status,
        "user_received_account": "支付用户零钱",
        "amount": {
            "total": refund.total,
            "refund": refund.refund,
            "payer_total": refund.total,
            "payer_refund": refund.refund,
        },
    }
    if refund.success_time is not None:
        plaintext["success_time"] = refund.success_time
    return plaintext


def envelope(
    sandbox: SandboxCore,
    *,
    notification_id: str,
    event_type: str,
    summary: str,
    plaintext: dict[str, Any],
    original_type: str,
) -> bytes:
    resource = encrypt_resource(
        plaintext,
        sandbox.keyring.apiv3_key,
        nonce=random_nonce(12),
        associated_data=original_type,
        original_type=original_type,
    )
    body = {
        "id": notification_id,
        "create_time": rfc3339_china(sandbox.clock.now()),
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": resource,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def deliver(url: str, headers: Mapping[str, str], body: bytes, timeout: float = 5.0) -> int:
    """POSTs a notification; the HTTP status, or 0 when the merchant could not be reached."""
    all_headers = {"Content-Type": "application/json", **headers}
    request = urllib.request.Request(url, data=body, headers=all_headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status: int = response.status
    except urllib.error.HTTPError as err:
        err.close()
        status = err.code
    except (OSError, http.client.HTTPException) as exc:
        logger.warning("notification to %s failed: %s", url, exc)
        status = 0
    logger.info("notification -> %s: %s", url, status)
    return status
