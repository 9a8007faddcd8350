"""Questions about notifications, answered from their read models: is this
intent still worth sending (the sender asks right before sending), what
happened to the day's notifications, and the day's counts per template."""

from __future__ import annotations

from .base import Doc, ViewReader
from .notification_campaign_rules import CAMPAIGNS, LIVE_STATUSES
from .notification_intents import CANCELLED, INTENTS
from .notification_log import (
    BY_STATUS,
    DAILY,
    NOTIFICATIONS,
    NotificationLogProjection,
    status_group,
)
from .notification_triggers import NotificationTriggersProjection

TRIGGERS = NotificationTriggersProjection.name
WAITING = "waiting"
LOG = NotificationLogProjection.name


def intent(views: ViewReader, intent_id: str) -> Doc | None:
    """The intent as it stands now: its payload, "status" ("queued",
    "cancelled" or "waiting") and "due_at". A campaign's start reminder is
    judged here from the campaign itself rather than written to every
    reminder, so a campaign's start or end never has to touch all its
    reservers' intents: cancelled once the campaign ended (or is unknown),
    waiting while it has not gone live yet (an operator starting it late)."""
    doc = views.get(TRIGGERS, INTENTS, intent_id)
    if doc is None or "campaign_id" not in doc or doc["status"] == CANCELLED:
        return doc
    campaign = views.get(TRIGGERS, CAMPAIGNS, doc["campaign_id"])
    if campaign is None or campaign["status"] == "ended":
        doc["status"] = CANCELLED
    elif campaign["status"] not in LIVE_STATUSES:
        doc["status"] = WAITING
    return doc


def intent_status(views: ViewReader, intent_id: str) -> str | None:
    """ "queued", "cancelled", or None for an intent the projection never wrote."""
    doc = intent(views, intent_id)
    return None if doc is None else str(doc["status"])


def notifications(
    views: ViewReader, day: str, status: str | None = None, limit: int = 200
) -> list[Doc]:
    """The notifications whose latest event fell on that Beijing day (YYYY-MM-DD),
    newest first; `status` one of pending, dispatched, deferred, sent, failed,
    suppressed."""
    if status is None:
        return views.query(LOG, NOTIFICATIONS, day, descending=True, limit=limit)
    return views.query(LOG, BY_STATUS, status_group(day, status), descending=True, limit=limit)


def daily_stats(views: ViewReader, day: str) -> list[Doc]:
    """Per template (or trigger, when no template applied) that Beijing day:
    {"day", "template_id", "trigger", "sent", "failed", "suppressed": {reason: n},
    "delivered", "delivery_failed"}, by template id."""
    return views.query(LOG, DAILY, day, limit=1000)
