"""Answers the jobs' question "what may be due now?" for every kind of timer
(TimerKind, domain/timers.py): orders (unpaid, auto_receive, complete), points
lots (points_expiry), spend leaving the level window (level_review), birthdays
(Beijing days), campaigns whose window closed (campaign_end) and group-buy
teams past their deadline (team_expiry).

Every answer names aggregates; each re-checks its own dates before acting, so a
stale or repeated timer changes nothing.
"""

from __future__ import annotations

import calendar
from datetime import datetime
from uuid import UUID

from ..domain.calendar import beijing_date
from ..domain.policy import OrderPolicy
from ..domain.timers import TimerKind
from . import campaign_docs, campaign_teams, members, points
from .base import ViewReader, rank_time
from .campaigns import CampaignsProjection
from .order_timers import DueOrderTimers

# kind (the timers' group) -> (projection, view, the field naming the aggregate)
RANKED: dict[TimerKind, tuple[str, str, str]] = {
    TimerKind.POINTS_EXPIRY: (points.PointsProjection.name, points.EXPIRY, "account_id"),
    TimerKind.LEVEL_REVIEW: (members.MembersProjection.name, members.LEVEL_REVIEWS, "member_id"),
    TimerKind.CAMPAIGN_END: (CampaignsProjection.name, campaign_docs.CAMPAIGN_END, "campaign_id"),
    TimerKind.TEAM_EXPIRY: (CampaignsProjection.name, campaign_teams.TEAM_EXPIRY, "team_id"),
}


def birthday_groups(now: datetime) -> list[str]:
    """Today's Beijing MM-DD; on 28 February of a common year, 29 February's too."""
    today = beijing_date(now)
    groups = [today.strftime("%m-%d")]
    if (today.month, today.day) == (2, 28) and not calendar.isleap(today.year):
        groups.append("02-29")
    return groups


class DueTimers:
    def __init__(self, views: ViewReader, policy: OrderPolicy) -> None:
        self.views = views
        self.orders = DueOrderTimers(views, policy)

    def due(self, kind: TimerKind, now: datetime, limit: int = 200) -> list[UUID]:
        if kind in RANKED:
            projection, view, field = RANKED[kind]
            upto = rank_time(now)
            docs = self.views.query(projection, view, kind, rank_upto=upto, limit=limit)
            return list(dict.fromkeys(UUID(doc[field]) for doc in docs))
        if kind == TimerKind.BIRTHDAY:
            year = beijing_date(now).year
            found: list[UUID] = []
            for group in birthday_groups(now):
                docs = self.views.query(
                    members.MembersProjection.name, members.BIRTHDAYS, group, limit=100_000
                )
                found += [UUID(doc["member_id"]) for doc in docs if doc.get("celebrated") != year]
            return found[:limit]
        return self.orders.due(kind, now, limit)
