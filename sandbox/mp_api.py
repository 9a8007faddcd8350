"""Mini-program endpoints: code2Session and the user's phone number."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .cgi import check_app, check_token, errcode
from .state import LoginCode, PhoneCode, openid_for, phone_for, unionid_for
from .web import Reply, Request

if TYPE_CHECKING:
    from .core import SandboxCore

CODE_TTL = timedelta(minutes=5)


def mint_login_code(sandbox: SandboxCore, user: str, unionid: bool = True) -> dict[str, Any]:
    """What ``wx.login`` would give the mini-program of ``user``."""
    code = secrets.token_hex(16)
    login = LoginCode(
        user=user,
        openid=openid_for(sandbox.keyring.appid, user),
        unionid=unionid_for(user) if unionid else None,
        expires_at=sandbox.clock.now() + CODE_TTL,
    )
    with sandbox.state.lock:
        sandbox.state.login_codes[code] = login
        sandbox.state.remember(login.openid, user)
    return {"code": code, "openid": login.openid, "unionid": login.unionid}


def mint_phone_code(
    sandbox: SandboxCore, user: str, phone: str | None = None, country_code: str = "86"
) -> dict[str, Any]:
    """What ``getPhoneNumber`` would give the mini-program of ``user`` (phone: digits)."""
    code = secrets.token_hex(16)
    pending = PhoneCode(
        user=user,
        pure_phone_number=phone or phone_for(user),
        country_code=country_code,
        expires_at=sandbox.clock.now() + CODE_TTL,
    )
    with sandbox.state.lock:
        sandbox.state.phone_codes[code] = pending
    return {
        "code": code,
        "phone_number": pending.phone_number,
        "pure_phone_number": pending.pure_phone_number,
        "country_code": pending.country_code,
    }


def jscode2session(sandbox: SandboxCore, request: Request) -> Reply:
    query = request.query
    if query.get("appid") == sandbox.keyring.oa_appid:
        return errcode(40013, "invalid appid")
    refusal = check_app(sandbox, query.get("appid"), query.get("secret"))
    if refusal is not None:
        return refusal
    if query.get("grant_type") != "authorization_code":
        return errcode(40002, "invalid grant_type")
    now = sandbox.clock.now()
    with sandbox.state.lock:
        login = sandbox.state.login_codes.get(query.get("js_code", ""))
        if login is None or login.used or now >= login.expires_at:
            return errcode(40029, "invalid code")
        login.used = True
    answer = {
        "openid": login.openid,
        "session_key": base64.b64encode(secrets.token_bytes(16)).decode(),
    }
    if login.unionid is not None:
        answer["unionid"] = login.unionid
    return Reply(200, answer)


def getuserphonenumber(sandbox: SandboxCore, request: Request) -> Reply:
    refusal = check_token(sandbox, request, sandbox.keyring.appid)
    if refusal is not None:
        return refusal
    code = request.json().get("code")
    now = sandbox.clock.now()
    with sandbox.state.lock:
        pending = sandbox.state.phone_codes.get(code) if isinstance(code, str) else None
        if pending is None or pending.used or now >= pending.expires_at:
            return errcode(40029, "invalid code")
        pending.used = True
    phone_info = {
        "phoneNumber": pending.phone_number,
        "purePhoneNumber": pending.pure_phone_number,
        "countryCode": pending.country_code,
        "watermark": {"timestamp": int(now.timestamp()), "appid": sandbox.keyring.appid},
    }
    return Reply(200, {"errcode": 0, "errmsg": "ok", "phone_info": phone_info})
