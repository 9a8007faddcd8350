"""The WeChat and WeChat Pay clients and push envelopes, built from settings on
first use (a key or a certificate is read only when something needs it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .once import BuiltOnce

if TYPE_CHECKING:
    from ..adapters.wechat import WeChatClient, WeChatPayClient
    from ..adapters.wechat.oa_client import OfficialAccountClient
    from ..adapters.wechat.oa_crypto import PushCrypto
    from ..clock import Clock
    from ..settings import Settings

T = TypeVar("T")


class LazyPayments:
    """The shop's payment gateway port, its client built on first use."""

    def __init__(self, client: Callable[[], WeChatPayClient]) -> None:
        self._client = client

    def jsapi_prepay(self, **kwargs: Any) -> str:
        return self._client().jsapi_prepay(**kwargs)

    def payment_params(self, prepay_id: str) -> dict[str, str]:
        return self._client().payment_params(prepay_id)


class WeChatClients:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self._once = BuiltOnce()

    @property
    def platform_keys(self) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            from ..adapters.wechat import load_public_key

            pems = self.settings.platform_key_pems
            return {serial: load_public_key(pem) for serial, pem in pems.items()}

        return self._once("platform_keys", build)

    @property
    def apiv3_key(self) -> bytes:
        return self.settings.wechatpay_apiv3_key.encode()

    @property
    def pay_client(self) -> WeChatPayClient:
        def build() -> WeChatPayClient:
            from ..adapters.secret_files import merchant_key_pem
            from ..adapters.wechat import WeChatPayClient, load_private_key

            key_pem = merchant_key_pem(
                self.settings.wechatpay_private_key, self.settings.wechatpay_private_key_file
            )
            return WeChatPayClient(
                self.settings.wechatpay_api_base,
                appid=self.settings.wechat_appid,
                mchid=self.settings.wechatpay_mchid,
                serial_no=self.settings.wechatpay_serial_no,
                private_key=load_private_key(key_pem),
                platform_keys=self.platform_keys,
                notify_url=self.settings.notify_url,
                clock=self.clock,
            )

        return self._once("pay_client", build)

    @property
    def wechat(self) -> WeChatClient:
        from ..adapters.wechat import WeChatClient

        return self._once(
            "wechat",
            lambda: WeChatClient(
                self.settings.wechat_api_base,
                appid=self.settings.wechat_appid,
                secret=self.settings.wechat_secret,
                clock=self.clock,
            ),
        )

    @property
    def oa_client(self) -> OfficialAccountClient | None:
        """The official account's API client; None when no account is configured."""
        if not self.settings.oa_appid:
            return None
        from ..adapters.wechat.oa_client import OfficialAccountClient

        return self._once(
            "oa_client",
            lambda: OfficialAccountClient(
                self.settings.oa_api_base,
                appid=self.settings.oa_appid,
                secret=self.settings.oa_secret,
                clock=self.clock,
            ),
        )

    @property
    def push_crypto(self) -> PushCrypto | None:
        """Safe-mode push envelopes; None when no EncodingAESKey is configured."""
        s = self.settings
        if not s.oa_aes_key:
            return None
        from ..adapters.wechat.oa_crypto import PushCrypto

        return self._once("push_crypto", lambda: PushCrypto(s.oa_token, s.oa_aes_key, s.oa_appid))

    @property
    def mp_push_crypto(self) -> PushCrypto | None:
        """The mini-program push's safe-mode envelopes (the mini-program's appid)."""
        s = self.settings
        if not s.mp_push_aes_key:
            return None
        from ..adapters.wechat.oa_crypto import PushCrypto

        return self._once(
            "mp_push_crypto", lambda: PushCrypto(s.mp_push_token, s.mp_push_aes_key, s.wechat_appid)
        )
