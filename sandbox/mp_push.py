"""The mini-program's message push (小程序消息推送) as WeChat sends it: what a user did
with subscribe messages, as XML signed with the push's own token and, in safe mode,
encrypted with its EncodingAESKey for the mini-program's appid, POSTed to the app.

A popup acceptance grants the sandbox-side credits first (WeChat counts the acceptance
whether or not the app hears of it); switching templates off in the settings page
drops them, as WeChat then refuses those sends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.adapters.wechat import PushCrypto
from chalicelib.adapters.wechat.oa_xml import cdata

from .oa_control import MAX_TEMPLATES_PER_REQUEST
from .oa_push import deliver_xml, original_id, seal_push
from .state import openid_for
from .web import Reply, Request, SandboxError, require_str

if TYPE_CHECKING:
    from .core import SandboxCore

PUSH_PATH = "/webhooks/wechat/mini-program"
POPUP = ("subscribe_msg_popup_event", "SubscribeMsgPopupEvent", "accept")
CHANGE = ("subscribe_msg_change_event", "SubscribeMsgChangeEvent", "reject")
KINDS = {"popup": POPUP, "change": CHANGE}
POPUP_SCENE = "0"  # 0: the popup of wx.requestSubscribeMessage


def _template_ids(template_ids: object) -> list[str]:
    if not isinstance(template_ids, list):
        raise SandboxError(400, "PARAM_ERROR", "template_ids must be a list")
    if not 1 <= len(template_ids) <= MAX_TEMPLATES_PER_REQUEST:
        raise SandboxError(400, "PARAM_ERROR", "template_ids must hold one to three ids")
    if not all(isinstance(t, str) and t for t in template_ids):
        raise SandboxError(400, "PARAM_ERROR", "template_ids must be non-empty strings")
    return list(template_ids)


def push_xml(sandbox: SandboxCore, openid: str, kind: str, template_ids: list[str]) -> str:
    """The event with one ``<List>`` per template, as the push documentation shows it."""
    event, container, status = KINDS[kind]
    scene = f"<PopupScene>{POPUP_SCENE}</PopupScene>" if kind == "popup" else ""
    entries = "".join(
        f"<List><TemplateId>{cdata(t)}</TemplateId>"
        f"<SubscribeStatusString>{cdata(status)}</SubscribeStatusString>{scene}</List>"
        for t in template_ids
    )
    return (
        f"<xml><ToUserName>{cdata(original_id(sandbox.keyring.appid))}</ToUserName>"
        f"<FromUserName>{cdata(openid)}</FromUserName>"
        f"<CreateTime>{int(sandbox.clock.now().timestamp())}</CreateTime>"
        f"<MsgType>{cdata('event')}</MsgType><Event>{cdata(event)}</Event>"
        f"<{container}>{entries}</{container}></xml>"
    )


def mp_push(
    sandbox: SandboxCore,
    user: str,
    kind: str,
    template_ids: object,
    *,
    safe: bool = True,
    times: int = 1,
    forge: bool = False,
) -> list[tuple[int, str]]:
    """The user accepts (``popup``) or switches off (``change``) templates; the push is
    delivered ``times`` times (WeChat's retries repeat it); a forged one changes nothing."""
    if kind not in KINDS:
        raise SandboxError(400, "PARAM_ERROR", f"kind must be one of {', '.join(KINDS)}")
    ids = _template_ids(template_ids)
    if not 0 <= times <= 20:
        raise SandboxError(400, "PARAM_ERROR", "times must be from 0 to 20")
    url = sandbox.app_base() + PUSH_PATH
    keyring = sandbox.keyring
    with sandbox.state.lock:
        openid = sandbox.state.remember(openid_for(keyring.appid, user), user)
        if not forge:
            messaging = sandbox.state.messaging
            (messaging.grant if kind == "popup" else messaging.revoke)(user, ids)
        xml = push_xml(sandbox, openid, kind, ids)
    crypto = PushCrypto(keyring.mp_push_token, keyring.mp_push_aes_key, keyring.appid)
    deliveries = []
    for _ in range(times):  # each retry a new request: current timestamp, fresh nonce
        query, body = seal_push(
            sandbox, crypto, original_id(keyring.appid), openid, xml, safe=safe, forge=forge
        )
        deliveries.append(deliver_xml(f"{url}?{query}", body))
    return deliveries


def push_endpoint(sandbox: SandboxCore, request: Request) -> Reply:
    """POST /sandbox/mp/push {user, template_ids, kind?: popup|change, safe?, times?, forge?}."""
    data = request.json()
    kind = data.get("kind", "popup")
    safe, forge, times = data.get("safe", True), data.get("forge", False), data.get("times", 1)
    if not isinstance(safe, bool) or not isinstance(forge, bool):
        raise SandboxError(400, "PARAM_ERROR", "safe and forge must be booleans")
    if not isinstance(times, int) or isinstance(times, bool) or not isinstance(kind, str):
        raise SandboxError(400, "PARAM_ERROR", "times must be a number and kind a string")
    deliveries = mp_push(
        sandbox,
        require_str(data, "user"),
        kind,
        data.get("template_ids"),
        safe=safe,
        times=times,
        forge=forge,
    )
    return Reply(200, {"deliveries": [{"status": s, "body": b} for s, b in deliveries]})
