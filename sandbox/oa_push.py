"""Official-account message push as WeChat sends it: the XML of a user's action, signed
with the account's token and, in safe mode, encrypted with its EncodingAESKey, POSTed to
the app's server URL.

The user's action also changes what the sandbox knows (following or not), whether or
not the app is reachable: on WeChat the follow happens before the push is delivered.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.wechat import PushCrypto, parse_push
from chalicelib.adapters.wechat.oa_crypto import check_signature, signature
from chalicelib.adapters.wechat.oa_xml import cdata

from .state import openid_for
from .web import SandboxError

if TYPE_CHECKING:
    from .core import SandboxCore

logger = logging.getLogger("sandbox")

PUSH_PATH = "/webhooks/wechat/official-account"
KINDS = ("subscribe", "unsubscribe", "click", "view", "text", "template_finish")
_NUMERIC = frozenset({"CreateTime", "MsgId", "MsgID"})
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def original_id(oa_appid: str) -> str:
    """The account's ``gh_`` id: the ToUserName of every push."""
    return "gh_" + hashlib.sha256(oa_appid.encode()).hexdigest()[:12]


def crypto_for(sandbox: SandboxCore) -> PushCrypto:
    keyring = sandbox.keyring
    return PushCrypto(keyring.oa_token, keyring.oa_aes_key, keyring.oa_appid)


def _need(value: str | None, name: str, kind: str) -> str:
    if not value:
        raise SandboxError(400, "PARAM_ERROR", f"a {kind} push needs {name}")
    return value


Fields = list[tuple[str, str]]


def _event(name: str, **more: str) -> Fields:
    return [("MsgType", "event"), ("Event", name), *more.items()]


def _action_fields(
    sandbox: SandboxCore, user: str, openid: str, kind: str, *, apply: bool, **given: Any
) -> Fields:
    """The fields after CreateTime; ``apply``: the action also changes the sandbox (a
    forged push is no action of the user's).  Runs under the state lock."""
    messaging, now = sandbox.state.messaging, sandbox.clock.now()
    if kind == "text":
        content = _need(given["content"], "content", kind)
        msgid = str(given["msgid"] or messaging.new_msgid())
        return [("MsgType", "text"), ("Content", content), ("MsgId", msgid)]
    if kind == "subscribe":
        scene = given["scene"]
        if apply:
            messaging.follow(user, openid, now, scene)
        return _event("subscribe", EventKey=f"qrscene_{scene}" if scene else "")
    if kind == "unsubscribe":
        if apply:
            messaging.unfollow(user, openid, now)
        return _event("unsubscribe", EventKey="")
    if kind == "click":
        return _event("CLICK", EventKey=_need(given["key"], "key", kind))
    if kind == "view":
        return _event("VIEW", EventKey=_need(given["url"], "url", kind))
    sent = given["msgid"] or messaging.last_template_msgid(user)
    if sent is None:
        raise SandboxError(404, "NOT_FOUND", f"no template message was sent to {user}")
    return _event("TEMPLATESENDJOBFINISH", MsgID=str(sent), Status=given["status"])


def push_xml(
    sandbox: SandboxCore, user: str, kind: str, *, apply: bool = True, **given: Any
) -> tuple[str, str]:
    """``(FromUserName, xml)`` of the push; ``given``: scene, key, url, content, msgid, status."""
    if kind not in KINDS:
        raise SandboxError(400, "PARAM_ERROR", f"kind must be one of {', '.join(KINDS)}")
    oa_appid = sandbox.keyring.oa_appid
    with sandbox.state.lock:
        openid = sandbox.state.remember(openid_for(oa_appid, user), user)
        fields = [
            ("ToUserName", original_id(oa_appid)),
            ("FromUserName", openid),
            ("CreateTime", str(int(sandbox.clock.now().timestamp()))),
            *_action_fields(sandbox, user, openid, kind, apply=apply, **given),
        ]
    inner = "".join(
        f"<{tag}>{value if tag in _NUMERIC else cdata(value)}</{tag}>" for tag, value in fields
    )
    return openid, f"<xml>{inner}</xml>"


def signed_push(
    sandbox: SandboxCore, openid: str, xml: str, *, safe: bool, forge: bool = False
) -> tuple[str, bytes]:
    """(query string, body) of the POST: plain mode signs, safe mode also encrypts;
    ``forge`` signs with a token that is not the account's (an attacker's push)."""
    keyring = sandbox.keyring
    return seal_push(
        sandbox,
        crypto_for(sandbox),
        original_id(keyring.oa_appid),
        openid,
        xml,
        safe=safe,
        forge=forge,
    )


def seal_push(
    sandbox: SandboxCore,
    crypto: PushCrypto,
    to_user: str,
    openid: str,
    xml: str,
    *,
    safe: bool,
    forge: bool = False,
) -> tuple[str, bytes]:
    """Signs (and in safe mode encrypts) ``xml`` with ``crypto``'s token and key: the
    official account and the mini-program push the same way, each with its own. The
    timestamp is the sandbox clock's now and the nonce fresh, as the app refuses
    stale timestamps and ignores a (timestamp, nonce) pair it has seen."""
    token = "forged-" + crypto.token if forge else crypto.token
    timestamp = str(int(sandbox.clock.now().timestamp()))
    nonce = str(secrets.randbelow(10**10))  # fresh per request, numeric like WeChat's
    query = {"signature": signature(token, timestamp, nonce)}
    query.update(timestamp=timestamp, nonce=nonce, openid=openid)
    if not safe:
        return urllib.parse.urlencode(query), xml.encode()
    encrypted = crypto.encrypt(xml)
    query.update(encrypt_type="aes", msg_signature=signature(token, timestamp, nonce, encrypted))
    body = (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>"
    )
    return urllib.parse.urlencode(query), body.encode()


def deliver_xml(url: str, body: bytes, timeout: float = 5.0) -> tuple[int, str]:
    """POSTs a push; (HTTP status, reply text), or (0, "") when the app is unreachable."""
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "text/xml; charset=utf-8"}, method="POST"
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status: int = response.status
            reply = response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as err:
        with err:
            status, reply = err.code, err.read().decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException) as exc:
        logger.warning("push to %s failed: %s", url.split("?")[0], exc)
        status, reply = 0, ""
    logger.info("push -> %s: %s", url.split("?")[0], status)
    return status, reply


def open_reply(sandbox: SandboxCore, body: str) -> dict[str, str]:
    """What the user would see from the app's passive reply: ``{}`` for "success" or
    nothing; an encrypted reply is verified and decrypted like WeChat does."""
    if body.strip() in ("", "success"):
        return {}
    reply = parse_push(body)
    if "Encrypt" not in reply:
        return reply
    token = sandbox.keyring.oa_token
    signed = (reply.get("TimeStamp", ""), reply.get("Nonce", ""), reply["Encrypt"])
    if not check_signature(reply.get("MsgSignature", ""), token, *signed):
        raise SandboxError(502, "BAD_REPLY", "the reply's MsgSignature does not match")
    return parse_push(crypto_for(sandbox).decrypt(reply["Encrypt"]))
