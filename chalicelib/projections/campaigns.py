"""Campaign read models (拼团 / 秒杀 / 砍价): the campaigns with their stock and
live numbers, the group-buy teams and the teams a product's page offers to
join, and the timers of the campaign_end and team_expiry jobs.

Every document follows from events alone (nothing here reads the clock), so a
rebuilt projection equals the incrementally built one; what depends on the
time (seats whose hold lapsed, deadlines passed) is left to the queries
(campaign_queries.py).
"""

from __future__ import annotations

from typing import Any

from . import campaign_docs, campaign_teams
from .base import Handler, ViewWriter
from .campaign_docs import CAMPAIGN_END, CAMPAIGNS, ORDERS, SHARDS
from .campaign_teams import JOINABLE, TEAM_EXPIRY, TEAMS

__all__ = [
    "CAMPAIGNS",
    "CAMPAIGN_END",
    "JOINABLE",
    "ORDERS",
    "SHARDS",
    "TEAMS",
    "TEAM_EXPIRY",
    "CampaignsProjection",
]

HANDLERS: dict[type, Handler] = {**campaign_docs.HANDLERS, **campaign_teams.HANDLERS}


class CampaignsProjection:
    name = "campaigns"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
