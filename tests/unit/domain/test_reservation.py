"""Reservations: a reminder reserved before a campaign starts, once, cancellable
and reservable again; refused from the start on, and once the campaign ended."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from chalicelib.domain.campaign import Campaign, CampaignKind
from chalicelib.domain.errors import DomainError
from chalicelib.domain.reservation import (
    CampaignEnded,
    CampaignStarted,
    Reservation,
    reservation_id_for,
)
from chalicelib.domain.values import CampaignItem, CampaignRules

from .given import NOW, given, then, types

MEMBER_ID = UUID("00000000-0000-4000-8000-000000000001")
OTHER_MEMBER_ID = UUID("00000000-0000-4000-8000-000000000002")
STARTS_AT = NOW + timedelta(days=2)


def campaign(code: str = "double-11") -> Campaign:
    return Campaign(
        code=code,
        kind=CampaignKind.FLASH_SALE,
        title="双十一秒杀",
        items=[CampaignItem(sku_id="sku-1", price_fen=990, stock=50)],
        starts_at=STARTS_AT,
        ends_at=STARTS_AT + timedelta(hours=2),
        per_member_limit=1,
        rules=CampaignRules(),
        shards=1,
    )


def reservation(of: Campaign) -> Reservation:
    return Reservation(campaign_id=of.id, member_id=MEMBER_ID)


def test_a_reservation_belongs_to_one_campaign_and_one_member() -> None:
    sale = campaign()
    found = reservation(sale)
    assert found.id == Reservation.create_id(sale.id, MEMBER_ID)
    assert found.id == reservation_id_for(sale.id, MEMBER_ID)
    assert found.id != reservation_id_for(sale.id, OTHER_MEMBER_ID)
    assert found.id != reservation_id_for(campaign("other").id, MEMBER_ID)
    assert types(then(found)) == [Reservation.Opened]
    assert not found.reserved


def test_reserving_before_the_start_records_it_once() -> None:
    sale = campaign()
    found = given(reservation(sale))
    assert isinstance(found, Reservation)

    assert found.reserve(sale, NOW)
    (event,) = then(found)
    assert isinstance(event, Reservation.Reserved)
    assert (event.campaign_id, event.member_id, event.at) == (sale.id, MEMBER_ID, NOW)
    assert found.reserved and found.reserved_at == NOW

    assert not found.reserve(sale, NOW + timedelta(hours=1))  # twice is fine
    assert then(found) == [] and found.reserved_at == NOW


def test_a_live_campaign_that_has_not_started_yet_can_be_reserved() -> None:
    sale = campaign()
    sale.start(NOW)
    assert reservation(sale).reserve(sale, STARTS_AT - timedelta(microseconds=1))


def test_from_the_start_on_it_is_too_late() -> None:
    sale = campaign()
    with pytest.raises(CampaignStarted) as refused:
        reservation(sale).reserve(sale, STARTS_AT)
    assert refused.value.code == "campaign_started"
    with pytest.raises(CampaignStarted):
        reservation(sale).reserve(sale, STARTS_AT + timedelta(days=1))


def test_an_ended_campaign_cannot_be_reserved_even_before_its_window() -> None:
    sale = campaign()
    sale.end(NOW, reason="cancelled by the operator")
    with pytest.raises(CampaignEnded) as refused:
        reservation(sale).reserve(sale, NOW)
    assert refused.value.code == "campaign_ended"


def test_a_reservation_is_for_its_own_campaign_only() -> None:
    with pytest.raises(DomainError):
        reservation(campaign()).reserve(campaign("other"), NOW)


def test_cancelling_then_reserving_again() -> None:
    sale = campaign()
    found = reservation(sale)
    found.reserve(sale, NOW)
    given(found)

    assert found.cancel(NOW + timedelta(hours=1))
    assert types(then(found)) == [Reservation.Cancelled]
    assert not found.reserved
    assert not found.cancel(NOW + timedelta(hours=2))  # nothing left to cancel
    assert then(found) == []

    assert found.reserve(sale, NOW + timedelta(hours=3))
    assert types(then(found)) == [Reservation.Reserved]
    assert found.reserved_at == NOW + timedelta(hours=3)


def test_nothing_to_cancel_before_any_reservation() -> None:
    found = given(reservation(campaign()))
    assert isinstance(found, Reservation)
    assert not found.cancel(NOW)
    assert then(found) == []
