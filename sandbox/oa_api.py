"""Messaging endpoints: subscribe messages (mini-program), template messages and follower
info (official account).

Each send is checked in WeChat's order (token, recipient, template, field values, then
the credit or the follow) and, once accepted, recorded in ``messaging.messages``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .cgi import check_token, errcode, ok
from .field_rules import data_problem
from .state import openid_for, unionid_for
from .web import Reply, Request

if TYPE_CHECKING:
    from .core import SandboxCore

MINIPROGRAM_STATES = frozenset({"developer", "trial", "formal"})


def _user(sandbox: SandboxCore, appid: str, openid: Any) -> str | None:
    """The user behind an openid of ``appid`` (an openid of the other app is unknown here)."""
    user = sandbox.state.users.get(openid) if isinstance(openid, str) else None
    return user if user is not None and openid_for(appid, user) == openid else None


def subscribe_send(sandbox: SandboxCore, request: Request) -> Reply:
    appid = sandbox.keyring.appid
    refusal = check_token(sandbox, request, appid)
    if refusal is not None:
        return refusal
    body = request.json()
    template_id, page, data = body.get("template_id"), body.get("page"), body.get("data")
    with sandbox.state.lock:
        user = _user(sandbox, appid, body.get("touser"))
        if user is None:
            return errcode(40003, "invalid openid")
        if not isinstance(template_id, str) or not template_id:
            return errcode(40037, "invalid template_id")
        if page is not None and (not isinstance(page, str) or page.startswith("/")):
            return errcode(41030, "invalid page")
        if body.get("miniprogram_state", "formal") not in MINIPROGRAM_STATES:
            return errcode(47001, "data format error: miniprogram_state")
        problem = data_problem(data)
        if problem is not None:
            return errcode(47003, problem)
        messaging = sandbox.state.messaging
        if not messaging.consume(user, template_id):
            return errcode(43101, "user refuse to accept the msg")
        msgid = messaging.new_msgid()
        now = sandbox.clock.now()
        message = {
            "channel": "subscribe",
            "touser": body["touser"],
            "user": user,
            "template_id": template_id,
            "page": page,
            "data": data,
            "msgid": msgid,
            "client_msg_id": None,
            "at": now.isoformat(),
        }
        messaging.record(message, now)
    return ok(msgid=msgid)


def _miniprogram_problem(sandbox: SandboxCore, miniprogram: Any) -> Reply | None:
    if miniprogram is None:
        return None
    if not isinstance(miniprogram, dict) or miniprogram.get("appid") != sandbox.keyring.appid:
        return errcode(40166, "invalid weapp appid")
    if not isinstance(miniprogram.get("pagepath"), str):
        return errcode(40165, "invalid weapp pagepath")
    return None


def template_send(sandbox: SandboxCore, request: Request) -> Reply:
    appid = sandbox.keyring.oa_appid
    refusal = check_token(sandbox, request, appid)
    if refusal is not None:
        return refusal
    body = request.json()
    touser, template_id, data = body.get("touser"), body.get("template_id"), body.get("data")
    client_msg_id = body.get("client_msg_id")
    now = sandbox.clock.now()
    with sandbox.state.lock:
        messaging = sandbox.state.messaging
        user = _user(sandbox, appid, touser)
        if user is None:
            return errcode(40003, "invalid openid")
        if not messaging.follows_now(user):
            return errcode(43004, "require subscribe")
        if not isinstance(template_id, str) or not template_id:
            return errcode(40037, "invalid template_id")
        refusal = _miniprogram_problem(sandbox, body.get("miniprogram"))
        if refusal is not None:
            return refusal
        problem = data_problem(data)
        if problem is not None:
            return errcode(47003, problem)
        if isinstance(client_msg_id, str) and client_msg_id:
            earlier = messaging.earlier_send(str(touser), client_msg_id, now)
            if earlier is not None:
                return ok(msgid=earlier)
        msgid = messaging.new_msgid()
        message = {
            "channel": "template",
            "touser": touser,
            "user": user,
            "template_id": template_id,
            "miniprogram": body.get("miniprogram"),
            "url": body.get("url"),
            "data": data,
            "msgid": msgid,
            "client_msg_id": client_msg_id,
            "at": now.isoformat(),
        }
        messaging.record(message, now)
    return ok(msgid=msgid)


def user_info(sandbox: SandboxCore, request: Request) -> Reply:
    appid = sandbox.keyring.oa_appid
    refusal = check_token(sandbox, request, appid)
    if refusal is not None:
        return refusal
    openid = request.query.get("openid")
    with sandbox.state.lock:
        user = _user(sandbox, appid, openid)
        follow = sandbox.state.messaging.follows.get(user) if user is not None else None
    if user is None or follow is None:
        return errcode(40003, "invalid openid")
    if not follow.following:
        return Reply(200, {"subscribe": 0, "openid": follow.openid})
    return Reply(
        200,
        {
            "subscribe": 1,
            "openid": follow.openid,
            "unionid": unionid_for(user),
            "language": "zh_CN",
            "subscribe_time": int(follow.since.timestamp()),
            "subscribe_scene": "ADD_SCENE_QR_CODE" if follow.scene else "ADD_SCENE_SEARCH",
            "qr_scene_str": follow.scene or "",
        },
    )
