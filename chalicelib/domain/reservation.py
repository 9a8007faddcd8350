"""Reservations (活动预约): a member asks to be reminded when a campaign starts.

One Reservation per (campaign, member), its id from both. It can be reserved
only before the campaign starts (now < starts_at) and while the campaign has not
ended; reserving again while reserved records nothing; it can be cancelled at
any time and reserved again later. The reminders themselves are the
notification triggers' business: they read who reserved from the read model.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .campaign import Campaign, CampaignStatus
from .errors import DomainError
from .ids import NAMESPACE


class CampaignStarted(DomainError):
    code = "campaign_started"


class CampaignEnded(DomainError):
    code = "campaign_ended"


def reservation_id_for(campaign_id: UUID, member_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"reservation:{campaign_id}:{member_id}")


def require_reservable(campaign: Campaign, now: datetime) -> None:
    """A reminder for the start only makes sense before the start."""
    details = {"code": campaign.code, "starts_at": campaign.starts_at.isoformat()}
    if campaign.status == CampaignStatus.ENDED:
        raise CampaignEnded(f"campaign {campaign.code} has ended", **details)
    if now >= campaign.starts_at:
        raise CampaignStarted(f"campaign {campaign.code} has already started", **details)


class Reservation(Aggregate):
    @staticmethod
    def create_id(campaign_id: UUID, member_id: UUID) -> UUID:
        return reservation_id_for(campaign_id, member_id)

    class Opened(Aggregate.Created):
        campaign_id: UUID
        member_id: UUID

    @event(Opened)
    def __init__(self, campaign_id: UUID, member_id: UUID) -> None:
        self.campaign_id = campaign_id
        self.member_id = member_id
        self.reserved_at: datetime | None = None

    @property
    def reserved(self) -> bool:
        return self.reserved_at is not None

    def reserve(self, campaign: Campaign, at: datetime) -> bool:
        """Returns False when already reserved."""
        if campaign.id != self.campaign_id:
            raise DomainError("this reservation is for another campaign", code=campaign.code)
        require_reservable(campaign, at)
        if self.reserved:
            return False
        self._reserved(campaign_id=self.campaign_id, member_id=self.member_id, at=at)
        return True

    class Reserved(Aggregate.Event):
        campaign_id: UUID
        member_id: UUID
        at: datetime

    @event(Reserved)
    def _reserved(self, campaign_id: UUID, member_id: UUID, at: datetime) -> None:
        self.reserved_at = at

    def cancel(self, at: datetime) -> bool:
        """Returns False when there is no reservation to cancel."""
        if not self.reserved:
            return False
        self._cancelled(campaign_id=self.campaign_id, member_id=self.member_id, at=at)
        return True

    class Cancelled(Aggregate.Event):
        campaign_id: UUID
        member_id: UUID
        at: datetime

    @event(Cancelled)
    def _cancelled(self, campaign_id: UUID, member_id: UUID, at: datetime) -> None:
        self.reserved_at = None
