"""Reservation use cases (活动预约): reserve a reminder for a campaign's start, and
cancel it. Reserving twice is harmless (the second records nothing); cancelling
when there is no reservation is NotFound (404), as for anything that does not
exist. A draft campaign is the operators' business: members can neither see it
(GET /campaigns/{code} is 404) nor reserve it, so it is NotFound here too.
Closing the account does not cancel reservations: whoever sends the reminders
skips members whose account is closed.
"""

from __future__ import annotations

from uuid import UUID

from ..domain.campaign import Campaign, CampaignStatus
from ..domain.reservation import Reservation
from .accounts import Accounts
from .campaign_orders import CampaignOrders
from .errors import NotFound
from .store import EventStore, retry_on_conflict


class ReservationUseCases:
    """Members' reservations of a reminder for a campaign's start."""

    def __init__(
        self, store: EventStore, accounts: Accounts, campaign_orders: CampaignOrders
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.campaign_orders = campaign_orders

    def published_campaign(self, code: str) -> Campaign:
        campaign = self.campaign_orders.campaign(code)
        if campaign.status == CampaignStatus.DRAFT:
            raise NotFound("campaign")
        return campaign

    def reservation_of(self, campaign: Campaign, member_id: UUID) -> Reservation | None:
        return self.store.find(Reservation, Reservation.create_id(campaign.id, member_id))

    @retry_on_conflict
    def reserve_campaign(self, code: str, member_id: UUID) -> tuple[Campaign, Reservation]:
        """409 campaign_started from its starts_at on, 409 campaign_ended once ended."""
        self.accounts.active_member(member_id)
        campaign = self.published_campaign(code)
        reservation = self.reservation_of(campaign, member_id)
        if reservation is None:
            reservation = Reservation(campaign_id=campaign.id, member_id=member_id)
        if reservation.reserve(campaign, self.store.clock.now()):
            self.store.save(reservation)
        return campaign, reservation

    @retry_on_conflict
    def cancel_reservation(self, code: str, member_id: UUID) -> Campaign:
        campaign = self.published_campaign(code)
        reservation = self.reservation_of(campaign, member_id)
        if reservation is None or not reservation.cancel(self.store.clock.now()):
            raise NotFound("reservation")
        self.store.save(reservation)
        return campaign
