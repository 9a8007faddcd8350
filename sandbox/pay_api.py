"""WeChat Pay v3 endpoints: JSAPI prepay, refunds, order query (merchant-signed requests)."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.wechat import NotificationRejected, rfc3339_china, verify_authorization

from .state import Refund, Transaction, refund_id_for
from .web import Reply, Request, SandboxError, require_fen, require_object, require_str

if TYPE_CHECKING:
    from .core import SandboxCore


def authenticate(sandbox: SandboxCore, request: Request) -> None:
    """401 SIGN_ERROR unless the merchant key signed exactly this request, recently."""
    header = request.headers.get("Authorization")
    if header is None:
        raise SandboxError(401, "SIGN_ERROR", "Authorization header missing")
    try:
        fields = verify_authorization(
            request.method,
            request.target,
            request.text(),
            header,
            sandbox.merchant_public_key,
            sandbox.clock.now(),
        )
    except NotificationRejected as exc:
        raise SandboxError(401, "SIGN_ERROR", f"signature verification failed: {exc}") from exc
    if fields["mchid"] != sandbox.keyring.mchid:
        raise SandboxError(401, "SIGN_ERROR", "mchid does not match the signing key")
    if fields["serial_no"] != sandbox.keyring.merchant_serial:
        raise SandboxError(401, "SIGN_ERROR", "unknown merchant certificate serial_no")


def _time_expire(data: dict[str, Any]) -> datetime | None:
    value = data.get("time_expire")
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(require_str(data, "time_expire"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SandboxError(400, "PARAM_ERROR", "time_expire must be RFC3339 with an offset")
    return moment


def jsapi(sandbox: SandboxCore, request: Request) -> Reply:
    authenticate(sandbox, request)
    data = request.json()
    if data.get("appid") != sandbox.keyring.appid or data.get("mchid") != sandbox.keyring.mchid:
        raise SandboxError(400, "PARAM_ERROR", "appid and mchid do not match")
    amount = require_object(data, "amount")
    if amount.get("currency", "CNY") != "CNY":
        raise SandboxError(400, "PARAM_ERROR", "currency must be CNY")
    attach = data.get("attach", "")
    if not isinstance(attach, str):
        raise SandboxError(400, "PARAM_ERROR", "attach must be a string")
    txn = Transaction(
        out_trade_no=require_str(data, "out_trade_no", max_len=32),
        prepay_id="wx" + sandbox.clock.now().strftime("%Y%m%d%H%M%S") + secrets.token_hex(10),
        appid=sandbox.keyring.appid,
        mchid=sandbox.keyring.mchid,
        description=require_str(data, "description", max_len=127),
        total=require_fen(amount, "total"),
        payer_openid=require_str(require_object(data, "payer"), "openid"),
        notify_url=require_str(data, "notify_url"),
        attach=attach,
        time_expire=_time_expire(data),
    )
    with sandbox.state.lock:
        known = sandbox.state.transactions.get(txn.out_trade_no)
        if known is None:
            sandbox.state.transactions[txn.out_trade_no] = txn
            return Reply(200, {"prepay_id": txn.prepay_id})
        state = known.state_at(sandbox.clock.now())
        if state in ("SUCCESS", "REFUND"):
            raise SandboxError(403, "ORDERPAID", "the order is already paid")
        if state == "CLOSED":
            raise SandboxError(400, "ORDER_CLOSED", "the order is closed")
        same = (known.total, known.description, known.payer_openid) == (
            txn.total,
            txn.description,
            txn.payer_openid,
        )
        if not same:
            raise SandboxError(400, "INVALID_REQUEST", "out_trade_no reused with other parameters")
        return Reply(200, {"prepay_id": known.prepay_id})


def refund_view(refund: Refund) -> dict[str, Any]:
    view: dict[str, Any] = {
        "refund_id": refund.refund_id,
        "out_refund_no": refund.out_refund_no,
        "transaction_id": refund.transaction_id,
        "out_trade_no": refund.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": "支付用户零钱",
        "create_time": refund.create_time,
        "success_time": refund.success_time,
        "status": refund.status,
        "funds_account": "AVAILABLE",
        "amount": {
            "total": refund.total,
            "refund": refund.refund,
            "payer_total": refund.total,
            "payer_refund": refund.refund,
            "currency": "CNY",
        },
    }
    return {name: value for name, value in view.items() if value is not None}


def create_refund(sandbox: SandboxCore, request: Request) -> Reply:
    authenticate(sandbox, request)
    data = request.json()
    out_refund_no = require_str(data, "out_refund_no", max_len=64)
    out_trade_no = require_str(data, "out_trade_no", max_len=32)
    amount = require_object(data, "amount")
    refund_fen, total_fen = require_fen(amount, "refund"), require_fen(amount, "total")
    notify_url = data.get("notify_url")
    if "reason" in data:
        require_str(data, "reason", max_len=80)  # WeChat Pay: 1 to 80 characters
    with sandbox.state.lock:
        txn = sandbox.state.transactions.get(out_trade_no)
        if txn is None:
            raise SandboxError(404, "RESOURCE_NOT_EXISTS", "order does not exist")
        known = sandbox.state.refunds.get(out_refund_no)
        if known is not None:
            if (known.out_trade_no, known.refund) != (out_trade_no, refund_fen):
                raise SandboxError(400, "INVALID_REQUEST", "out_refund_no reused differently")
            return Reply(200, refund_view(known))
        if txn.trade_state not in ("SUCCESS", "REFUND") or txn.transaction_id is None:
            raise SandboxError(400, "INVALID_REQUEST", "the order is not paid")
        if total_fen != txn.total:
            raise SandboxError(400, "PARAM_ERROR", "amount.total differs from the order")
        if sandbox.state.refunded(out_trade_no) + refund_fen > txn.total:
            raise SandboxError(400, "INVALID_REQUEST", "refund exceeds the refundable amount")
        refund = Refund(
            refund_id=refund_id_for(out_refund_no),
            out_refund_no=out_refund_no,
            out_trade_no=out_trade_no,
            transaction_id=txn.transaction_id,
            refund=refund_fen,
            total=total_fen,
            reason=str(data.get("reason") or ""),
            notify_url=notify_url if isinstance(notify_url, str) else txn.notify_url,
            create_time=rfc3339_china(sandbox.clock.now()),
        )
        sandbox.state.refunds[out_refund_no] = refund
    sandbox.refund_requested(out_refund_no)
    return Reply(200, refund_view(refund))


def query_order(sandbox: SandboxCore, request: Request, out_trade_no: str) -> Reply:
    authenticate(sandbox, request)
    if request.query.get("mchid") != sandbox.keyring.mchid:
        raise SandboxError(400, "PARAM_ERROR", "mchid does not match")
    with sandbox.state.lock:
        txn = sandbox.state.transactions.get(out_trade_no)
        if txn is None:
            raise SandboxError(404, "ORDER_NOT_EXISTS", "order does not exist")
        state = txn.state_at(sandbox.clock.now())
        answer: dict[str, Any] = {
            "appid": txn.appid,
            "mchid": txn.mchid,
            "out_trade_no": txn.out_trade_no,
            "trade_type": "JSAPI",
            "trade_state": state,
            "attach": txn.attach,
            "trade_state_desc": {
                "SUCCESS": "支付成功",
                "REFUND": "转入退款",
                "CLOSED": "已关闭",
            }.get(state, "未支付"),
            "payer": {"openid": txn.payer_openid},
            "amount": {"total": txn.total, "currency": "CNY"},
        }
        if txn.transaction_id is not None:
            answer.update(
                transaction_id=txn.transaction_id, success_time=txn.success_time, bank_type="OTHERS"
            )
            answer["amount"].update(payer_total=txn.total, payer_currency="CNY")
    return Reply(200, answer)
