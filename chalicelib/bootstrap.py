"""The composition root: builds every adapter from settings, lazily, once.

app.py and the CLI ask `container()`; tests build their own `Container` with a
FixedClock and temporary settings and install it with `use()`.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from .adapters.outbox_dispatch import Outbox, OutboxDispatcher
from .adapters.pii import PersonalData
from .adapters.tokens import SessionTokens
from .adapters.wechat import (
    WeChatClient,
    WeChatError,
    WeChatPayClient,
    WeChatUnavailable,
    load_private_key,
    load_public_key,
)
from .adapters.wechat.oa_client import OfficialAccountClient
from .adapters.wechat.oa_crypto import PushCrypto
from .adapters.wechat_messenger import WeChatFollowerDirectory, WeChatMessenger
from .application import Shop
from .application.errors import InvalidInput
from .application.ports import MessageRefused, MessengerUnavailable
from .clock import Clock, SystemClock
from .domain.template_book import TemplateBook
from .outbox_handlers import OutboxHandlers
from .projections import all_projections
from .projections.due import DueTimers
from .projections.runner import ProjectionRunner
from .runtimes import Aws, ReadModels, Runtime, runtime_for
from .settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class _PaymentsPort:
    """The Shop's payment gateway, built on first use (keys load lazily)."""

    def __init__(self, client: Callable[[], WeChatPayClient]) -> None:
        self._client = client

    def jsapi_prepay(self, **kwargs: Any) -> str:
        return self._client().jsapi_prepay(**kwargs)

    def payment_params(self, prepay_id: str) -> dict[str, str]:
        return self._client().payment_params(prepay_id)


