"""Sandbox-only actions (not WeChat APIs): the user pays, a refund completes, login/phone codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.adapters.wechat import rfc3339_china

from .mp_api import mint_login_code, mint_phone_code
from .notifications import (
    REFUND_SUMMARIES,
    envelope,
    payment_plaintext,
    refund_plaintext,
    signed_headers,
)
from .state import new_id, transaction_id_for
from .web import Reply, Request, SandboxError, require_str

if TYPE_CHECKING:
    from .core import SandboxCore


def _times(data: dict[str, Any]) -> int:
    times = data.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or not 0 <= times <= 20:
        raise SandboxError(400, "PARAM_ERROR", "times must be an integer from 0 to 20")
    return times


def payment_notification(
    sandbox: SandboxCore,
    out_trade_no: str,
    *,
    amount_total: int | None = None,
    timestamp: int | None = None,
    bad_signature: bool = False,
) -> tuple[dict[str, str], bytes]:
    """A TRANSACTION.SUCCESS notification for the order, paid or not; changes nothing."""
    with sandbox.state.lock:
        txn = sandbox.state.transactions.get(out_trade_no)
        if txn is None:
            raise SandboxError(404, "ORDER_NOT_EXISTS", "order does not exist")
        transaction_id = txn.transaction_id or transaction_id_for(out_trade_no)
        success_time = txn.success_time or rfc3339_china(sandbox.clock.now())
        total = txn.total if amount_total is None else amount_total
        plaintext = payment_plaintext(txn, transaction_id, success_time, total)
        notification_id = txn.notification_id or new_id()
    body = envelope(
        sandbox,
        notification_id=notification_id,
        event_type="TRANSACTION.SUCCESS",
        summary="支付成功",
        plaintext=plaintext,
        original_type="transaction",
    )
    return signed_headers(sandbox, body, timestamp=timestamp, bad_signature=bad_signature), body


def pay(sandbox: SandboxCore, out_trade_no: str, times: int = 1) -> list[int]:
    """The payer pays: the order becomes SUCCESS and is notified ``times`` times."""
    with sandbox.state.lock:
        txn = sandbox.state.transactions.get(out_trade_no)
        if txn is None:
            raise SandboxError(404, "ORDER_NOT_EXISTS", "order does not exist")
        if txn.state_at(sandbox.clock.now()) == "CLOSED":
            raise SandboxError(400, "ORDER_CLOSED", "the order is closed")
        if txn.trade_state == "NOTPAY":
            txn.trade_state = "SUCCESS"
            txn.transaction_id = transaction_id_for(out_trade_no)
            txn.success_time = rfc3339_china(sandbox.clock.now())
            txn.notification_id = new_id()
        url = sandbox.notify_target(txn.notify_url)
    _, body = payment_notification(sandbox, out_trade_no)
    return [sandbox.deliver(url, signed_headers(sandbox, body), body) for _ in range(times)]


def complete_refund(
    sandbox: SandboxCore, out_refund_no: str, status: str = "SUCCESS", times: int = 1
) -> list[int]:
    """The refund ends (SUCCESS, CLOSED) or goes ABNORMAL; REFUND.* is notified."""
    if status not in REFUND_SUMMARIES:
        raise SandboxError(400, "PARAM_ERROR", "status must be SUCCESS, CLOSED or ABNORMAL")
    with sandbox.state.lock:
        refund = sandbox.state.refunds.get(out_refund_no)
        if refund is None:
            raise SandboxError(404, "RESOURCE_NOT_EXISTS", "refund does not exist")
        if refund.status != status:
            if refund.status in ("SUCCESS", "CLOSED"):
                raise SandboxError(400, "INVALID_REQUEST", f"refund is already {refund.status}")
            refund.status = status
            if status == "SUCCESS":
                refund.success_time = rfc3339_china(sandbox.clock.now())
                sandbox.state.transactions[refund.out_trade_no].trade_state = "REFUND"
        plaintext = refund_plaintext(sandbox, refund)
        url = sandbox.notify_target(refund.notify_url)
        notification_id = refund.notification_id
    body = envelope(
        sandbox,
        notification_id=notification_id,
        event_type=f"REFUND.{status}",
        summary=REFUND_SUMMARIES[status],
        plaintext=plaintext,
        original_type="refund",
    )
    return [sandbox.deliver(url, signed_headers(sandbox, body), body) for _ in range(times)]


def login_codes_endpoint(sandbox: SandboxCore, request: Request) -> Reply:
    data = request.json()
    unionid = data.get("unionid", True)
    if not isinstance(unionid, bool):
        raise SandboxError(400, "PARAM_ERROR", "unionid must be a boolean")
    return Reply(200, mint_login_code(sandbox, require_str(data, "user"), unionid))


def _optional_digits(data: dict[str, Any], name: str, sizes: range) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise SandboxError(400, "PARAM_ERROR", f"{name} must be a string of digits")
    if len(value) not in sizes:
        raise SandboxError(400, "PARAM_ERROR", f"{name} must have {sizes[0]}-{sizes[-1]} digits")
    return value


def phone_codes_endpoint(sandbox: SandboxCore, request: Request) -> Reply:
    data = request.json()
    phone = _optional_digits(data, "phone", range(5, 16))
    country_code = _optional_digits(data, "country_code", range(1, 5)) or "86"
    return Reply(200, mint_phone_code(sandbox, require_str(data, "user"), phone, country_code))


def pay_endpoint(sandbox: SandboxCore, request: Request) -> Reply:
    data = request.json()
    deliveries = pay(sandbox, require_str(data, "out_trade_no"), _times(data))
    return Reply(200, {"deliveries": deliveries})


def complete_refund_endpoint(sandbox: SandboxCore, request: Request, out_refund_no: str) -> Reply:
    data = request.json()
    status = data.get("status", "SUCCESS")
    if not isinstance(status, str):
        raise SandboxError(400, "PARAM_ERROR", "status must be a string")
    deliveries = complete_refund(sandbox, out_refund_no, status, _times(data))
    return Reply(200, {"deliveries": deliveries})


def state_endpoint(sandbox: SandboxCore, request: Request) -> Reply:
    return Reply(200, sandbox.state.snapshot())
