"""Official-account (公众号) server APIs: follower info and template messages.

The official account is a separate WeChat app: its own appid/secret and access_token,
and openids that differ from the mini-program's for the same person (unionid links them).
"""

from __future__ import annotations

from typing import Any

from .cgi_api import CgiApi
from .errors import WeChatUnavailable
from .token_cache import raise_for_errcode


class OfficialAccountClient(CgiApi):
    """``cgi-bin/user/info`` and ``cgi-bin/message/template/send`` with the OA's token."""

    def user_info(self, openid: str) -> dict[str, Any]:
        """``{"subscribe": 0|1, "openid", "unionid"?}``: unionid only when the account is
        bound to an Open Platform account; WeChatError(40003) for an openid it does not know."""
        answer = self._get_with_token("/cgi-bin/user/info", {"openid": openid, "lang": "zh_CN"})
        raise_for_errcode(answer)
        subscribe, answered_openid = answer.get("subscribe"), answer.get("openid")
        if subscribe not in (0, 1) or isinstance(subscribe, bool):
            raise WeChatUnavailable("user/info answer without subscribe 0/1")
        if not isinstance(answered_openid, str):
            raise WeChatUnavailable("user/info answer without openid")
        info: dict[str, Any] = {"subscribe": subscribe, "openid": answered_openid}
        unionid = answer.get("unionid")
        if isinstance(unionid, str) and unionid:
            info["unionid"] = unionid
        return info

    def send_template(
        self,
        *,
        touser: str,
        template_id: str,
        data: dict[str, dict[str, str]],
        miniprogram: dict[str, str] | None,
        url: str | None,
        client_msg_id: str,
    ) -> int:
        """Sends a template message to a follower; its ``msgid``.

        WeChat deduplicates ``client_msg_id`` per user for ten minutes (the same msgid comes
        back), which is what makes the once-only retries (stale token, -1 busy) and a resend
        after a crash safe.  WeChatError(43004) when the user does not follow the account.
        """
        payload: dict[str, Any] = {
            "touser": touser,
            "template_id": template_id,
            "data": data,
            "client_msg_id": client_msg_id,
        }
        if miniprogram is not None:
            payload["miniprogram"] = miniprogram
        if url is not None:
            payload["url"] = url
        answer = self._post_with_token("/cgi-bin/message/template/send", payload)
        raise_for_errcode(answer)
        msgid = answer.get("msgid")
        if isinstance(msgid, bool) or not isinstance(msgid, int):
            raise WeChatUnavailable("template/send answer without msgid")
        return msgid
