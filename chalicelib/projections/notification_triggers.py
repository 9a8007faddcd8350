"""The notification triggers: spots the business moments worth a message
(domain/notify_triggers.py names them) and turns each into an intent — a
document in the `intents` view and an outbox message of kind "notify" that the
sender picks up, at once or, for a reminder, when it falls due.

The rules live by subject: orders, group-buy teams, campaigns, points, and a
member's coupons and level. Each keeps what it must remember (who an order
belongs to, a team's paid members, a wallet's coupons) in this projection's
own views, so the projection reads no other read model and a rebuild replays
it exactly. Ids are deterministic, so a rebuild or a redelivered event queues
nothing new.

Followers of the official account who followed before their unionid was known
are also handed to the outbox ("oa.identify"), which asks WeChat who they are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ..domain.follower import Follower
from ..domain.outbox_messages import IdentifyFollowerMessage
from . import (
    notification_campaign_rules,
    notification_member_rules,
    notification_order_rules,
    notification_points_rules,
    notification_team_rules,
)
from .base import ViewWriter
from .notification_intents import INTENTS, Intents

__all__ = ["INTENTS", "NotificationTriggersProjection"]

Rule = Callable[[Any, Intents], None]


def _followed(e: Follower.Followed, intents: Intents) -> None:
    if e.unionid_key is None:
        message = IdentifyFollowerMessage(e.originator_id)
        intents.views.enqueue(message.message_id, message.kind, message.to_payload())


RULES: dict[type, Rule] = {
    **notification_order_rules.HANDLERS,
    **notification_team_rules.HANDLERS,
    **notification_campaign_rules.HANDLERS,
    **notification_points_rules.HANDLERS,
    **notification_member_rules.HANDLERS,
    Follower.Followed: _followed,
}


class NotificationTriggersProjection:
    name = "notification_triggers"
    handles = frozenset(RULES)

    def __init__(self, after_sales_window: timedelta = timedelta(days=7)) -> None:
        """`after_sales_window`: the shop's (settings.after_sales_days); its last
        day is when the after-sales reminder falls due."""
        self.after_sales_window = after_sales_window

    def apply(self, event: Any, views: ViewWriter) -> None:
        rule = RULES.get(type(event))
        if rule is not None:
            rule(event, Intents(views, self.after_sales_window))