class Container:
    def __init__(self, settings: Settings | None = None, *, clock: Clock | None = None) -> None:
        self.settings = settings or Settings()
        self.clock: Clock = clock or SystemClock()
        self.runtime: Runtime = runtime_for(self.settings, self.clock)
        self._built: dict[str, Any] = {}
        self._lock = threading.RLock()

    def _once(self, name: str, factory: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._built:
                self._built[name] = factory()
            result: T = self._built[name]
            return result

    @property
    def shop(self) -> Shop:
        return self._once("shop", self._build_shop)

    def _build_shop(self) -> Shop:
        shop = Shop(env=self.runtime.persistence_env(), clock=self.clock)
        shop.policy = self.settings.order_policy
        shop.points_policy = self.settings.points_policy
        shop.welcome_coupons = self.settings.welcome_coupon_codes
        shop.invite_policy = self.settings.invite_policy
        shop.vault = self.vault
        shop.payments = _PaymentsPort(lambda: self.pay_client)
        self._wire_notifications(shop)
        shop.after_save.append(self.after_command)
        return shop

    def _wire_notifications(self, shop: Shop) -> None:
        s = self.settings
        shop.messenger = WeChatMessenger(
            lambda: self.wechat,
            lambda: self.oa_client,
            mp_appid=s.wechat_appid,
            miniprogram_state=s.miniprogram_state,
        )
        shop.follower_directory = WeChatFollowerDirectory(lambda: self.oa_client)
        shop.mp_appid = s.wechat_appid
        shop.credits_from = s.subscribe_credits_from
        if s.notification_templates.strip():
            shop.template_book = TemplateBook.from_json(json.loads(s.notification_templates))
        if s.oa_keyword_replies.strip():
            shop.keyword_replies = json.loads(s.oa_keyword_replies)

    @property
    def vault(self) -> PersonalData:
        return self._once("vault", lambda: PersonalData(self.runtime.keys))

    @property
    def views(self) -> ReadModels:
        return self.runtime.views

    @property
    def runner(self) -> ProjectionRunner:
        return self._once(
            "runner",
            lambda: ProjectionRunner(
                self.shop,
                self.views,
                all_projections(self.settings.order_policy.after_sales_window),
            ),
        )

    @property
    def outbox(self) -> Outbox:
        return self.runtime.outbox

    @property
    def dispatcher(self) -> OutboxDispatcher:
        return self._once("dispatcher", self._build_dispatcher)

    def _build_dispatcher(self) -> OutboxDispatcher:
        handlers = OutboxHandlers(self.shop, self.views, lambda: self.pay_client)
        return OutboxDispatcher(
            self.outbox,
            handlers.by_kind(),
            self.clock,
            transient=(WeChatUnavailable, MessengerUnavailable),
            permanent=(WeChatError, MessageRefused, InvalidInput),
            on_retry=self.runtime.retry_later,
        )

    @property
    def timers(self) -> DueTimers:
        return self._once("timers", lambda: DueTimers(self.views, self.settings.order_policy))

    @property
    def tokens(self) -> SessionTokens:
        return self._once(
            "tokens", lambda: SessionTokens(self._session_secret(), self.settings.session_ttl_s)
        )

    def _session_secret(self) -> bytes:
        if self.settings.session_secret:
            return self.settings.session_secret.encode()
        if not self.runtime.keeps_files:
            raise RuntimeError("MINILOOP_SESSION_SECRET must be set: every function shares it")
        path = self.settings.data_dir / "session_secret"
        if not path.exists():
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return path.read_text().strip().encode()

    @property
    def platform_keys(self) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            pems = self.settings.platform_key_pems
            return {serial: load_public_key(pem) for serial, pem in pems.items()}

        return self._once("platform_keys", build)

    @property
    def apiv3_key(self) -> bytes:
        return self.settings.wechatpay_apiv3_key.encode()

    @property
    def pay_client(self) -> WeChatPayClient:
        def build() -> WeChatPayClient:
            key_pem = self._merchant_key_pem()
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

    def _merchant_key_pem(self) -> bytes:
        if self.settings.wechatpay_private_key:
            return self.settings.wechatpay_private_key.encode()
        key_file = self.settings.wechatpay_private_key_file
        if key_file is None:
            raise WeChatUnavailable("MINILOOP_WECHATPAY_PRIVATE_KEY_FILE is not configured")
        return key_file.read_bytes()

    @property
    def wechat(self) -> WeChatClient:
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
        return self._once("push_crypto", lambda: PushCrypto(s.oa_token, s.oa_aes_key, s.oa_appid))

    @property
    def mp_push_crypto(self) -> PushCrypto | None:
        """The mini-program push's safe-mode envelopes (the mini-program's appid)."""
        s = self.settings
        if not s.mp_push_aes_key:
            return None
        return self._once(
            "mp_push_crypto", lambda: PushCrypto(s.mp_push_token, s.mp_push_aes_key, s.wechat_appid)
        )

    def events_of(self, aggregate_id: UUID) -> Iterator[Any]:
        """An aggregate's events straight from the event store (never stale)."""
        return self.shop.repository.event_store.get(aggregate_id)

    def now(self) -> datetime:
        return self.clock.now()

    def after_command(self) -> None:
        """Embedded runtime: read-your-writes projections, then side effects.
        On AWS the event streams drive both, asynchronously."""
        self.runtime.after_command(self.runner, self.dispatcher)

    @property
    def aws(self) -> Aws:
        if not isinstance(self.runtime, Aws):
            raise RuntimeError("this handler runs only with MINILOOP_RUNTIME=aws")
        return self.runtime

    def tick(self) -> dict[str, int]:
        """One round of the scheduler's work (the ticker, EventBridge and tests call it)."""
        self.runner.catch_up()
        done = self.shop.run_due_jobs(self.timers)
        done.update(self.runtime.send_due(self.dispatcher))
        return done

    def close(self) -> None:
        with self._lock:
            shop = self._built.pop("shop", None)
            if shop is not None:
                shop.close()
            self._built.clear()


_current: Container | None = None
_current_lock = threading.Lock()


def container() -> Container:
    global _current
    with _current_lock:
        if _current is None:
            _current = Container()
        return _current


def use(instance: Container | None) -> None:
    """Installs the container the API and schedules use (tests, the CLI)."""
    global _current
    with _current_lock:
        _current = instance
