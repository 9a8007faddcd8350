"""The application's Messenger and FollowerDirectory ports over the WeChat
clients: subscribe messages through the mini-program's API, template messages
and follower lookups through the official account's. WeChat's errors become
the ports' errors, so the application never sees an adapter type: a send whose
answer was lost (WeChatOutcomeUnknown) is MessageOutcomeUnknown, never
MessengerUnavailable, which promises the message did not go out."""

from __future__ import annotations

from collections.abc import Callable

from ..application.ports import MessageOutcomeUnknown, MessageRefused, MessengerUnavailable
from .wechat import WeChatClient, WeChatError, WeChatOutcomeUnknown, WeChatUnavailable
from .wechat.oa_client import OfficialAccountClient

BUSY = -1  # WeChat still busy after the client's own retry: try again later


class WeChatMessenger:
    def __init__(
        self,
        mini_program: Callable[[], WeChatClient],
        official_account: Callable[[], OfficialAccountClient | None],
        *,
        mp_appid: str,
        miniprogram_state: str,
    ) -> None:
        self._mp = mini_program
        self._oa = official_account
        self._mp_appid = mp_appid
        self._state = miniprogram_state

    def send_subscribe(
        self, *, openid: str, template_id: str, page: str, data: dict[str, dict[str, str]]
    ) -> None:
        try:
            self._mp().send_subscribe_message(
                touser=openid,
                template_id=template_id,
                page=page,
                data=data,
                miniprogram_state=self._state,
            )
        except WeChatError as error:
            raise _refusal(error) from error
        except WeChatOutcomeUnknown as error:
            raise MessageOutcomeUnknown(str(error)) from error
        except WeChatUnavailable as error:
            raise MessengerUnavailable(str(error)) from error

    def send_template(
        self,
        *,
        openid: str,
        template_id: str,
        data: dict[str, dict[str, str]],
        pagepath: str,
        client_msg_id: str,
    ) -> int:
        client = self._oa()
        if client is None:
            raise MessageRefused(0, "no official account is configured")
        try:
            return client.send_template(
                touser=openid,
                template_id=template_id,
                data=data,
                miniprogram={"appid": self._mp_appid, "pagepath": pagepath},
                url=None,
                client_msg_id=client_msg_id,
            )
        except WeChatError as error:
            raise _refusal(error) from error
        except WeChatOutcomeUnknown as error:
            raise MessageOutcomeUnknown(str(error)) from error
        except WeChatUnavailable as error:
            raise MessengerUnavailable(str(error)) from error


class WeChatFollowerDirectory:
    """Who a follower is across the shop's apps: their unionid (cgi-bin/user/info)."""

    def __init__(self, official_account: Callable[[], OfficialAccountClient | None]) -> None:
        self._oa = official_account

    def user_info(self, openid: str) -> str | None:
        client = self._oa()
        if client is None:
            return None
        try:
            info = client.user_info(openid)
        except WeChatError as error:
            raise _refusal(error) from error
        except WeChatUnavailable as error:
            raise MessengerUnavailable(str(error)) from error
        unionid = info.get("unionid")
        return unionid if isinstance(unionid, str) and unionid else None


def _refusal(error: WeChatError) -> MessageRefused | MessengerUnavailable:
    if error.errcode == BUSY:
        return MessengerUnavailable(f"WeChat busy: {error.errmsg}")
    return MessageRefused(error.errcode, error.errmsg)
