"""Reservation read model (活动预约):

- `reservers`: per campaign (group = campaign id), the members who reserved a
  reminder for its start, ranked by when they reserved — what the notification
  triggers read to remind them when the campaign starts;
- `member_reservations`: per member (group = member id), their reservations,
  ranked by the campaign's start — GET /me/reservations;
- `campaigns`: each campaign's code, title, window, status and how many
  members hold a reservation.

A cancelled reservation leaves both lists. Closing an account cancels nothing
(the reservation still exists); the reminder sender skips closed members.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ..domain.campaign import Campaign
from ..domain.reservation import Reservation
from .base import Doc, Handler, ViewReader, ViewWriter, plain, rank_time

CAMPAIGNS = "campaigns"
RESERVERS = "reservers"
MEMBER_RESERVATIONS = "member_reservations"


def reserver_key(campaign_id: str, member_id: str) -> str:
    return f"{campaign_id}:{member_id}"


def member_key(member_id: str, campaign_id: str) -> str:
    return f"{member_id}:{campaign_id}"


# -- campaigns ------------------------------------------------------------------------
def _defined(e: Campaign.Defined, views: ViewWriter) -> None:
    doc = {
        "campaign_id": str(e.originator_id),
        "code": e.code,
        "title": e.title,
        "starts_at": plain(e.starts_at),
        "ends_at": plain(e.ends_at),
        "status": "draft",
        "reserved": 0,
    }
    views.put(CAMPAIGNS, str(e.originator_id), doc)


def _campaign(views: ViewWriter, campaign_id: str, **changes: Any) -> Doc | None:
    doc = views.get(CAMPAIGNS, campaign_id)
    if doc is not None and changes:
        reserved = doc["reserved"] + changes.pop("reserved", 0)
        doc.update(changes, reserved=reserved)
        views.put(CAMPAIGNS, campaign_id, doc)
    return doc


def _started(e: Campaign.Started, views: ViewWriter) -> None:
    _campaign(views, str(e.originator_id), status="live")


def _paused(e: Campaign.Paused, views: ViewWriter) -> None:
    _campaign(views, str(e.originator_id), status="paused")


def _resumed(e: Campaign.Resumed, views: ViewWriter) -> None:
    _campaign(views, str(e.originator_id), status="live")


def _ended(e: Campaign.Ended, views: ViewWriter) -> None:
    _campaign(views, str(e.originator_id), status="ended")


# -- reservations ---------------------------------------------------------------------
def _reserved(e: Reservation.Reserved, views: ViewWriter) -> None:
    campaign_id, member_id = str(e.campaign_id), str(e.member_id)
    campaign = _campaign(views, campaign_id, reserved=1)
    if campaign is None:
        return
    reserved_at = plain(e.at)
    views.put(
        RESERVERS,
        reserver_key(campaign_id, member_id),
        {"member_id": member_id, "reserved_at": reserved_at},
        group=campaign_id,
        rank=rank_time(e.at),
    )
    views.put(
        MEMBER_RESERVATIONS,
        member_key(member_id, campaign_id),
        {
            "campaign_id": campaign_id,
            "code": campaign["code"],
            "title": campaign["title"],
            "starts_at": campaign["starts_at"],
            "reserved_at": reserved_at,
        },
        group=member_id,
        rank=rank_time(datetime.fromisoformat(campaign["starts_at"])),
    )


def _cancelled(e: Reservation.Cancelled, views: ViewWriter) -> None:
    campaign_id, member_id = str(e.campaign_id), str(e.member_id)
    _campaign(views, campaign_id, reserved=-1)
    views.delete(RESERVERS, reserver_key(campaign_id, member_id))
    views.delete(MEMBER_RESERVATIONS, member_key(member_id, campaign_id))


HANDLERS: dict[type, Handler] = {
    Campaign.Defined: _defined,
    Campaign.Started: _started,
    Campaign.Paused: _paused,
    Campaign.Resumed: _resumed,
    Campaign.Ended: _ended,
    Reservation.Reserved: _reserved,
    Reservation.Cancelled: _cancelled,
}


class ReservationsProjection:
    name = "reservations"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)


def reservers(views: ViewReader, campaign_id: UUID, limit: int = 1000) -> list[Doc]:
    """Who to remind of this campaign's start: [{member_id, reserved_at}], first first."""
    return views.query(ReservationsProjection.name, RESERVERS, str(campaign_id), limit=limit)


def reserved_count(views: ViewReader, campaign_id: UUID) -> int:
    doc = views.get(ReservationsProjection.name, CAMPAIGNS, str(campaign_id))
    return 0 if doc is None else int(doc["reserved"])


def member_reservations(views: ViewReader, member_id: UUID) -> list[Doc]:
    """The member's reservations of campaigns not ended, soonest start first."""
    name = ReservationsProjection.name
    items = []
    for doc in views.query(name, MEMBER_RESERVATIONS, str(member_id)):
        campaign = views.get(name, CAMPAIGNS, doc["campaign_id"]) or {}
        status = campaign.get("status", "ended")
        if status != "ended":
            items.append({**doc, "status": status})
    return items
