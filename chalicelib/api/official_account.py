"""The official account's (公众号) message push: the GET handshake and the POSTed
messages, in plain or safe mode (WECHAT.md).

The signature is verified before anything is read; a forged one changes nothing
and is answered 403. An accepted message is answered within WeChat's 5 seconds
with `success`, or with a passive reply (encrypted in safe mode). A message
WeChat delivers again is recognised by the shop and changes nothing more.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from chalice.app import Blueprint, Response

from ..adapters.wechat import NotificationRejected
from ..adapters.wechat.oa_crypto import (
    encrypted_reply_xml,
    handshake_echo,
    open_push,
    text_reply_xml,
)
from ..application.errors import Busy
from ..bootstrap import Container, container
from ..domain.errors import DomainError

bp = Blueprint(__name__)
log = logging.getLogger(__name__)
PATH = "/webhooks/wechat/official-account"
XML_TYPES = ["text/xml", "application/xml", "text/plain", "application/octet-stream"]


def _text(body: str, status: int = 200, content_type: str = "text/plain") -> Response:
    return Response(
        body=body, status_code=status, headers={"Content-Type": f"{content_type}; charset=utf-8"}
    )


def _query() -> dict[str, str]:
    params: Any = bp.current_request.query_params or {}
    return {str(k): str(v) for k, v in params.items()}


@bp.route(PATH, methods=["GET"])
def handshake() -> Response:
    """WeChat checks the server URL: echo `echostr` when the signature is ours."""
    token = container().settings.oa_token
    try:
        if not token:
            raise NotificationRejected("no official-account token is configured")
        return _text(handshake_echo(_query(), token))
    except NotificationRejected as error:
        return _text(error.reason, 403)


@bp.route(PATH, methods=["POST"], content_types=XML_TYPES)
def receive() -> Response:
    c = container()
    raw = bp.current_request.raw_body or b""
    query = _query()
    try:
        message, safe = open_push(
            query=query,
            body=raw.encode() if isinstance(raw, str) else raw,
            token=c.settings.oa_token,
            crypto=c.push_crypto,
        )
    except NotificationRejected as error:
        log.warning("refused an official-account push: %s", error.reason)
        return _text(error.reason, 403)
    try:
        reply = c.shop.receive_push(message)
    except Busy:
        return _text("busy; retry later", 503)
    except DomainError as error:
        log.warning("push %s not recorded: %s", message.get("MsgType"), error.message)
        return _text("success")
    if reply is None:
        return _text("success")
    return _text(_reply_xml(c, message, reply, safe), content_type="application/xml")


def _reply_xml(c: Container, message: dict[str, str], reply: str, safe: bool) -> str:
    now = int(c.now().timestamp())
    xml = text_reply_xml(
        to_user=message.get("FromUserName", ""),
        from_user=message.get("ToUserName", ""),
        create_time=now,
        content=reply,
    )
    if not safe or c.push_crypto is None:
        return xml
    return encrypted_reply_xml(c.push_crypto, xml, timestamp=str(now), nonce=secrets.token_hex(8))
