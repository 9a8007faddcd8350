"""``cgi-bin`` plumbing shared by the mini-program and official-account endpoints: errcode
answers, app credentials and one stable access_token per appid.

The mini-program and the official account are two apps: a token of one is refused by
the other's APIs (40001), as on WeChat.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .state import AccessToken
from .web import Reply, Request

if TYPE_CHECKING:
    from .core import SandboxCore

TOKEN_TTL_S = 7200
INVALID_TOKEN = (40001, "invalid credential, access_token is invalid or not latest")


def errcode(code: int, message: str) -> Reply:
    return Reply(200, {"errcode": code, "errmsg": message})


def ok(**fields: Any) -> Reply:
    return Reply(200, {"errcode": 0, "errmsg": "ok", **fields})


def check_app(sandbox: SandboxCore, appid: Any, secret: Any) -> Reply | None:
    """None when appid/secret are one of the sandbox's apps, else WeChat's refusal."""
    secrets_by_appid = {
        sandbox.keyring.appid: sandbox.keyring.app_secret,
        sandbox.keyring.oa_appid: sandbox.keyring.oa_secret,
    }
    if appid not in secrets_by_appid:
        return errcode(40013, "invalid appid")
    if secret != secrets_by_appid[appid]:
        return errcode(40125, "invalid appsecret")
    return None


def stable_token(sandbox: SandboxCore, request: Request) -> Reply:
    data = request.json()
    refusal = check_app(sandbox, data.get("appid"), data.get("secret"))
    if refusal is not None:
        return refusal
    appid = str(data["appid"])
    if data.get("grant_type") != "client_credential":
        return errcode(40002, "invalid grant_type")
    now = sandbox.clock.now()
    with sandbox.state.lock:
        sandbox.state.token_requests += 1
        token = sandbox.state.tokens.get(appid)
        if token is None or now >= token.expires_at or data.get("force_refresh") is True:
            token = AccessToken(
                "SANDBOX_" + secrets.token_urlsafe(48), now + timedelta(seconds=TOKEN_TTL_S)
            )
            sandbox.state.tokens[appid] = token
    remaining = int((token.expires_at - now).total_seconds())
    return Reply(200, {"access_token": token.value, "expires_in": remaining})


def check_token(sandbox: SandboxCore, request: Request, appid: str) -> Reply | None:
    """None when ``?access_token=`` is ``appid``'s current token, else WeChat's refusal."""
    value = request.query.get("access_token")
    if not value:
        return errcode(41001, "access_token missing")
    with sandbox.state.lock:
        token = sandbox.state.tokens.get(appid)
    if token is None:
        return errcode(*INVALID_TOKEN)
    refusal = token.check(value, sandbox.clock.now())
    return None if refusal is None else errcode(*refusal)
