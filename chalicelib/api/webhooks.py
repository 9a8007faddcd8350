"""WeChat's callbacks: the WeChat Pay v3 payment and refund notifications.

The signature and timestamp are verified before anything is read; a refused
notification changes nothing and is answered 4xx `{"code":"FAIL"}` (WeChat
retries); an accepted or already-recorded one is answered 204.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from ..bootstrap import Container, container
from .responses import json_response

if TYPE_CHECKING:
    from ..adapters.wechat import PayNotification

bp = Blueprint(__name__)
log = logging.getLogger(__name__)


def _fail(status: int, message: str) -> Response:
    return json_response({"code": "FAIL", "message": message}, status)


@bp.route("/webhooks/wechatpay/notify", methods=["POST"])
def wechatpay_notify() -> Response:
    from ..adapters.wechat import NotificationRejected, parse_notification
    from ..application.errors import Busy, NotFound
    from ..domain.errors import DomainError

    request = bp.current_request
    c = container()
    raw = request.raw_body or b""
    try:
        notification = parse_notification(
            request.headers,
            raw.encode() if isinstance(raw, str) else raw,
            platform_keys=c.clients.platform_keys,
            apiv3_key=c.clients.apiv3_key,
            now=c.now(),
        )
    except NotificationRejected as error:
        log.warning("refused a WeChat Pay notification: %s", error.reason)
        return _fail(401, error.reason)
    try:
        _record(c, notification)
    except (KeyError, TypeError, ValueError) as error:
        return _fail(400, f"unexpected notification content: {error}")
    except NotFound as error:
        return _fail(404, str(error))
    except Busy:
        return _fail(503, "busy; retry later")
    except DomainError as error:
        log.warning("notification %s not recorded: %s", notification.id, error.message)
        return _fail(409, error.message)
    return Response(body="", status_code=204)


def _record(c: Container, n: PayNotification) -> None:
    resource: dict[str, Any] = n.resource
    if resource.get("mchid") != c.settings.wechatpay_mchid:
        raise ValueError("mchid does not match this shop")
    if n.event_type == "TRANSACTION.SUCCESS":
        if resource["appid"] != c.settings.wechat_appid:
            raise ValueError("appid does not match this shop")
        if resource["trade_state"] != "SUCCESS":
            raise ValueError(f"trade_state is {resource['trade_state']}")
        c.shop.payments.record_payment(
            out_trade_no=str(resource["out_trade_no"]),
            transaction_id=str(resource["transaction_id"]),
            amount_fen=_fen(resource["amount"]["total"]),
            paid_at=datetime.fromisoformat(resource["success_time"]),
        )
    elif n.event_type == "REFUND.SUCCESS":
        after_sales = c.shop.after_sales.owns_refund(str(resource["out_refund_no"]))
        record = c.shop.after_sales.record_refund if after_sales else c.shop.payments.record_refund
        record(
            out_trade_no=str(resource["out_trade_no"]),
            out_refund_no=str(resource["out_refund_no"]),
            refund_id=str(resource["refund_id"]),
            amount_fen=_fen(resource["amount"]["refund"]),
            refunded_at=datetime.fromisoformat(resource["success_time"]),
        )
    elif n.event_type in ("REFUND.CLOSED", "REFUND.ABNORMAL"):
        after_sales = c.shop.after_sales.owns_refund(str(resource["out_refund_no"]))
        failed = (
            c.shop.after_sales.record_refund_failure
            if after_sales
            else c.shop.payments.record_refund_failure
        )
        failed(
            out_trade_no=str(resource["out_trade_no"]),
            out_refund_no=str(resource["out_refund_no"]),
            outcome=str(resource.get("refund_status", n.event_type)),
        )
    else:
        log.info("ignored WeChat Pay notification type %s", n.event_type)


def _fen(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("amounts must be integer fen")
    return value
