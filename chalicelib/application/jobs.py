"""Time-driven jobs: cancel unpaid orders, confirm receipt, complete orders,
expire points, review levels, give birthday coupons, end campaigns whose
window has closed, expire group-buy teams past their deadline.

Timers come from read models (what might be due); each aggregate re-checks its
own dates, so a stale or repeated timer changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from ..clock import Clock
from ..domain.timers import TimerKind
from .campaigns import CampaignAdminUseCases
from .coupons import CouponUseCases
from .group_buy import GroupBuyUseCases
from .loyalty import LoyaltyUseCases
from .orders import OrderUseCases
from .ports import DueTimers


class JobUseCases:
    def __init__(
        self,
        clock: Clock,
        *,
        orders: OrderUseCases,
        loyalty: LoyaltyUseCases,
        coupons: CouponUseCases,
        campaigns: CampaignAdminUseCases,
        group_buy: GroupBuyUseCases,
    ) -> None:
        self.clock = clock
        # what each job counts -> (the timer kind it asks for, the step per aggregate)
        self.steps: dict[str, tuple[TimerKind, Callable[[UUID], Any]]] = {
            "cancelled_unpaid": (TimerKind.UNPAID, orders.expire_order),
            "auto_received": (TimerKind.AUTO_RECEIVE, orders.auto_confirm_receipt),
            "completed": (TimerKind.COMPLETE, orders.complete_order),
            "points_expired": (TimerKind.POINTS_EXPIRY, loyalty.expire_points),
            "levels_reviewed": (TimerKind.LEVEL_REVIEW, loyalty.review_level),
            "birthday_coupons": (TimerKind.BIRTHDAY, coupons.give_birthday_coupon),
            "campaigns_ended": (TimerKind.CAMPAIGN_END, campaigns.end_due_campaign),
            "teams_expired": (TimerKind.TEAM_EXPIRY, group_buy.expire_team),
        }

    def run_due_jobs(self, timers: DueTimers) -> dict[str, int]:
        """One round of every job; returns how many aggregates each changed."""
        done: dict[str, int] = {}
        for name, (kind, step) in self.steps.items():
            due = timers.due(kind, self.clock.now())
            done[name] = sum(1 for aggregate_id in dict.fromkeys(due) if step(aggregate_id))
        return done
