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

from .campaigns import CampaignAdminUseCases
from .coupons import CouponUseCases
from .group_buy import GroupBuyUseCases
from .loyalty import LoyaltyUseCases
from .payments import PaymentUseCases
from .ports import DueTimers


class JobUseCases(
    PaymentUseCases, LoyaltyUseCases, CouponUseCases, CampaignAdminUseCases, GroupBuyUseCases
):
    def run_due_jobs(self, timers: DueTimers) -> dict[str, int]:
        steps: dict[str, tuple[str, Callable[[UUID], Any]]] = {
            "cancelled_unpaid": ("unpaid", self.expire_order),
            "auto_received": ("auto_receive", self.auto_confirm_receipt),
            "completed": ("complete", self.complete_order),
            "points_expired": ("points_expiry", self.expire_points),
            "levels_reviewed": ("level_review", self.review_level),
            "birthday_coupons": ("birthday", self.give_birthday_coupon),
            "campaigns_ended": ("campaign_end", self.end_due_campaign),
            "teams_expired": ("team_expiry", self.expire_team),
        }
        done: dict[str, int] = {}
        for name, (kind, step) in steps.items():
            due = timers.due(kind, self.clock.now())
            done[name] = sum(1 for aggregate_id in dict.fromkeys(due) if step(aggregate_id))
        return done
