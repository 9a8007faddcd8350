"""What an order's lifecycle does to the member's benefits, in the same atomic
save as the order itself: the coupon is locked at placement, used on payment and
given back on cancel or refund; redeemed points come back on cancel or refund;
points are earned at completion and clawed back by a refund; paid spend moves
the member's level both ways. An invitee's first completed order also rewards
them and their inviter, once (invites.py); a refund does not take that back."""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from ..domain.coupons import CouponWallet
from ..domain.ids import points_account_id_for, wallet_id_for
from ..domain.member import Member
from ..domain.order import Order
from ..domain.points import PointsAccount
from .invites import InviteUseCases


class BenefitUseCases(InviteUseCases):
    def _open_member(self, order: Order) -> Member | None:
        member = self.load(Member, order.member_id, "member")
        return None if member.closed else member

    def _coupon_wallet(self, order: Order) -> CouponWallet | None:
        if not order.price.coupon_id:
            return None
        wallet = self.find(CouponWallet, wallet_id_for(order.member_id))
        return None if wallet is None or wallet.closed else wallet

    def _points_account(self, order: Order) -> PointsAccount | None:
        account = self.find(PointsAccount, points_account_id_for(order.member_id))
        return None if account is None or account.closed else account

    def benefits_on_payment(self, order: Order) -> list[Aggregate]:
        """The locked coupon is used; the paid amount counts towards the level."""
        changed: list[Aggregate] = []
        wallet = self._coupon_wallet(order)
        if wallet is not None and order.price.coupon_id:
            wallet.use(order.price.coupon_id, order.id, self.clock.now())
            changed.append(wallet)
        member = self._open_member(order)
        if member is not None:
            member.record_spend(order.id, order.price.payable_fen, self.clock.now(), self.levels())
            changed.append(member)
        return changed

    def benefits_returned(self, order: Order, *, refunded: bool) -> list[Aggregate]:
        """Cancel or refund: the coupon comes back while still valid, redeemed
        points come back, earned points are clawed back, spend is reversed."""
        now = self.clock.now()
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
            member.reverse_spend(order.id, now, self.levels())
            changed.append(member)
        return changed

    def benefits_on_completion(self, order: Order) -> list[Aggregate]:
        """Points are earned when the order completes, at the member's level rate;
        an invitee's first completed order brings both sides the invite reward."""
        earned: list[Aggregate] = []
        member = self._open_member(order)
        if member is not None:
            level = self.level_of(member)
            points = self.points_policy.earned_for(
                order.paid_goods_fen, level.points_multiplier_percent
            )
            account = self.points_of(order.member_id)
            account.earn_for_order(order.id, points, self.clock.now(), self.points_policy)
            earned.append(account)
        return [*earned, *self.invite_rewards_on_completion(order, earned)]
