"""The composition root: wiring only. `build_shop` builds every use case with
what it needs; `Container` builds the adapters from settings, lazily, once.

app.py, the local server and the CLI ask `container()` for the one the process
uses; tests build their own `Container` (a FixedClock, temporary settings) and
install it with `use()`, or call `build_shop` over an in-memory event store.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from .adapters.idempotency import IdempotencyKeys
from .adapters.outbox_dispatch import Outbox, OutboxDispatcher
from .adapters.pii import PersonalData
from .adapters.pseudonyms import KeyedPseudonyms
from .adapters.secret_files import identity_secret, merchant_key_pem, session_secret
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
from .application import Shop, ShopPorts, ShopRules
from .application.accounts import Accounts
from .application.bargains import BargainReactions, BargainUseCases
from .application.benefits import Benefits
from .application.campaign_orders import CampaignOrders
from .application.campaigns import CampaignAdminUseCases
from .application.catalogue import CatalogueUseCases
from .application.checkout import CheckoutUseCases
from .application.coupons import CouponUseCases
from .application.errors import InvalidInput
from .application.flash_sale import FlashSaleUseCases
from .application.group_buy import GroupBuyUseCases
from .application.invites import InviteUseCases
from .application.jobs import JobUseCases
from .application.loyalty import LoyaltyUseCases
from .application.members import MemberUseCases
from .application.notify_sender import NotificationUseCases
from .application.official_account import DEFAULT_KEYWORD_REPLIES, OfficialAccountUseCases
from .application.order_reactions import OrderReactions
from .application.orders import OrderUseCases
from .application.payments import PaymentUseCases
from .application.ports import MessageOutcomeUnknown, MessageRefused, MessengerUnavailable
from .application.push_replays import PushReplays
from .application.reservations import ReservationUseCases
from .application.store import EventStore
from .application.subscriptions import SubscriptionUseCases
from .application.teams import TeamReactions
from .clock import Clock, SystemClock
from .domain.template_book import TemplateBook
from .follow_on import FollowOnWork
from .outbox_handlers import OutboxHandlers
from .projections import all_projections
from .projections.due import DueTimers
from .projections.followers import FollowersByUnionId
from .projections.runner import ReadModelRunner
from .runtimes import Aws, ReadModels, Runtime, runtime_for
from .scheduler import Scheduler
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


def rules_from(settings: Settings) -> ShopRules:
    """The rules the use cases follow, as the settings give them."""
    book = settings.notification_templates.strip()
    replies = settings.oa_keyword_replies.strip()
    return ShopRules(
        order_policy=settings.order_policy,
        points_policy=settings.points_policy,
        invite_policy=settings.invite_policy,
        welcome_coupons=settings.welcome_coupon_codes,
        template_book=(
            TemplateBook.from_json(json.loads(book)) if book else ShopRules().template_book
        ),
        credits_from=settings.subscribe_credits_from,
        keyword_replies=json.loads(replies) if replies else DEFAULT_KEYWORD_REPLIES,
        mp_appid=settings.wechat_appid,
    )


def build_shop(store: EventStore, rules: ShopRules, ports: ShopPorts) -> Shop:
    """Every use case, each given what it needs: the one place they are built."""
    accounts = Accounts(store)
    checkout = CheckoutUseCases(
        store,
        accounts,
        policy=rules.order_policy,
        points_policy=rules.points_policy,
        vault=ports.vault,
    )
    coupons = CouponUseCases(store, accounts, welcome_coupons=rules.welcome_coupons)
    invites = InviteUseCases(
        store, accounts, invite_policy=rules.invite_policy, points_policy=rules.points_policy
    )
    loyalty = LoyaltyUseCases(store, accounts, points_policy=rules.points_policy)
    campaign_orders = CampaignOrders(store, accounts, checkout)
    reactions = OrderReactions(
        store,
        Benefits(store, accounts, invites, points_policy=rules.points_policy),
        campaign_orders,
        TeamReactions(store),
        BargainReactions(store),
    )
    orders = OrderUseCases(store, checkout, reactions, policy=rules.order_policy)
    campaigns = CampaignAdminUseCases(store, checkout, campaign_orders)
    group_buy = GroupBuyUseCases(store, campaign_orders)
    official_account = OfficialAccountUseCases(
        store,
        follower_directory=ports.follower_directory,
        followers=ports.followers,
        keyword_replies=rules.keyword_replies,
        mp_appid=rules.mp_appid,
    )
    return Shop(
        store=store,
        rules=rules,
        ports=ports,
        accounts=accounts,
        catalogue=CatalogueUseCases(store),
        checkout=checkout,
        members=MemberUseCases(
            store,
            accounts,
            coupons,
            invites,
            official_account,
            vault=ports.vault,
            pseudonyms=ports.pseudonyms,
        ),
        coupons=coupons,
        loyalty=loyalty,
        invites=invites,
        orders=orders,
        payments=PaymentUseCases(store, orders, reactions, gateway=ports.payments),
        campaign_orders=campaign_orders,
        campaigns=campaigns,
        flash_sale=FlashSaleUseCases(store, campaign_orders),
        group_buy=group_buy,
        bargains=BargainUseCases(store, accounts, checkout, campaign_orders),
        reservations=ReservationUseCases(store, accounts, campaign_orders),
        subscriptions=SubscriptionUseCases(
            store, accounts, template_book=rules.template_book, credits_from=rules.credits_from
        ),
        notifications=NotificationUseCases(
            store, accounts, template_book=rules.template_book, messenger=ports.messenger
        ),
        official_account=official_account,
        push_replays=PushReplays(store),
        jobs=JobUseCases(
            store.clock,
            orders=orders,
            loyalty=loyalty,
            coupons=coupons,
            campaigns=campaigns,
            group_buy=group_buy,
        ),
    )


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
    def store(self) -> EventStore:
        return self._once(
            "store",
            lambda: EventStore(
                env=self.runtime.persistence_env(),
                clock=self.clock,
                on_commit=lambda: self.follow_on.after_commit(),
            ),
        )

    @property
    def shop(self) -> Shop:
        return self._once("shop", lambda: build_shop(self.store, self.rules, self.ports))

    @property
    def rules(self) -> ShopRules:
        return self._once("rules", lambda: rules_from(self.settings))

    def reread_rules(self) -> None:
        """The use cases follow the settings as they are now (the event store,
        views and clients stay): what is built from the rules is built again."""
        with self._lock:
            for name in ("rules", "shop", "dispatcher", "follow_on", "scheduler"):
                self._built.pop(name, None)

    @property
    def ports(self) -> ShopPorts:
        """The adapters the use cases talk to (each builds its client on first use)."""
        s = self.settings
        return ShopPorts(
            vault=self.vault,
            payments=_PaymentsPort(lambda: self.pay_client),
            messenger=WeChatMessenger(
                lambda: self.wechat,
                lambda: self.oa_client,
                mp_appid=s.wechat_appid,
                miniprogram_state=s.miniprogram_state,
            ),
            follower_directory=WeChatFollowerDirectory(lambda: self.oa_client),
            pseudonyms=self.pseudonyms,
            followers=FollowersByUnionId(self.views),
        )

    @property
    def pseudonyms(self) -> KeyedPseudonyms:
        """WeChat identities' keyed hashes; the secret is read on first use."""
        s = self.settings
        return self._once(
            "pseudonyms",
            lambda: KeyedPseudonyms(
                lambda: identity_secret(
                    s.identity_secret, s.data_dir, keeps_files=self.runtime.keeps_files
                )
            ),
        )

    @property
    def follow_on(self) -> FollowOnWork:
        return self._once(
            "follow_on",
            lambda: FollowOnWork(
                self.runner.catch_up,
                self.dispatcher.dispatch_due,
                in_process=self.runtime.follows_up_in_process,
            ),
        )

    @property
    def scheduler(self) -> Scheduler:
        return self._once(
            "scheduler",
            lambda: Scheduler(
                self.runner.catch_up,
                self.shop.jobs,
                self.timers,
                lambda: self.runtime.send_due(self.dispatcher),
            ),
        )

    @property
    def vault(self) -> PersonalData:
        return self._once("vault", lambda: PersonalData(self.runtime.keys))

    @property
    def views(self) -> ReadModels:
        return self.runtime.views

    @property
    def idempotency_keys(self) -> IdempotencyKeys:
        """First answers to commands sent with an Idempotency-Key (api/idempotency.py)."""
        return self.runtime.idempotency_keys

    @property
    def runner(self) -> ReadModelRunner:
        return self._once(
            "runner",
            lambda: ReadModelRunner(
                self.store,
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
        shop = self.shop
        handlers = OutboxHandlers(
            notifications=shop.notifications,
            official_account=shop.official_account,
            accounts=shop.accounts,
            views=self.views,
            pay_client=lambda: self.pay_client,
            clock=self.clock,
        )
        return OutboxDispatcher(
            self.outbox,
            handlers.by_kind(),
            self.clock,
            transient=(WeChatUnavailable, MessengerUnavailable, MessageOutcomeUnknown),
            permanent=(WeChatError, MessageRefused, InvalidInput),
            on_retry=self.runtime.retry_later,
        )

    @property
    def timers(self) -> DueTimers:
        return self._once("timers", lambda: DueTimers(self.views, self.settings.order_policy))

    @property
    def tokens(self) -> SessionTokens:
        def build() -> SessionTokens:
            secret = session_secret(
                self.settings.session_secret,
                self.settings.data_dir,
                keeps_files=self.runtime.keeps_files,
            )
            return SessionTokens(secret, self.settings.session_ttl_s)

        return self._once("tokens", build)

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
        return self.store.repository.event_store.get(aggregate_id)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def aws(self) -> Aws:
        if not isinstance(self.runtime, Aws):
            raise RuntimeError("this handler runs only with MINILOOP_RUNTIME=aws")
        return self.runtime

    def close(self) -> None:
        with self._lock:
            store = self._built.pop("store", None)
            if store is not None:
                store.close()
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
