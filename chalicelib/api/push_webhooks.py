"""What WeChat's two message pushes (the official account's and the
mini-program's) share at the HTTP edge: the content types they arrive with,
plain-text answers, the query as strings, the raw body as bytes, the
server-URL handshake that echoes `echostr` only for a correctly signed request,
and replay protection: a verified push's signed (timestamp, nonce) pair is
claimed before it is processed, and a replay is answered `success` and changes
nothing (application/push_replays.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

if TYPE_CHECKING:
    from ..application.push_replays import PushReplays

log = logging.getLogger(__name__)

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
    from ..adapters.wechat import NotificationRejected

    if not token:
        raise NotificationRejected(f"no {what} push token is configured")
    return token


def handshake(bp: Blueprint, token: str, what: str) -> Response:
    """403 when no token is configured or the signature is wrong."""
    from ..adapters.wechat import NotificationRejected
    from ..adapters.wechat.oa_crypto import handshake_echo

    try:
        return text(handshake_echo(query(bp), required(token, what)))
    except NotificationRejected as error:
        return text(error.reason, 403)


def first_delivery(
    replays: PushReplays, endpoint: str, signed: Mapping[str, str], process: Callable[[], Response]
) -> Response:
    """Runs `process` for the first request carrying this signed (timestamp, nonce);
    a replay is answered `success` with no effect. A push the shop was too busy for
    (503, WeChat retries) gives its pair back, so the retry is not taken for a replay."""
    from ..application.errors import Busy

    timestamp, nonce = signed["timestamp"], signed["nonce"]
    try:
        first = replays.claim(endpoint, timestamp, nonce)
    except Busy:
        return text("busy; retry later", 503)
    if not first:
        log.warning("ignored a replayed %s push (timestamp %s)", endpoint, timestamp)
        return text("success")
    try:
        return process()
    except Busy:
        replays.release(endpoint, timestamp, nonce)
        return text("busy; retry later", 503)
