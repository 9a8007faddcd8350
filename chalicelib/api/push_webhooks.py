"""What WeChat's two message pushes (the official account's and the
mini-program's) share at the HTTP edge: the content types they arrive with,
plain-text answers, the query as strings, the raw body as bytes, and the
server-URL handshake that echoes `echostr` only for a correctly signed request."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from ..adapters.wechat import NotificationRejected
from ..adapters.wechat.oa_crypto import handshake_echo

XML_TYPES = ["text/xml", "application/xml", "text/plain", "application/octet-stream"]


def text(body: str, status: int = 200, content_type: str = "text/plain") -> Response:
    return Response(
        body=body, status_code=status, headers={"Content-Type": f"{content_type}; charset=utf-8"}
    )


def query(bp: Blueprint) -> dict[str, str]:
    params: Any = bp.current_request.query_params or {}
    return {str(k): str(v) for k, v in params.items()}


def raw_body(bp: Blueprint) -> bytes:
    raw = bp.current_request.raw_body or b""
    return raw.encode() if isinstance(raw, str) else raw


def required(token: str, what: str) -> str:
    """Without a token anyone could sign a push: the endpoint stays closed."""
    if not token:
        raise NotificationRejected(f"no {what} push token is configured")
    return token


def handshake(bp: Blueprint, token: str, what: str) -> Response:
    """403 when no token is configured or the signature is wrong."""
    try:
        return text(handshake_echo(query(bp), required(token, what)))
    except NotificationRejected as error:
        return text(error.reason, 403)
