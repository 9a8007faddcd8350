"""The member's own aggregates as every use case reads them: the member (open
or not), the coupon wallet, the points account, the notification inbox, and the
shop's level scheme with the level a member stands at."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.utils import get_topic

from ..domain.coupons import CouponWallet
from ..domain.ids import LEVEL_SCHEME_ID, points_account_id_for, wallet_id_for
from ..domain.inbox import Inbox
from ..domain.levels import LevelScheme, level_for, scheme_levels
from ..domain.member import Member
from ..domain.points import PointsAccount
from ..domain.values import Level
from .store import EventStore

CLOSED_TOPIC = get_topic(Member.Closed)


class Accounts:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    def member(self, member_id: UUID) -> Member:
        return self.store.load(Member, member_id, "member")

    def is_closed(self, member_id: UUID) -> bool:
        """Whether the account is closed (or there is no such member), from one
        read of the member's latest stored event: Closed is always a member's
        last. This is what every authenticated request pays."""
        latest = self.store.recorder.select_events(member_id, desc=True, limit=1)
        return not latest or latest[0].topic == CLOSED_TOPIC

    def active_member(self, member_id: UUID) -> Member:
        member = self.member(member_id)
        member.require_open()
        return member

    def wallet_of(self, member_id: UUID) -> CouponWallet:
        found = self.store.find(CouponWallet, wallet_id_for(member_id))
        return found or CouponWallet(member_id=member_id)

    def points_of(self, member_id: UUID) -> PointsAccount:
        found = self.store.find(PointsAccount, points_account_id_for(member_id))
        return found or PointsAccount(member_id=member_id)

    def points_account(self, member_id: UUID) -> PointsAccount:
        """The member's points account as recorded (404 when there is none)."""
        return self.store.load(PointsAccount, points_account_id_for(member_id), "points account")

    def inbox_of(self, member_id: UUID) -> Inbox:
        return self.store.find(Inbox, Inbox.create_id(member_id)) or Inbox(member_id=member_id)

    def levels(self) -> list[Level]:
        return scheme_levels(self.store.find(LevelScheme, LEVEL_SCHEME_ID))

    def level_of(self, member: Member, levels: list[Level] | None = None) -> Level:
        levels = levels or self.levels()
        recorded = next((lv for lv in levels if lv.code == member.level), None)
        return recorded or level_for(levels, member.spend_within_year(self.store.clock.now()))
