"""Reservation use cases (活动预约): reserve a reminder for a campaign's start, and
cancel it. Reserving twice is harmless (the second records nothing); cancelling
when there is no reservation is NotFound (404), as for anything that does not
exist. Closing the account does not cancel reservations: whoever sends the
reminders skips members whose account is closed.
"""

from __future__ import annotations

from uuid import UUID

from ..domain.campaign import Campaign
from ..domain.reservation import Reservation
from .campaign_orders import CampaignOrderUseCases
from .errors import NotFound
from .shop import retry_on_conflict


class ReservationUseCases(CampaignOrderUseCases):
    def reservation_of(self, campaign: Campaign, member_id: UUID) -> Reservation | None:
        return self.find(Reservation, Reservation.create_id(campaign.id, member_id))

    @retry_on_conflict
    def reserve_campaign(self, code: str, member_id: UUID) -> tuple[Campaign, Reservation]:
        """409 campaign_started from its starts_at on, 409 campaign_ended once ended."""
        self.active_member(member_id)
        campaign = self.campaign(code)
        reservation = self.reservation_of(campaign, member_id)
        if reservation is None:
            reservation = Reservation(campaign_id=campaign.id, member_id=member_id)
        if reservation.reserve(campaign, self.clock.now()):
            self.save(reservation)
        return campaign, reservation

    @retry_on_conflict
    def cancel_reservation(self, code: str, member_id: UUID) -> Campaign:
        campaign = self.campaign(code)
        reservation = self.reservation_of(campaign, member_id)
        if reservation is None or not reservation.cancel(self.clock.now()):
            raise NotFound("reservation")
        self.save(reservation)
        return campaign
