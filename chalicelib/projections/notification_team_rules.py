"""Group-buy (拼团) moments worth a message to every paid member of a team: one
seat left (share it now), the team succeeded, the team failed (refunded).

Only paid seats count: an unpaid hold may lapse, and the projection cannot
read the clock. A team's paid members live in the projection's own `teams`
view until the team closes; a team holds at most ten, so one event's messages
always fit one commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain.notify_triggers import page_of
from ..domain.team import Team
from .base import plain
from .notification_campaign_rules import CAMPAIGNS
from .notification_intents import Intent, Intents, beijing_time
from .notification_order_rules import ORDERS

TEAMS = "teams"


def _opened(e: Team.Opened, intents: Intents) -> None:
    campaign = intents.views.get(CAMPAIGNS, e.campaign_id) or {}
    leader = intents.views.get(ORDERS, e.leader_order_id) or {}
    doc = {
        "size": e.size,
        "deadline": plain(e.deadline),
        "campaign": campaign.get("title", ""),
        "title": leader.get("title", campaign.get("title", "")),
        "paid": {e.leader_order_id: e.leader_member_id},
    }
    intents.views.put(TEAMS, str(e.originator_id), doc)


def _team(intents: Intents, e: Any) -> dict[str, Any] | None:
    return intents.views.get(TEAMS, str(e.originator_id))


def _fields(team: dict[str, Any]) -> dict[str, str]:
    return {
        "campaign": team["campaign"] or team["title"],
        "title": team["title"] or team["campaign"],
        "size": str(team["size"]),
        "deadline": beijing_time(team["deadline"]),
    }


def _seat_paid(e: Team.SeatPaid, intents: Intents) -> None:
    team = _team(intents, e)
    if team is None:
        return
    team["paid"][e.order_id] = e.member_id
    intents.views.put(TEAMS, str(e.originator_id), team)
    if team["size"] - len(team["paid"]) != 1:
        return
    team_id = str(e.originator_id)
    fields = dict(_fields(team), seats_left="1")
    for member_id in team["paid"].values():
        intent = Intent(
            "team_one_seat_left",
            (team_id, member_id),
            member_id,
            page_of("team_one_seat_left", team_id=team_id),
            fields,
            expires_at=datetime.fromisoformat(team["deadline"]),
        )
        intents.queue(intent)


def _member_left(e: Team.MemberLeft, intents: Intents) -> None:
    team = _team(intents, e)
    if team is not None and team["paid"].pop(e.order_id, None) is not None:
        intents.views.put(TEAMS, str(e.originator_id), team)


def _succeeded(e: Team.Succeeded, intents: Intents) -> None:
    team = _team(intents, e)
    if team is None:
        return
    team_id = str(e.originator_id)
    page, fields = page_of("team_succeeded", team_id=team_id), _fields(team)
    for member_id in team["paid"].values():
        intents.queue(Intent("team_succeeded", (team_id, member_id), member_id, page, fields))
    intents.views.delete(TEAMS, team_id)


def _failed(e: Team.Failed, intents: Intents) -> None:
    team = _team(intents, e)
    if team is None:
        return
    team_id = str(e.originator_id)
    for order_id in e.refund_order_ids:
        member_id = team["paid"].get(order_id)
        if member_id is None:
            continue
        order = intents.views.get(ORDERS, order_id) or {}
        fields = dict(_fields(team), order_no=order.get("order_no", ""))
        fields["amount"] = order.get("amount", "")
        page = page_of("team_failed", order_id=order_id)
        intents.queue(Intent("team_failed", (team_id, member_id), member_id, page, fields))
    intents.views.delete(TEAMS, team_id)


HANDLERS: dict[type, Callable[[Any, Intents], None]] = {
    Team.Opened: _opened,
    Team.SeatPaid: _seat_paid,
    Team.MemberLeft: _member_left,
    Team.Succeeded: _succeeded,
    Team.Failed: _failed,
}
