"""The mini-program's message push (小程序消息推送): the GET handshake and the
POSTed events, in plain or safe mode (only safe mode once an EncodingAESKey is
configured), verified like the official account's: signature, timestamp within
five minutes, and a replayed (timestamp, nonce) pair has no effect.

It matters for one thing: `subscribe_msg_popup_event` tells which templates a
user accepted, the source of subscribe-message credits when the shop counts
them from the push (`subscribe_credits_from = "push"`; the shop ignores it
otherwise). The push names the user by mini-program openid only, so the member
is found through the members projection; a user who never logged in is
acknowledged and nothing is recorded. `subscribe_msg_change_event` (a template
switched off in the settings page) only ever withdraws consent, and credits
already granted stay one-time sends, so it grants nothing. Every accepted push
is answered `success` at once, as WeChat retries anything else.
"""

from __future__ import annotations

import logging

from chalice.app import Blueprint, Response

from ..bootstrap import Container, container
from . import push_webhooks as push

bp = Blueprint(__name__)
log = logging.getLogger(__name__)
PATH = "/webhooks/wechat/mini-program"
POPUP, CHANGE = "subscribe_msg_popup_event", "subscribe_msg_change_event"


@bp.route(PATH, methods=["GET"])
def handshake() -> Response:
    """WeChat checks the server URL: echo `echostr` when the signature is ours."""
    return push.handshake(bp, container().settings.mp_push_token, "mini-program")


@bp.route(PATH, methods=["POST"], content_types=push.XML_TYPES)
def receive() -> Response:
    from ..adapters.wechat import NotificationRejected
    from ..adapters.wechat.oa_crypto import open_push_xml

    c = container()
    query = push.query(bp)
    try:
        xml_text, _ = open_push_xml(
            query=query,
            body=push.raw_body(bp),
            token=push.required(c.settings.mp_push_token, "mini-program"),
            crypto=c.clients.mp_push_crypto,
            now=c.now(),
        )
    except NotificationRejected as error:
        log.warning("refused a mini-program push: %s", error.reason)
        return push.text(error.reason, 403)
    return push.first_delivery(c.shop.push_replays, "mp", query, lambda: _receive(c, xml_text))


def _receive(c: Container, xml_text: str) -> Response:
    """Busy propagates: the pair is given back and WeChat asked to retry."""
    from ..adapters.wechat.oa_xml import parse_push, parse_push_list
    from ..domain.errors import DomainError

    message = parse_push(xml_text)
    event = message.get("Event", "")
    if event == CHANGE:
        changes = parse_push_list(xml_text, "SubscribeMsgChangeEvent")
        log.info("subscribe settings changed for %d template(s); no credit", len(changes))
    elif event == POPUP:
        try:
            _popup(c, message, parse_push_list(xml_text, "SubscribeMsgPopupEvent"))
        except DomainError as error:
            log.warning("popup push not recorded: %s", error.message)
    return push.text("success")


def _popup(c: Container, message: dict[str, str], entries: list[dict[str, str]]) -> None:
    """Credits for the accepted templates; a redelivered push grants nothing more."""
    from ..projections.members import member_for_openid

    openid = message.get("FromUserName", "")
    member_id = member_for_openid(c.views, openid)
    if member_id is None:
        log.info("popup push from a user who is not a member; nothing recorded")
        return
    dedupe_key = f"{openid}:{message.get('CreateTime', '')}"
    outcome = c.shop.subscriptions.subscribe_events(member_id, entries, dedupe_key=dedupe_key)
    log.info("popup push: granted %s (counted by %s)", outcome["granted"], outcome["counted_by"])
