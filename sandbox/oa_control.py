"""Sandbox-only messaging actions: a user accepts subscribe messages, a user acts on the
official account (its push is delivered to the app), and what WeChat has sent so far."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .oa_push import PUSH_PATH, deliver_xml, push_xml, signed_push
from .state import openid_for
from .web import Reply, Request, SandboxError, require_str

if TYPE_CHECKING:
    from .core import SandboxCore

MAX_TEMPLATES_PER_REQUEST = 3  # wx.requestSubscribeMessage takes at most three at a time


def accept_subscribe(sandbox: SandboxCore, user: str, template_ids: list[str]) -> dict[str, str]:
    """The user taps "allow" for each template: one credit each; the client's result."""
    if not template_ids or len(template_ids) > MAX_TEMPLATES_PER_REQUEST:
        raise SandboxError(400, "PARAM_ERROR", "template_ids must hold one to three ids")
    if not all(isinstance(t, str) and t for t in template_ids):
        raise SandboxError(400, "PARAM_ERROR", "template_ids must be non-empty strings")
    with sandbox.state.lock:
        sandbox.state.remember(openid_for(sandbox.keyring.appid, user), user)
        sandbox.state.messaging.grant(user, template_ids)
    return dict.fromkeys(template_ids, "accept")


def oa_push(
    sandbox: SandboxCore,
    user: str,
    kind: str,
    *,
    safe: bool = True,
    times: int = 1,
    forge: bool = False,
    **given: Any,
) -> list[tuple[int, str]]:
    """Builds the push once and delivers it ``times`` times (WeChat's retries repeat the
    message, each retry a new request signed with the current timestamp and a fresh
    nonce); a forged push changes nothing in the sandbox."""
    if not 0 <= times <= 20:
        raise SandboxError(400, "PARAM_ERROR", "times must be from 0 to 20")
    url = sandbox.app_base() + PUSH_PATH
    openid, xml = push_xml(sandbox, user, kind, apply=not forge, **given)
    deliveries = []
    for _ in range(times):
        query, body = signed_push(sandbox, openid, xml, safe=safe, forge=forge)
        deliveries.append(deliver_xml(f"{url}?{query}", body))
    return deliveries


def messages(sandbox: SandboxCore) -> list[dict[str, Any]]:
    with sandbox.state.lock:
        return copy.deepcopy(sandbox.state.messaging.messages)


def grants_endpoint(sandbox: SandboxCore, request: Request) -> Reply:
    data = request.json()
    template_ids = data.get("template_ids")
    if not isinstance(template_ids, list):
        raise SandboxError(400, "PARAM_ERROR", "template_ids must be a list")
    return Reply(200, accept_subscribe(sandbox, require_str(data, "user"), template_ids))


def _optional(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise SandboxError(400, "PARAM_ERROR", f"{name} must be a {kind.__name__}")
    return value


def push_endpoint(sandbox: SandboxCore, request: Request) -> Reply:
    data = request.json()
    given = {name: _optional(data, name, str) for name in ("scene", "key", "url", "content")}
    status = _optional(data, "status", str) or "success"
    safe, forge = data.get("safe", True), data.get("forge", False)
    if not isinstance(safe, bool) or not isinstance(forge, bool):
        raise SandboxError(400, "PARAM_ERROR", "safe and forge must be booleans")
    times = _optional(data, "times", int)
    deliveries = oa_push(
        sandbox,
        require_str(data, "user"),
        require_str(data, "kind"),
        msgid=_optional(data, "msgid", int),
        status=status,
        safe=safe,
        times=1 if times is None else times,
        forge=forge,
        **given,
    )
    return Reply(200, {"deliveries": [{"status": s, "body": b} for s, b in deliveries]})


def messages_endpoint(sandbox: SandboxCore, request: Request) -> Reply:
    return Reply(200, {"messages": messages(sandbox)})
