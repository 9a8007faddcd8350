"""WeChat Pay API v3 client: JSAPI prepay, payment parameters, refunds, order queries."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.clock import Clock

from .errors import NotificationRejected, WeChatError, WeChatUnavailable
from .http import HttpClient, HttpResponse
from .paysign import (
    authorization_header,
    pay_sign,
    random_nonce,
    verify_notification_signature,
)

CHINA = timezone(timedelta(hours=8))
MAX_REFUND_REASON = 80
"""WeChat Pay takes a refund reason of 1 to 80 characters (the buyer's notice shows it)."""


def rfc3339_china(moment: datetime) -> str:
    """``2026-11-01T10:00:00+08:00``: the time format WeChat Pay sends and expects."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(CHINA).isoformat(timespec="seconds")


class WeChatPayClient:
    def __init__(
        self,
        base_url: str,
        *,
        appid: str,
        mchid: str,
        serial_no: str,
        private_key: rsa.RSAPrivateKey,
        platform_keys: Mapping[str, rsa.RSAPublicKey],
        notify_url: str,
        clock: Clock,
        http: HttpClient | None = None,
        refund_notify_url: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.appid = appid
        self.mchid = mchid
        self.serial_no = serial_no
        self._private_key = private_key
        self._platform_keys = platform_keys
        self.notify_url = notify_url
        self.refund_notify_url = refund_notify_url or notify_url
        self._clock = clock
        self._http = http or HttpClient()

    def jsapi_prepay(
        self,
        *,
        out_trade_no: str,
        description: str,
        total_fen: int,
        payer_openid: str,
        time_expire: datetime | None = None,
        attach: str | None = None,
    ) -> str:
        """Creates (or, for the same out_trade_no and body, finds) an order; its prepay_id."""
        payload: dict[str, Any] = {
            "appid": self.appid,
            "mchid": self.mchid,
            "description": description,
            "out_trade_no": out_trade_no,
            "notify_url": self.notify_url,
            "amount": {"total": total_fen, "currency": "CNY"},
            "payer": {"openid": payer_openid},
        }
        if time_expire is not None:
            payload["time_expire"] = rfc3339_china(time_expire)
        if attach is not None:
            payload["attach"] = attach
        answer = self._call("POST", "/v3/pay/transactions/jsapi", payload)
        prepay_id = answer.get("prepay_id")
        if not isinstance(prepay_id, str) or not prepay_id:
            raise WeChatUnavailable("prepay answer without prepay_id")
        return prepay_id

    def payment_params(self, prepay_id: str) -> dict[str, str]:
        """The arguments of ``wx.requestPayment`` for the mini-program."""
        timestamp = str(int(self._clock.now().timestamp()))
        nonce = random_nonce()
        package = f"prepay_id={prepay_id}"
        return {
            "timeStamp": timestamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": pay_sign(self.appid, timestamp, nonce, package, self._private_key),
        }

    def create_refund(
        self,
        *,
        out_trade_no: str,
        out_refund_no: str,
        refund_fen: int,
        total_fen: int,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """Requests a refund; repeating an out_refund_no returns the same refund."""
        payload: dict[str, Any] = {
            "out_trade_no": out_trade_no,
            "out_refund_no": out_refund_no,
            "notify_url": self.refund_notify_url,
            "amount": {"refund": refund_fen, "total": total_fen, "currency": "CNY"},
        }
        if reason:
            payload["reason"] = reason[:MAX_REFUND_REASON]
        return self._call("POST", "/v3/refund/domestic/refunds", payload)

    def query_order(self, out_trade_no: str) -> dict[str, Any]:
        no = urllib.parse.quote(out_trade_no, safe="")
        mchid = urllib.parse.quote(self.mchid, safe="")
        return self._call("GET", f"/v3/pay/transactions/out-trade-no/{no}?mchid={mchid}")

    def _call(
        self, method: str, path: str, payload: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        body = (
            ""
            if payload is None
            else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        )
        url = self.base_url + path
        parts = urllib.parse.urlsplit(url)
        signed_path = parts.path + (f"?{parts.query}" if parts.query else "")

        def headers() -> dict[str, str]:
            timestamp = int(self._clock.now().timestamp())
            authorization = authorization_header(
                method,
                signed_path,
                body,
                mchid=self.mchid,
                serial_no=self.serial_no,
                private_key=self._private_key,
                timestamp=timestamp,
                nonce=random_nonce(),
            )
            return {"Authorization": authorization}

        fixed = {"Accept": "application/json", "User-Agent": "miniloop-wechatpay/1"}
        if payload is not None:
            fixed["Content-Type"] = "application/json"
        response = self._http.request(
            method,
            url,
            body=body.encode() if payload is not None else None,
            headers=fixed,
            header_factory=headers,
        )
        if 200 <= response.status < 300:
            return self._verified(method, path, response)
        raise _pay_error(response)

    def _verified(self, method: str, path: str, response: HttpResponse) -> dict[str, Any]:
        """A 2xx answer we cannot authenticate is treated like no answer at all."""
        try:
            verify_notification_signature(
                response.headers, response.body, self._platform_keys, self._clock.now()
            )
        except NotificationRejected as exc:
            raise WeChatUnavailable(f"{method} {path}: unverifiable answer ({exc.reason})") from exc
        if not response.body:
            return {}
        try:
            answer = json.loads(response.body)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise WeChatUnavailable(f"{method} {path}: answer is not a JSON object")
        return answer


def _pay_error(response: HttpResponse) -> WeChatError:
    try:
        answer = json.loads(response.body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        answer = {}
    code = str(answer.get("code") or f"HTTP_{response.status}")
    message = str(answer.get("message") or response.body[:200].decode(errors="replace"))
    return WeChatError(response.status, message, code=code)
