"""Campaign moments worth a message: the start of a campaign a member reserved
a reminder for (活动预约).

Each reservation queues its own reminder, due at the campaign's start, so no
single event fans out to every reserver (a start with thousands of them would
not fit one commit). Whether the campaign is still going to start is judged
when the reminder is read (notification_queries.intent): a campaign that
ended, or was never published by its start, makes the reminder moot.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain.campaign import Campaign
from ..domain.notify_triggers import page_of
from ..domain.reservation import Reservation
from .base import plain
from .notification_intents import Intent, Intents, beijing_time, intent_id

CAMPAIGNS = "campaigns"
STARTING = "campaign_starting"
LIVE_STATUSES = ("live", "paused")


def _defined(e: Campaign.Defined, intents: Intents) -> None:
    doc = {
        "code": e.code,
        "title": e.title,
        "starts_at": plain(e.starts_at),
        "ends_at": plain(e.ends_at),
        "status": "draft",
    }
    intents.views.put(CAMPAIGNS, str(e.originator_id), doc)


def _status(status: str) -> Callable[[Any, Intents], None]:
    def change(e: Any, intents: Intents) -> None:
        campaign_id = str(e.originator_id)
        doc = intents.views.get(CAMPAIGNS, campaign_id)
        if doc is not None and doc["status"] != status:
            intents.views.put(CAMPAIGNS, campaign_id, dict(doc, status=status))

    return change


def _reserved(e: Reservation.Reserved, intents: Intents) -> None:
    campaign_id = str(e.campaign_id)
    campaign = intents.views.get(CAMPAIGNS, campaign_id)
    if campaign is None:
        return
    fields = {
        "campaign": campaign["title"],
        "title": campaign["title"],
        "time": beijing_time(campaign["starts_at"]),
    }
    intent = Intent(
        STARTING,
        (campaign_id, e.member_id),
        str(e.member_id),
        page_of(STARTING, code=campaign["code"]),
        fields,
        due_at=datetime.fromisoformat(campaign["starts_at"]),
        expires_at=datetime.fromisoformat(campaign["ends_at"]),
        extra=(("campaign_id", campaign_id),),
    )
    intents.queue(intent)


def _cancelled(e: Reservation.Cancelled, intents: Intents) -> None:
    intents.cancel(intent_id(STARTING, e.campaign_id, e.member_id))


HANDLERS: dict[type, Callable[[Any, Intents], None]] = {
    Campaign.Defined: _defined,
    Campaign.Started: _status("live"),
    Campaign.Paused: _status("paused"),
    Campaign.Resumed: _status("live"),
    Campaign.Ended: _status("ended"),
    Reservation.Reserved: _reserved,
    Reservation.Cancelled: _cancelled,
}
