"""The group-buy team documents of the "campaigns" projection.

- `teams`: one per team (grouped by campaign): status, size, the paid members in
  the order they paid (order and member ids, which one leads), the
  unpaid seats held with the time each hold lapses, deadline, virtual success.
  Seats left depend on the time (a lapsed hold is a free seat), so the queries
  compute them from `now`; the documents never go stale.
- `joinable`: one row per forming team, grouped by product, ranked by the paid
  seats still missing, then the deadline.
- `team_expiry` timers: one per forming team, ranked by its deadline.

No nickname or avatar is kept here: the queries ask for each member's masked
nickname and avatar as their sealed profile says when the page is built (a
projection cannot open it), so a closed account shows a placeholder and a
rebuild needs nothing but the events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.team import Team, TeamStatus
from ..domain.timers import TimerKind
from .base import Doc, Handler, ViewWriter, plain, rank_time
from .campaign_docs import count

TEAMS = "teams"
JOINABLE = "joinable"
TEAM_EXPIRY = TimerKind.TEAM_EXPIRY.value  # the timers' view, named after their kind


def missing(team: Doc) -> int:
    """Paid seats the team still needs to succeed."""
    return int(team["size"]) - len(team["members"])


def joinable_row(team: Doc) -> Doc:
    leader = next((m for m in team["members"] if m["order_id"] == team["leader_order_id"]), None)
    return {
        "team_id": team["team_id"],
        "campaign_id": team["campaign_id"],
        "sku_id": team["sku_id"],
        "size": team["size"],
        "paid": len(team["members"]),
        "holds": team["holds"],
        "deadline": team["deadline"],
        "leader_member_id": leader.get("member_id") if leader else None,
    }


def _save(views: ViewWriter, team: Doc) -> None:
    team_id = team["team_id"]
    deadline = rank_time(datetime.fromisoformat(team["deadline"]))
    opened = rank_time(datetime.fromisoformat(team["opened_at"]))
    views.put(TEAMS, team_id, team, group=team["campaign_id"], rank=opened)
    if team["status"] == TeamStatus.FORMING:
        rank = f"{missing(team):02d}|{deadline}"
        views.put(JOINABLE, team_id, joinable_row(team), group=team["product_id"], rank=rank)
    else:
        views.delete(JOINABLE, team_id)
        views.delete(TEAM_EXPIRY, team_id)


def _opened(e: Team.Opened, views: ViewWriter) -> None:
    team_id = str(e.originator_id)
    leader = {"order_id": e.leader_order_id, "member_id": e.leader_member_id}
    team: Doc = {
        "team_id": team_id,
        "campaign_id": e.campaign_id,
        "product_id": e.product_id,
        "sku_id": e.sku_id,
        "status": TeamStatus.FORMING,
        "size": e.size,
        "virtual_success_percent": e.virtual_success_percent,
        "virtual": False,
        "opened_at": plain(e.opened_at),
        "deadline": plain(e.deadline),
        "closed_at": None,
        "leader_order_id": e.leader_order_id,
        "members": [leader],
        "holds": {},
    }
    _save(views, team)
    timer = {"team_id": team_id}
    group = TimerKind.TEAM_EXPIRY
    views.put(TEAM_EXPIRY, team_id, timer, group=group, rank=rank_time(e.deadline))
    count(views, e.campaign_id, teams_open=1, participants=1)


def _changed(e: Any, views: ViewWriter) -> Doc | None:
    return views.get(TEAMS, str(e.originator_id))


def _seat_held(e: Team.SeatHeld, views: ViewWriter) -> None:
    team = _changed(e, views)
    if team is not None:
        team["holds"][e.order_id] = plain(e.until)
        _save(views, team)


def _seat_released(e: Team.SeatReleased, views: ViewWriter) -> None:
    team = _changed(e, views)
    if team is not None:
        team["holds"].pop(e.order_id, None)
        _save(views, team)


def _seat_paid(e: Team.SeatPaid, views: ViewWriter) -> None:
    team = _changed(e, views)
    if team is not None:
        team["holds"].pop(e.order_id, None)
        team["members"].append({"order_id": e.order_id, "member_id": e.member_id})
        _save(views, team)
        count(views, team["campaign_id"], participants=1)


def _member_left(e: Team.MemberLeft, views: ViewWriter) -> None:
    team = _changed(e, views)
    if team is not None:
        team["members"] = [m for m in team["members"] if m["order_id"] != e.order_id]
        team["leader_order_id"] = e.new_leader_order_id
        _save(views, team)


def _closed(outcome: str) -> Handler:
    def closed(e: Any, views: ViewWriter) -> None:
        team = _changed(e, views)
        if team is None or team["status"] != TeamStatus.FORMING:
            return
        team.update(status=outcome, closed_at=plain(e.at), holds={})
        team["virtual"] = bool(getattr(e, "virtual", False))
        _save(views, team)
        count(views, team["campaign_id"], teams_open=-1, **{f"teams_{outcome}": 1})

    return closed


HANDLERS: dict[type, Handler] = {
    Team.Opened: _opened,
    Team.SeatHeld: _seat_held,
    Team.SeatReleased: _seat_released,
    Team.SeatPaid: _seat_paid,
    Team.MemberLeft: _member_left,
    Team.Succeeded: _closed(TeamStatus.SUCCEEDED),
    Team.Failed: _closed(TeamStatus.FAILED),
}
