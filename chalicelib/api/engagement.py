"""Invites (邀请有礼) and campaign reservations (活动预约): the member's invite code
and how their invites went, and reminders reserved for a campaign's start.
Session token required."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import current_member
from .responses import handles_errors, json_response

if TYPE_CHECKING:
    from ..domain.campaign import Campaign

bp = Blueprint(__name__)


@bp.route("/me/invite", methods=["GET"])
@handles_errors
def my_invite() -> Response:
    """The code and the page path to share (wx.shareAppMessage), and the counts:
    members invited, and those whose first completed order brought the reward."""
    from ..projections import invites

    member_id = current_member(bp)
    return json_response(invites.my_invite(container().views, member_id))


@bp.route("/campaigns/{code}/reservation", methods=["POST"])
@handles_errors
def reserve(code: str) -> Response:
    """Remind me when it starts: idempotent; 409 campaign_started / campaign_ended."""
    member_id = current_member(bp)
    campaign, reservation = container().shop.reservations.reserve_campaign(code, member_id)
    return json_response(_reservation(campaign, reservation.reserved_at))


@bp.route("/campaigns/{code}/reservation", methods=["DELETE"])
@handles_errors
def cancel_reservation(code: str) -> Response:
    """404 when there is no reservation to cancel."""
    member_id = current_member(bp)
    campaign = container().shop.reservations.cancel_reservation(code, member_id)
    return json_response(_reservation(campaign, None))


@bp.route("/me/reservations", methods=["GET"])
@handles_errors
def my_reservations() -> Response:
    """Reservations of campaigns not ended yet, soonest start first."""
    from ..projections import reservations

    member_id = current_member(bp)
    return json_response({"items": reservations.member_reservations(container().views, member_id)})


def _reservation(campaign: Campaign, reserved_at: datetime | None) -> dict[str, Any]:
    from ..projections.base import plain

    return {
        "code": campaign.code,
        "title": campaign.title,
        "starts_at": plain(campaign.starts_at),
        "reserved": reserved_at is not None,
        "reserved_at": plain(reserved_at),
    }
