"""The shop's points rules (earning, check-in, redemption, lifetime) and the
lot: one earning, as the points account keeps it in memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import add_months, beijing_date, start_of_beijing_day


@dataclass(frozen=True)
class PointsPolicy:
    points_per_yuan_spent: int = 1  # earned per whole ¥1 of goods paid (before shipping)
    checkin_points: int = 5  # per daily check-in
    streak_bonus_every: int = 7  # every 7th consecutive day...
    streak_bonus_points: int = 20  # ...adds this bonus
    points_per_yuan: int = 100  # redemption: 100 points = ¥1
    max_redeem_percent: int = 50  # of the amount payable before points
    lifetime_months: int = 12  # earned lots expire after this

    def earned_for(self, paid_goods_fen: int, multiplier_percent: int) -> int:
        return (paid_goods_fen // 100) * self.points_per_yuan_spent * multiplier_percent // 100

    def checkin_reward(self, streak: int) -> int:
        every = self.streak_bonus_every
        bonus = self.streak_bonus_points if every > 0 and streak % every == 0 else 0
        return self.checkin_points + bonus

    def expires_at(self, earned_at: datetime) -> datetime:
        last_day = add_months(beijing_date(earned_at), self.lifetime_months)
        return start_of_beijing_day(last_day + timedelta(days=1))


@dataclass
class Lot:
    """One earning, kept in memory only: rebuilt from the events that name it."""

    lot_id: str
    points: int
    remaining: int
    earned_at: datetime
    expires_at: datetime
    source: str
