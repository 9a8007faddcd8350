"""Invite read model (邀请有礼): per inviter, how many members they invited and how
many of those brought the reward (their first order completed); per referral
(keyed by the referral id, which comes from the invitee's id), who invited whom
and what each side received, grouped by the inviter and ranked by invite time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ..domain.referral import Referral, invite_code_for, invite_path_for, referral_id_for
from .base import Doc, Handler, ViewReader, ViewWriter, plain, rank_time

INVITERS = "inviters"
REFERRALS = "referrals"


def _count(views: ViewWriter, inviter_id: str, field: str) -> None:
    doc = views.get(INVITERS, inviter_id) or {
        "member_id": inviter_id,
        "invited": 0,
        "rewarded": 0,
    }
    doc[field] += 1
    views.put(INVITERS, inviter_id, doc)


def _recorded(e: Referral.Recorded, views: ViewWriter) -> None:
    inviter_id = str(e.inviter_id)
    doc = {
        "invitee_id": str(e.invitee_id),
        "inviter_id": inviter_id,
        "invited_at": plain(e.at),
        "rewarded": False,
        "reward": None,
    }
    views.put(REFERRALS, str(e.originator_id), doc, group=inviter_id, rank=rank_time(e.at))
    _count(views, inviter_id, "invited")


def _rewarded(e: Referral.Rewarded, views: ViewWriter) -> None:
    doc = views.get(REFERRALS, str(e.originator_id))
    if doc is None or doc["rewarded"]:
        return
    doc["rewarded"] = True
    doc["reward"] = {
        "order_id": e.order_id,
        "inviter_points": e.inviter_points,
        "invitee_points": e.invitee_points,
        "inviter_coupon_id": e.inviter_coupon_id,
        "invitee_coupon_id": e.invitee_coupon_id,
        "at": plain(e.at),
    }
    rank = rank_time(datetime.fromisoformat(doc["invited_at"]))
    views.put(REFERRALS, str(e.originator_id), doc, group=doc["inviter_id"], rank=rank)
    _count(views, doc["inviter_id"], "rewarded")


HANDLERS: dict[type, Handler] = {
    Referral.Recorded: _recorded,
    Referral.Rewarded: _rewarded,
}


class InvitesProjection:
    name = "invites"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)


def my_invite(views: ViewReader, member_id: UUID) -> Doc:
    """GET /me/invite: the member's code and share path, and how their invites went."""
    counts = views.get(InvitesProjection.name, INVITERS, str(member_id)) or {}
    return {
        "code": invite_code_for(member_id),
        "path": invite_path_for(member_id),
        "invited": counts.get("invited", 0),
        "rewarded": counts.get("rewarded", 0),
    }


def referral(views: ViewReader, invitee_id: UUID) -> Doc | None:
    return views.get(InvitesProjection.name, REFERRALS, str(referral_id_for(invitee_id)))
