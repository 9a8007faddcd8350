"""The official account's (公众号) message push: the GET handshake and the POSTed
messages, in plain or safe mode (WECHAT.md).

The signature and the timestamp's age are verified before anything is read; a
forged or stale push changes nothing and is answered 403, a replayed one is
answered `success` and changes nothing (push_webhooks.first_delivery). With an
EncodingAESKey configured only safe mode is accepted. An accepted message is
answered within WeChat's 5 seconds with `success`, or with a passive reply
(encrypted in safe mode). A message WeChat delivers again (a new request, so a
new nonce) is recognised by the shop and changes nothing more.
"""

from __future__ import annotations

import logging

from chalice.app import Blueprint, Response

from ..bootstrap import Container, container
from . import push_webhooks as push

bp = Blueprint(__name__)
log = logging.getLogger(__name__)
PATH = "/webhooks/wechat/official-account"


@bp.route(PATH, methods=["GET"])
def handshake() -> Response:
    """WeChat checks the server URL: echo `echostr` when the signature is ours."""
    return push.handshake(bp, container().settings.oa_token, "official-account")


@bp.route(PATH, methods=["POST"], content_types=push.XML_TYPES)
def receive() -> Response:
    from ..adapters.wechat import NotificationRejected
    from ..adapters.wechat.oa_crypto import open_push

    c = container()
    query = push.query(bp)
    try:
        message, safe = open_push(
            query=query,
            body=push.raw_body(bp),
            token=push.required(c.settings.oa_token, "official-account"),
            crypto=c.clients.push_crypto,
            now=c.now(),
        )
    except NotificationRejected as error:
        log.warning("refused an official-account push: %s", error.reason)
        return push.text(error.reason, 403)
    return push.first_delivery(c.shop.push_replays, "oa", query, lambda: _receive(c, message, safe))


def _receive(c: Container, message: dict[str, str], safe: bool) -> Response:
    """Busy propagates: the pair is given back and WeChat asked to retry."""
    from ..domain.errors import DomainError

    try:
        reply = c.shop.official_account.receive_push(message)
    except DomainError as error:
        log.warning("push %s not recorded: %s", message.get("MsgType"), error.message)
        return push.text("success")
    if reply is None:
        return push.text("success")
    return push.text(_reply_xml(c, message, reply, safe), content_type="application/xml")


def _reply_xml(c: Container, message: dict[str, str], reply: str, safe: bool) -> str:
    import secrets

    from ..adapters.wechat.oa_crypto import encrypted_reply_xml, text_reply_xml

    now = int(c.now().timestamp())
    xml = text_reply_xml(
        to_user=message.get("FromUserName", ""),
        from_user=message.get("ToUserName", ""),
        create_time=now,
        content=reply,
    )
    if not safe or c.clients.push_crypto is None:
        return xml
    return encrypted_reply_xml(
        c.clients.push_crypto, xml, timestamp=str(now), nonce=secrets.token_hex(8)
    )
