"""What an order's lifecycle does to the member's benefits: the coupon locked at
placement is used on payment and given back on cancel or refund; redeemed
points come back on cancel or refund (part by part with after-sales refunds);
points are earned at completion and clawed back by a refund; paid spend moves
the member's level both ways; an invitee's first completed order also rewards
them and their inviter, once (invites.py), and a refund does not take that back.

Each method returns the aggregates it changed, for the caller to save in the
same atomic write as the order (see order_reactions.py)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.apportion import points_back
from ..domain.coupons import CouponWallet
from ..domain.ids import points_account_id_for, wallet_id_for
from ..domain.member import Member
from ..domain.order import Order
from ..domain.points import PointsAccount
from ..domain.points_policy import PointsPolicy
from .accounts import Accounts
from .invites import InviteUseCases
from .store import EventStore


class Benefits:
    def __init__(
        self,
        store: EventStore,
        accounts: Accounts,
        invites: InviteUseCases,
        *,
        points_policy: PointsPolicy,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.invites = invites
        self.points_policy = points_policy

    def _open_member(self, order: Order) -> Member | None:
        member = self.accounts.member(order.member_id)
        return None if member.closed else member

    def _coupon_wallet(self, order: Order) -> CouponWallet | None:
        if not order.price.coupon_id:
            return None
        wallet = self.store.find(CouponWallet, wallet_id_for(order.member_id))
        return None if wallet is None or wallet.closed else wallet

    def _points_account(self, order: Order) -> PointsAccount | None:
        account = self.store.find(PointsAccount, points_account_id_for(order.member_id))
        return None if account is None or account.closed else account

    def on_payment(self, order: Order) -> list[Aggregate]:
        """The locked coupon is used; the paid amount counts towards the level."""
        now = self.store.clock.now()
        changed: list[Aggregate] = []
        wallet = self._coupon_wallet(order)
        if wallet is not None and order.price.coupon_id:
            wallet.use(order.price.coupon_id, order.id, now)
            changed.append(wallet)
        member = self._open_member(order)
        if member is not None:
            member.record_spend(order.id, order.price.payable_fen, now, self.accounts.levels())
            changed.append(member)
        return changed

    def returned(self, order: Order, *, refunded: bool) -> list[Aggregate]:
        """Cancel or refund: the coupon comes back while still valid, redeemed
        points come back, earned points are clawed back, spend is reversed."""
        now = self.store.clock.now()
        changed: list[Aggregate] = []
        wallet = self._coupon_wallet(order)
        if wallet is not None and order.price.coupon_id:
            wallet.give_back(order.price.coupon_id, order.id, now)
            changed.append(wallet)
        account = self._points_account(order)
        if account is not None:
            account.restore_redemption(order.id, now)
            if refunded:
                account.claw_back(order.id, now)
            changed.append(account)
        member = self._open_member(order) if refunded else None
        if member is not None:
            member.reverse_spend(order.id, now, self.accounts.levels())
            changed.append(member)
        return changed

    def part_refunded(
        self, order: Order, after_sale_id: UUID, *, refunded_fen: int, part_fen: int
    ) -> list[Aggregate]:
        """A confirmed after-sales refund of `part_fen` of goods (`refunded_fen`
        refunded before it) gives back its share of the redeemed points
        (apportion.points_back); the refund of the order's last unit goes
        through `returned` instead, which gives back the rest."""
        account = self._points_account(order)
        if account is None:
            return []
        points = points_back(
            account.redeemed_for(order.id),
            refunded_fen=refunded_fen,
            part_fen=part_fen,
            goods_fen=order.price.payable_fen - order.price.shipping_fen,
        )
        now = self.store.clock.now()
        return [account] if account.restore_part(order.id, after_sale_id, points, now) else []

    def on_completion(self, order: Order) -> list[Aggregate]:
        """Points are earned when the order completes, at the member's level rate;
        an invitee's first completed order brings both sides the invite reward."""
        earned: list[Aggregate] = []
        member = self._open_member(order)
        if member is not None:
            level = self.accounts.level_of(member)
            points = self.points_policy.earned_for(
                order.paid_goods_fen, level.points_multiplier_percent
            )
            account = self.accounts.points_of(order.member_id)
            account.earn_for_order(order.id, points, self.store.clock.now(), self.points_policy)
            earned.append(account)
        return [*earned, *self.invites.invite_rewards_on_completion(order, earned)]
