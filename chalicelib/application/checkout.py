"""Checkout: the cart, the member's level, coupon and points, priced by the one
pricing function — for the quote the mini-program shows and for the order."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.catalogue import Stock
from ..domain.coupons import CouponWallet
from ..domain.errors import DomainError, InsufficientPoints
from ..domain.member import Member
from ..domain.offers import (
    CheckoutOffers,
    PricingRules,
    best_coupon,
    checkout_offers,
    coupon_offers,
)
from ..domain.order import Order
from ..domain.points import PointsAccount
from ..domain.points_policy import PointsPolicy
from ..domain.policy import OrderPolicy
from ..domain.pricing import quote_id
from ..domain.values import Address, CampaignRef, Delivery, Level, OrderLine, PriceBreakdown
from .accounts import Accounts
from .catalogue_lines import cart_lines
from .errors import InvalidInput
from .ports import Vault
from .store import EventStore


class StaleQuote(DomainError):
    code = "quote_stale"


@dataclass
class Checkout:
    """A priced cart and the aggregates an order placed from it changes."""

    member: Member
    lines: list[OrderLine]
    stocks: list[tuple[Stock, int]]
    price: PriceBreakdown
    wallet: CouponWallet | None
    points: PointsAccount | None
    rules: PricingRules

    @property
    def quote_id(self) -> str:
        return quote_id(self.lines, self.price)


class CheckoutUseCases:
    """Prices carts for quotes and orders, and makes the order of a priced cart."""

    def __init__(
        self,
        store: EventStore,
        accounts: Accounts,
        *,
        policy: OrderPolicy,
        points_policy: PointsPolicy,
        vault: Vault,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.policy = policy
        self.points_policy = points_policy
        self.vault = vault

    def check_out(
        self,
        *,
        member_id: UUID,
        items: list[tuple[str, int]],
        pickup: bool,
        coupon_id: str | None = None,
        points: int = 0,
        pick_best: bool = False,
    ) -> Checkout:
        """The priced cart; with `pick_best` and no `coupon_id`, the member's
        coupon that saves the most on it (domain/offers.py) is applied."""
        member = self.accounts.active_member(member_id)
        lines, stocks = cart_lines(self.store, items)
        level = self.accounts.level_of(member)
        if pick_best and coupon_id is None:
            coupon_id = self._best_coupon(member.id, lines, self.rules(level, pickup))
        return self.priced(member, lines, stocks, level, pickup, coupon_id, points)

    def rules(self, level: Level, pickup: bool) -> PricingRules:
        return PricingRules(level, pickup, self.policy.shipping, self.points_policy)

    def _best_coupon(
        self, member_id: UUID, lines: list[OrderLine], rules: PricingRules
    ) -> str | None:
        usable = self.accounts.wallet_of(member_id).usable_coupons(self.store.clock.now())
        return best_coupon(coupon_offers(usable, lines, rules))

    def offers(self, checkout: Checkout) -> CheckoutOffers:
        """The member's coupons on this cart, the most points usable and the gaps
        to free shipping and the next 满减 (domain/offers.py)."""
        now = self.store.clock.now()
        usable = self.accounts.wallet_of(checkout.member.id).usable_coupons(now)
        available = self.accounts.points_of(checkout.member.id).available(now)
        offers = coupon_offers(usable, checkout.lines, checkout.rules)
        return checkout_offers(offers, checkout.price, checkout.rules, available)

    def priced(
        self,
        member: Member,
        lines: list[OrderLine],
        stocks: list[tuple[Stock, int]],
        level: Level,
        pickup: bool,
        coupon_id: str | None,
        points: int,
    ) -> Checkout:
        """Prices lines for the member: level price, coupon, points, shipping."""
        now = self.store.clock.now()
        wallet = self.accounts.wallet_of(member.id) if coupon_id else None
        coupon = wallet.usable(coupon_id, now) if wallet and coupon_id else None
        account = self.accounts.points_of(member.id) if points else None
        if account is not None and points > account.available(now):
            balance = account.available(now)
            raise InsufficientPoints(f"only {balance} points available", balance=balance)
        rules = self.rules(level, pickup)
        price = rules.price(lines, coupon, points)
        return Checkout(member, lines, stocks, price, wallet, account, rules)

    def new_order(
        self,
        checkout: Checkout,
        *,
        delivery: Delivery,
        address: Address | None,
        note: str,
        pay_within: timedelta,
        campaign: CampaignRef | None = None,
    ) -> tuple[Order, list[Aggregate]]:
        """The order for a priced checkout, with its coupon locked and points
        redeemed; returns it and the other aggregates to save with it. The
        address and a non-empty note are sealed under the member's key."""
        if delivery.is_pickup and not self.policy.picks_up_at(delivery.store_id):
            stores = ", ".join(sorted(self.policy.pickup_stores))
            raise InvalidInput("delivery.store_id", f"no such pickup store: one of {stores}")
        member_id = checkout.member.id
        if address is not None:
            sealed = self.vault.seal_json(member_id, asdict(address))
            delivery = replace(delivery, sealed_address=sealed)
        if note:
            note = self.vault.seal(member_id, note)
        now = self.store.clock.now()
        order = Order(
            member_id=member_id,
            payer_openid=checkout.member.openid,
            lines=checkout.lines,
            delivery=delivery,
            price=checkout.price,
            note=note,
            placed_at=now,
            pay_deadline=now + pay_within,
            campaign=campaign,
        )
        changed: list[Aggregate] = []
        if checkout.wallet is not None and checkout.price.coupon_id:
            checkout.wallet.lock(checkout.price.coupon_id, order.id, now)
            changed.append(checkout.wallet)
        if checkout.points is not None and checkout.price.points_used:
            checkout.points.redeem(order.id, checkout.price.points_used, now)
            changed.append(checkout.points)
        return order, changed

    def require_quote(self, checkout: Checkout, quoted: str | None) -> None:
        if quoted is not None and quoted != checkout.quote_id:
            raise StaleQuote(
                "prices, coupon, points or level changed since the quote; quote again",
                stale_quote_id=quoted,
                quote_id=checkout.quote_id,
                payable_fen=checkout.price.payable_fen,
            )
