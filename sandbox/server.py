"""A local fake of WeChat and WeChat Pay, served from a background thread."""

from __future__ import annotations

import logging
import threading
import urllib.parse
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from chalicelib.clock import Clock

from . import control, mp_push, notifications, oa_control
from .handler import SandboxHTTPServer
from .keys import Keyring
from .mp_api import mint_login_code, mint_phone_code
from .oa_push import open_reply
from .state import SandboxState, openid_for
from .web import SandboxError

logger = logging.getLogger("sandbox")


class Sandbox:
    """WeChat (login, access_tokens, phone numbers, subscribe and template messages, the
    official account's and the mini-program's message push) and WeChat Pay v3 with real
    signatures and envelopes.

    ``notify_base``: when set, notifications go to this base URL + the path of the
    merchant's notify_url (the app's public notify URL, served locally).
    ``app_url``: where official-account pushes go when ``notify_base`` is not set (the
    app's server URL configured in the account); settable after construction.
    ``auto_complete_refunds``: refunds succeed by themselves after ``refund_delay_s``.
    """

    def __init__(
        self,
        keyring: Keyring,
        *,
        clock: Clock,
        host: str = "127.0.0.1",
        port: int = 0,
        notify_base: str | None = None,
        auto_complete_refunds: bool = False,
        refund_delay_s: float = 1.0,
        app_url: str | None = None,
    ) -> None:
        self.keyring = keyring
        self.clock = clock
        self.state = SandboxState()
        self.merchant_public_key = keyring.merchant_public_key()
        self.platform_private_key = keyring.platform_private_key()
        self.notify_base = notify_base.rstrip("/") if notify_base else None
        self.auto_complete_refunds = auto_complete_refunds
        self.refund_delay_s = refund_delay_s
        self.app_url = app_url
        self._address = (host, port)
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._timers: list[threading.Timer] = []
        self._timers_lock = threading.Lock()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Sandbox:
        if self._server is None:
            self._server = SandboxHTTPServer(self._address, self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="wechat-sandbox",
                daemon=True,
            )
            self._thread.start()
            logger.info("sandbox listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        with self._timers_lock:
            for timer in self._timers:
                timer.cancel()
            self._timers.clear()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def mint_login_code(self, user: str, unionid: bool = True) -> dict[str, Any]:
        """``{"code", "openid", "unionid"}``; the code is single-use and valid 5 minutes."""
        return mint_login_code(self, user, unionid)

    def mint_phone_code(
        self, user: str, phone: str | None = None, country_code: str = "86"
    ) -> dict[str, Any]:
        """``{"code", "phone_number", "pure_phone_number", "country_code"}`` for
        ``getuserphonenumber``; single-use, valid 5 minutes; ``phone`` defaults to a
        stable number per user."""
        return mint_phone_code(self, user, phone, country_code)

    def pay(self, out_trade_no: str, times: int = 1) -> list[int]:
        """Marks the order paid and notifies it ``times`` times; the HTTP statuses."""
        return control.pay(self, out_trade_no, times)

    def complete_refund(
        self, out_refund_no: str, status: str = "SUCCESS", times: int = 1
    ) -> list[int]:
        return control.complete_refund(self, out_refund_no, status, times)

    def build_payment_notification(
        self,
        out_trade_no: str,
        *,
        amount_total: int | None = None,
        timestamp: int | None = None,
        bad_signature: bool = False,
    ) -> tuple[dict[str, str], bytes]:
        return control.payment_notification(
            self,
            out_trade_no,
            amount_total=amount_total,
            timestamp=timestamp,
            bad_signature=bad_signature,
        )

    def accept_subscribe(self, user: str, template_ids: list[str]) -> dict[str, str]:
        """The user accepts ``wx.requestSubscribeMessage`` for these templates: one send of
        each; returns the result the client reports (``{template_id: "accept"}``)."""
        return oa_control.accept_subscribe(self, user, template_ids)

    def oa_push(
        self,
        user: str,
        kind: str,
        *,
        scene: str | None = None,
        key: str | None = None,
        url: str | None = None,
        content: str | None = None,
        msgid: int | None = None,
        status: str = "success",
        safe: bool = True,
        times: int = 1,
        forge: bool = False,
    ) -> list[tuple[int, str]]:
        """The user acts on the official account (kind: subscribe, unsubscribe, click, view,
        text, template_finish); its signed (safe: encrypted) push is POSTed to the app
        ``times`` times; each (HTTP status, reply body).  ``forge``: signed with a wrong
        token, as an attacker would; the sandbox's state does not change."""
        given = {"scene": scene, "key": key, "url": url, "content": content, "msgid": msgid}
        return oa_control.oa_push(
            self, user, kind, safe=safe, times=times, forge=forge, status=status, **given
        )

    def mp_subscribe_popup(
        self,
        user: str,
        template_ids: list[str],
        *,
        safe: bool = True,
        times: int = 1,
        forge: bool = False,
    ) -> list[tuple[int, str]]:
        """The user accepts these templates in the subscribe popup: one sandbox-side send of
        each (like ``accept_subscribe``) and the mini-program push's
        ``subscribe_msg_popup_event``, signed (safe: encrypted), POSTed ``times`` times to
        the app; each (HTTP status, reply body).  ``forge``: a wrong token, no credits."""
        return mp_push.mp_push(
            self, user, "popup", template_ids, safe=safe, times=times, forge=forge
        )

    def mp_subscribe_change(
        self, user: str, template_ids: list[str], *, safe: bool = True, times: int = 1
    ) -> list[tuple[int, str]]:
        """The user switches these templates off in the settings page: their sandbox-side
        credits go and ``subscribe_msg_change_event`` (``reject``) is pushed to the app."""
        return mp_push.mp_push(self, user, "change", template_ids, safe=safe, times=times)

    def oa_reply(self, body: str) -> dict[str, str]:
        """The app's passive reply to a push as the user sees it ({} for "success")."""
        return open_reply(self, body)

    def messages(self) -> list[dict[str, Any]]:
        """Every subscribe / template message WeChat accepted, oldest first."""
        return oa_control.messages(self)

    def mp_openid(self, user: str) -> str:
        return openid_for(self.keyring.appid, user)

    def oa_openid(self, user: str) -> str:
        return openid_for(self.keyring.oa_appid, user)

    def app_base(self) -> str:
        base = self.notify_base or self.app_url
        if base is None:
            raise SandboxError(409, "NO_APP_URL", "the sandbox does not know the app's URL")
        return base.rstrip("/")

    def deliver(self, url: str, headers: Mapping[str, str], body: bytes) -> int:
        return notifications.deliver(url, headers, body)

    def snapshot(self) -> dict[str, Any]:
        return self.state.snapshot()

    def notify_target(self, notify_url: str) -> str:
        if self.notify_base is None:
            return notify_url
        parts = urllib.parse.urlsplit(notify_url)
        return self.notify_base + parts.path + (f"?{parts.query}" if parts.query else "")

    def refund_requested(self, out_refund_no: str) -> None:
        if not self.auto_complete_refunds:
            return
        timer = threading.Timer(self.refund_delay_s, self._auto_complete, (out_refund_no,))
        timer.daemon = True
        with self._timers_lock:
            self._timers = [t for t in self._timers if t.is_alive()]
            self._timers.append(timer)
        timer.start()

    def _auto_complete(self, out_refund_no: str) -> None:
        try:
            self.complete_refund(out_refund_no, "SUCCESS")
        except SandboxError as err:
            logger.info("auto-completion of refund %s skipped: %s", out_refund_no, err)
