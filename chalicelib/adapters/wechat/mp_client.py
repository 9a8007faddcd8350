"""Mini-program server APIs: login (code2Session), phone numbers, subscribe messages.

The stable access_token cache and the retry rule of token-carrying calls live in
``cgi_api`` because the official-account client shares them.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from .cgi_api import BUSY, CgiApi
from .errors import WeChatUnavailable
from .token_cache import raise_for_errcode

PHONE_FIELDS = ("phoneNumber", "purePhoneNumber", "countryCode")
MINIPROGRAM_STATES = frozenset({"developer", "trial", "formal"})


@dataclass(frozen=True)
class Session:
    openid: str
    session_key: str = field(repr=False)
    unionid: str | None = None


@dataclass(frozen=True)
class PhoneNumber:
    """The user's bound phone; ``phone_number`` carries ``+<country code>`` outside China.

    Personal data: kept out of ``repr`` so it does not reach logs by accident.
    """

    phone_number: str = field(repr=False)
    pure_phone_number: str = field(repr=False)
    country_code: str


class WeChatClient(CgiApi):
    """The mini-program's own server APIs (its appid/secret and its access_token)."""

    def code2session(self, code: str) -> Session:
        """Exchanges a ``wx.login`` code; WeChatError(40029) for an invalid or used code."""
        query = urllib.parse.urlencode(
            {
                "appid": self.appid,
                "secret": self._secret,
                "js_code": code,
                "grant_type": "authorization_code",
            }
        )
        answer = self._get_json(f"/sns/jscode2session?{query}")
        if answer.get("errcode") == BUSY:
            self._sleep(self._busy_retry_delay)
            answer = self._get_json(f"/sns/jscode2session?{query}")
        raise_for_errcode(answer)
        openid, session_key = answer.get("openid"), answer.get("session_key")
        unionid = answer.get("unionid")
        if not isinstance(openid, str) or not isinstance(session_key, str):
            raise WeChatUnavailable("code2session answer without openid/session_key")
        return Session(openid, session_key, unionid if isinstance(unionid, str) else None)

    def user_phone(self, code: str) -> PhoneNumber:
        """Exchanges a ``getPhoneNumber`` code; WeChatError(40029) for an invalid or used code."""
        answer = self._post_with_token("/wxa/business/getuserphonenumber", {"code": code})
        raise_for_errcode(answer)
        info = answer.get("phone_info")
        if not isinstance(info, dict):
            raise WeChatUnavailable("getuserphonenumber answer without phone_info")
        phone, pure, country = (info.get(name) for name in PHONE_FIELDS)
        if not (isinstance(phone, str) and isinstance(pure, str) and isinstance(country, str)):
            raise WeChatUnavailable("phone_info without phoneNumber/purePhoneNumber/countryCode")
        watermark = info.get("watermark")
        if isinstance(watermark, dict) and watermark.get("appid", self.appid) != self.appid:
            raise WeChatUnavailable("phone_info watermarked for another appid")
        return PhoneNumber(phone, pure, country)

    def send_subscribe_message(
        self,
        *,
        touser: str,
        template_id: str,
        page: str | None,
        data: dict[str, dict[str, str]],
        miniprogram_state: str = "formal",
    ) -> None:
        """Spends one of the user's one-time grants of ``template_id``.

        WeChatError(43101) when the user has no grant left (refused, or already used);
        47003 when a value breaks its field's rule.  A stale token or -1 busy is retried
        once: WeChat answers those before it sends anything.  The call carries no dedupe
        key, so it is never repeated once it may have reached WeChat: a timeout or a 5xx
        after sending raises WeChatOutcomeUnknown (the message may be out).
        """
        if miniprogram_state not in MINIPROGRAM_STATES:
            raise ValueError(f"miniprogram_state must be one of {sorted(MINIPROGRAM_STATES)}")
        payload: dict[str, Any] = {
            "touser": touser,
            "template_id": template_id,
            "data": data,
            "miniprogram_state": miniprogram_state,
            "lang": "zh_CN",
        }
        if page is not None:
            payload["page"] = page
        answer = self._post_with_token("/cgi-bin/message/subscribe/send", payload, idempotent=False)
        raise_for_errcode(answer)
