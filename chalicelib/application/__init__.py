"""The shop's use cases, by business area, over one event store.

`Shop` only holds the areas; each is a small class that receives what it needs
in its constructor. They are built in one place, `chalicelib/bootstrap/shop.py`
(`build_shop`), from the rules the shop runs by (`ShopRules`) and what it needs
from the outside world (`ShopPorts`, the protocols of ports.py).

What an order's payment, cancellation, refund or completion also changes is
listed per trigger in order_reactions.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..clock import Clock
    from ..domain.points_policy import PointsPolicy
    from ..domain.policy import OrderPolicy
    from ..domain.referral import InvitePolicy
    from ..domain.template_book import TemplateBook
    from .accounts import Accounts
    from .after_sales import AfterSalesUseCases
    from .bargains import BargainUseCases
    from .campaign_orders import CampaignOrders
    from .campaigns import CampaignAdminUseCases
    from .cart import CartUseCases
    from .cart_checkout import CartCheckout
    from .catalogue import CatalogueUseCases
    from .checkout import CheckoutUseCases
    from .coupons import CouponUseCases
    from .experiments import ExperimentUseCases
    from .favourites import FavouriteUseCases
    from .flash_sale import FlashSaleUseCases
    from .group_buy import GroupBuyUseCases
    from .invites import InviteUseCases
    from .jobs import JobUseCases
    from .logins import LoginUseCases
    from .loyalty import LoyaltyUseCases
    from .members import MemberUseCases
    from .notify_sender import NotificationUseCases
    from .official_account import OfficialAccountUseCases
    from .orders import OrderUseCases
    from .payments import PaymentUseCases
    from .ports import (
        FollowerDirectory,
        FollowerLookup,
        Messenger,
        PaymentGateway,
        Pseudonyms,
        Vault,
    )
    from .push_replays import PushReplays
    from .reservations import ReservationUseCases
    from .reviews import ReviewUseCases
    from .source_labels import SourceLabelUseCases
    from .store import EventStore
    from .subscriptions import SubscriptionUseCases


def __getattr__(name: str) -> Any:
    """The use cases are imported by whoever builds them (bootstrap/shop.py), so
    a Lambda function that only reads the event store imports none of them
    (README, "Cold start")."""
    if name == "EventStore":
        from .store import EventStore

        return EventStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _order_policy() -> OrderPolicy:
    from ..domain.policy import OrderPolicy

    return OrderPolicy()


def _points_policy() -> PointsPolicy:
    from ..domain.points_policy import PointsPolicy

    return PointsPolicy()


def _template_book() -> TemplateBook:
    from ..domain.template_book import DEFAULT_TEMPLATES, TemplateBook

    return TemplateBook.from_json(DEFAULT_TEMPLATES)


def _invite_policy() -> InvitePolicy:
    from ..domain.referral import InvitePolicy

    return InvitePolicy()


def _keyword_replies() -> Mapping[str, str]:
    from .official_account import DEFAULT_KEYWORD_REPLIES

    return DEFAULT_KEYWORD_REPLIES


@dataclass(frozen=True)
class ShopRules:
    """The shop's own settings the use cases follow (settings.py reads them)."""

    order_policy: OrderPolicy = field(default_factory=_order_policy)
    points_policy: PointsPolicy = field(default_factory=_points_policy)
    invite_policy: InvitePolicy = field(default_factory=_invite_policy)
    welcome_coupons: tuple[str, ...] = ("welcome",)
    template_book: TemplateBook = field(default_factory=_template_book)
    credits_from: str = "client"
    """subscriptions.CLIENT: the mini-program reports accepted subscribe messages."""
    keyword_replies: Mapping[str, str] = field(default_factory=_keyword_replies)
    mp_appid: str = ""
    review_points: int = 0
    """Points a review earns its author, once per review (0: none)."""


@dataclass(frozen=True)
class ShopPorts:
    """What the use cases need from the outside world (adapters implement them)."""

    vault: Vault
    payments: PaymentGateway
    messenger: Messenger
    follower_directory: FollowerDirectory
    pseudonyms: Pseudonyms
    followers: FollowerLookup


@dataclass(frozen=True)
class Shop:
    """Every use case of the shop, by business area (built by bootstrap.build_shop)."""

    store: EventStore
    rules: ShopRules
    ports: ShopPorts
    accounts: Accounts
    catalogue: CatalogueUseCases
    checkout: CheckoutUseCases
    logins: LoginUseCases
    members: MemberUseCases
    coupons: CouponUseCases
    loyalty: LoyaltyUseCases
    invites: InviteUseCases
    orders: OrderUseCases
    after_sales: AfterSalesUseCases
    payments: PaymentUseCases
    campaign_orders: CampaignOrders
    campaigns: CampaignAdminUseCases
    flash_sale: FlashSaleUseCases
    group_buy: GroupBuyUseCases
    bargains: BargainUseCases
    reservations: ReservationUseCases
    subscriptions: SubscriptionUseCases
    notifications: NotificationUseCases
    official_account: OfficialAccountUseCases
    push_replays: PushReplays
    source_labels: SourceLabelUseCases
    experiments: ExperimentUseCases
    favourites: FavouriteUseCases
    reviews: ReviewUseCases
    cart: CartUseCases
    cart_checkout: CartCheckout
    jobs: JobUseCases

    @property
    def clock(self) -> Clock:
        return self.store.clock


__all__ = ["EventStore", "Shop", "ShopPorts", "ShopRules"]
