"""Invite use cases (邀请有礼): the referral recorded at an invitee's registration,
and the reward both members get when the invitee's first order completes.

An invite is never a reason to refuse a login: a refused one is reported to the
caller (InviteOutcome) and nothing is recorded. The reward is saved in the same
atomic write as the completed order (see benefits.py): the Referral's `Rewarded`
event, the points (a `reward:invite:<referral>` lot in each account) and the
coupons. A refund of that order later takes nothing back: the invitee did
complete an order, and the inviter's reward must not depend on what the invitee
does afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.coupons import CouponTemplate, CouponWallet
from ..domain.errors import CouponsExhausted, CouponUnavailable
from ..domain.ids import coupon_template_id_for, points_account_id_for, wallet_id_for
from ..domain.member import Member
from ..domain.order import Order
from ..domain.points import PointsAccount
from ..domain.points_policy import PointsPolicy
from ..domain.referral import (
    MAX_CHAIN,
    InvitePolicy,
    InviteRefused,
    Referral,
    invite_code_for,
    inviter_of_code,
)
from .accounts import Accounts
from .store import EventStore

RECORDED, REFUSED = "recorded", "refused"


@dataclass(frozen=True)
class InviteOutcome:
    """What became of the invite code given at login."""

    status: str  # RECORDED | REFUSED
    reason: str = ""  # why refused (see InviteRefused)
    inviter_code: str = ""  # recorded: the inviter's code

    def as_dict(self) -> dict[str, str]:
        if self.status == RECORDED:
            return {"status": self.status, "inviter": self.inviter_code}
        return {"status": self.status, "reason": self.reason}


class _Batch:
    """Aggregates already in the caller's save, and those the reward adds to it."""

    def __init__(self, saving: Sequence[Aggregate]) -> None:
        self.saving = {a.id: a for a in saving}
        self.added: dict[UUID, Aggregate] = {}

    def get(self, aggregate_id: UUID) -> Aggregate | None:
        return self.saving.get(aggregate_id) or self.added.get(aggregate_id)

    def add(self, aggregate: Aggregate) -> None:
        if aggregate.id not in self.saving:
            self.added[aggregate.id] = aggregate


class InviteUseCases:
    """The referral recorded at registration and the reward on the invitee's
    first completed order."""

    def __init__(
        self,
        store: EventStore,
        accounts: Accounts,
        *,
        invite_policy: InvitePolicy,
        points_policy: PointsPolicy,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.invite_policy = invite_policy
        self.points_policy = points_policy

    def referral_of(self, invitee_id: UUID) -> Referral | None:
        return self.store.find(Referral, Referral.create_id(invitee_id))

    def invite_on_registration(
        self, member: Member, registered: bool, code: str
    ) -> tuple[InviteOutcome, Referral | None]:
        """The referral to save with the member's login, or why there is none."""
        try:
            if not registered:
                raise InviteRefused("already_registered", "only a first login takes an invite")
            inviter_id = inviter_of_code(code)
            if inviter_id != member.id:
                self._require_inviter(inviter_id)
            if self.store.exists(Referral.create_id(member.id)):
                raise InviteRefused("already_invited", "this member was invited before")
            referral = Referral.record(
                invitee_id=member.id,
                inviter_id=inviter_id,
                inviters_above=self._inviters_above(inviter_id),
                at=self.store.clock.now(),
            )
        except InviteRefused as refused:
            return InviteOutcome(REFUSED, reason=refused.reason), None
        return InviteOutcome(RECORDED, inviter_code=invite_code_for(inviter_id)), referral

    def _require_inviter(self, inviter_id: UUID) -> None:
        inviter = self.store.find(Member, inviter_id)
        if inviter is None:
            raise InviteRefused("unknown_inviter", "no member has this invite code")
        if inviter.closed:
            raise InviteRefused("inviter_closed", "the inviter has closed their account")

    def _inviters_above(self, inviter_id: UUID) -> list[UUID]:
        """The inviter's inviter, theirs, and so on, at most MAX_CHAIN of them."""
        chain: list[UUID] = []
        current = self.referral_of(inviter_id)
        while current is not None and len(chain) < MAX_CHAIN:
            chain.append(current.inviter_id)
            current = self.referral_of(current.inviter_id)
        return chain

    def invite_rewards_on_completion(
        self, order: Order, saving: Sequence[Aggregate]
    ) -> list[Aggregate]:
        """Both sides' reward when an invitee's order completes, once per referral.
        `saving`: the aggregates the caller saves already (reused, not returned)."""
        referral = self.referral_of(order.member_id)
        if referral is None or referral.rewarded:
            return []
        now = self.store.clock.now()
        batch = _Batch(saving)
        reason = f"invite:{referral.id}"
        template = self._invite_coupon()
        given = {
            role: (
                self._give_points(batch, member_id, reason, now),
                self._give_coupon(batch, template, member_id),
            )
            for role, member_id in (
                ("inviter", referral.inviter_id),
                ("invitee", referral.invitee_id),
            )
        }
        referral.reward(
            order.id,
            inviter_points=given["inviter"][0],
            invitee_points=given["invitee"][0],
            inviter_coupon_id=given["inviter"][1],
            invitee_coupon_id=given["invitee"][1],
            at=now,
        )
        batch.add(referral)
        return list(batch.added.values())

    def _give_points(self, batch: _Batch, member_id: UUID, reason: str, now: datetime) -> int:
        points = self.invite_policy.reward_points
        found = batch.get(points_account_id_for(member_id))
        account = found if isinstance(found, PointsAccount) else self.accounts.points_of(member_id)
        if points <= 0 or account.closed:
            return 0
        if not account.earn_reward(reason, points, now, self.points_policy):
            return 0
        batch.add(account)
        return points

    def _invite_coupon(self) -> CouponTemplate | None:
        code = self.invite_policy.reward_coupon
        return self.store.find(CouponTemplate, coupon_template_id_for(code)) if code else None

    def _give_coupon(self, batch: _Batch, template: CouponTemplate | None, member_id: UUID) -> str:
        """The coupon's id, or "" when none can be given (no template, a stopped or
        exhausted one, a closed wallet, the member's limit reached)."""
        if template is None:
            return ""
        found = batch.get(wallet_id_for(member_id))
        wallet = found if isinstance(found, CouponWallet) else self.accounts.wallet_of(member_id)
        limit = template.per_member_limit
        if wallet.closed or (limit and wallet.has_from_template(template.id) >= limit):
            return ""
        now = self.store.clock.now()
        try:
            coupon = template.issue(member_id, now)
        except (CouponUnavailable, CouponsExhausted):
            return ""
        wallet.receive(coupon, limit, now)
        batch.add(wallet)
        batch.add(template)
        return coupon.coupon_id
