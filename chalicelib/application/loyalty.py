"""Loyalty use cases: member levels, daily check-in, and the scheduled work on
points (expiry) and levels (spend ageing out of the 12-month window)."""

from __future__ import annotations

from uuid import UUID

from ..domain.ids import LEVEL_SCHEME_ID
from ..domain.levels import LevelScheme, validate_levels
from ..domain.member import Member
from ..domain.points import PointsAccount
from ..domain.points_policy import PointsPolicy
from ..domain.values import Level
from .accounts import Accounts
from .store import EventStore, retry_on_conflict


class LoyaltyUseCases:
    """Defines the level scheme, records check-ins, and does the scheduled
    points expiry and level review. (The levels, a member's level and points
    account are read through Accounts.)"""

    def __init__(
        self, store: EventStore, accounts: Accounts, *, points_policy: PointsPolicy
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.points_policy = points_policy

    @retry_on_conflict
    def define_levels(self, levels: list[Level]) -> None:
        """Thresholds and benefits; members move on their next spend change or review."""
        validate_levels(levels)
        now = self.store.clock.now()
        scheme = self.store.find(LevelScheme, LEVEL_SCHEME_ID)
        if scheme is None:
            self.store.save(LevelScheme(levels=levels, at=now))
            return
        scheme.redefine(levels, now)
        self.store.save(scheme)

    @retry_on_conflict
    def check_in(self, member_id: UUID) -> int:
        """签到: once per Beijing calendar day; returns the points earned."""
        self.accounts.active_member(member_id)
        account = self.accounts.points_of(member_id)
        points = account.check_in(self.store.clock.now(), self.points_policy)
        self.store.save(account)
        return points

    @retry_on_conflict
    def expire_points(self, account_id: UUID) -> int:
        """Expires the account's lots that are past their date; 0 when none are."""
        account = self.store.find(PointsAccount, account_id)
        if account is None or account.closed:
            return 0
        expired = account.expire(self.store.clock.now())
        self.store.save(account)
        return expired

    @retry_on_conflict
    def review_level(self, member_id: UUID) -> bool:
        """Re-evaluates a level as spend ages out of the last 12 months."""
        member = self.store.load(Member, member_id, "member")
        if member.closed:
            return False
        changed = member.reevaluate_level(self.store.clock.now(), self.accounts.levels())
        self.store.save(member)
        return changed
