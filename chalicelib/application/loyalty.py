"""Loyalty use cases: member levels, daily check-in, and the scheduled work on
points (expiry) and levels (spend ageing out of the 12-month window)."""

from __future__ import annotations

from uuid import UUID

from ..domain.ids import LEVEL_SCHEME_ID, points_account_id_for
from ..domain.levels import LevelScheme, validate_levels
from ..domain.member import Member
from ..domain.points import PointsAccount
from ..domain.values import Level
from .checkout import CheckoutUseCases
from .shop import retry_on_conflict


class LoyaltyUseCases(CheckoutUseCases):
    @retry_on_conflict
    def define_levels(self, levels: list[Level]) -> None:
        """Thresholds and benefits; members move on their next spend change or review."""
        validate_levels(levels)
        now = self.clock.now()
        scheme = self.find(LevelScheme, LEVEL_SCHEME_ID)
        if scheme is None:
            self.save(LevelScheme(levels=levels, at=now))
            return
        scheme.redefine(levels, now)
        self.save(scheme)

    @retry_on_conflict
    def check_in(self, member_id: UUID) -> int:
        """签到: once per Beijing calendar day; returns the points earned."""
        self.active_member(member_id)
        account = self.points_of(member_id)
        points = account.check_in(self.clock.now(), self.points_policy)
        self.save(account)
        return points

    @retry_on_conflict
    def expire_points(self, account_id: UUID) -> int:
        """Expires the account's lots that are past their date; 0 when none are."""
        account = self.find(PointsAccount, account_id)
        if account is None or account.closed:
            return 0
        expired = account.expire(self.clock.now())
        self.save(account)
        return expired

    @retry_on_conflict
    def review_level(self, member_id: UUID) -> bool:
        """Re-evaluates a level as spend ages out of the last 12 months."""
        member = self.load(Member, member_id, "member")
        if member.closed:
            return False
        changed = member.reevaluate_level(self.clock.now(), self.levels())
        self.save(member)
        return changed

    def points_account(self, member_id: UUID) -> PointsAccount:
        return self.load(PointsAccount, points_account_id_for(member_id), "points account")
