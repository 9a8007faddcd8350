"""Read-model queries of the campaign pages: the campaigns members see, one
campaign, its live numbers, a team, the teams a product offers to join, and the
operators' list. Each answer costs one or two view reads, so the mini-program
can poll them.

What depends on the time is computed here from `now`: a campaign's phase, the
seats a team has left (a hold whose payment deadline passed is a free seat),
whether a team's deadline has passed. A team's members are shown by `faces`
(api/member_faces.py): each member's masked nickname and avatar as their sealed
profile says now, a placeholder once they closed their account.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from ..application.errors import NotFound
from ..domain.campaign import Campaign, CampaignStatus
from ..domain.team import TeamStatus
from . import campaigns as cv
from .base import Doc, ViewReader
from .campaign_docs import COUNTERS, CURRENT, ENDED

VIEWS = cv.CampaignsProjection.name
ENDED_LISTED = 100
READ_AHEAD = 5  # joinable rows read per row answered: holds reorder them a little

Faces = Callable[[Sequence[str | None]], list[Doc]]
"""Member ids (None: unknown) -> {"nickname" (masked), "avatar_url"} each, in order."""


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def phase(doc: Doc, now: datetime) -> str:
    """draft | paused | ended (by the shop or the job) | upcoming | ongoing | over
    (the window closed, the end job has yet to run)."""
    status = str(doc["status"])
    if status != CampaignStatus.LIVE:
        return status
    if now < _time(doc["starts_at"]):
        return "upcoming"
    return "ongoing" if now < _time(doc["ends_at"]) else "over"


def _shown(doc: Doc, now: datetime) -> Doc:
    return dict(doc, phase=phase(doc, now))


def _campaign_doc(views: ViewReader, code: str) -> Doc:
    doc = views.get(VIEWS, cv.CAMPAIGNS, str(Campaign.create_id(code)))
    if doc is None:
        raise NotFound("campaign")
    return doc


def campaigns_for_members(views: ViewReader, now: datetime, kind: str | None = None) -> list[Doc]:
    """Live (or paused) campaigns that are on or still to come, soonest first."""
    docs = views.query(VIEWS, cv.CAMPAIGNS, CURRENT)
    return [
        _shown(doc, now)
        for doc in docs
        if doc["status"] in (CampaignStatus.LIVE, CampaignStatus.PAUSED)
        and now < _time(doc["ends_at"])
        and (kind is None or doc["kind"] == kind)
    ]


def campaign(views: ViewReader, code: str, now: datetime) -> Doc:
    """A published campaign (drafts are the operators' business)."""
    doc = _campaign_doc(views, code)
    if doc["status"] == CampaignStatus.DRAFT:
        raise NotFound("campaign")
    return _shown(doc, now)


def campaign_progress(views: ViewReader, code: str, now: datetime) -> Doc:
    """The live broadcast numbers: teams, participants, units sold, stock left."""
    doc = campaign(views, code, now)
    items = [{k: item[k] for k in ("sku_id", "stock", "left", "taken")} for item in doc["items"]]
    return {
        "code": doc["code"],
        "status": doc["status"],
        "phase": doc["phase"],
        **{counter: doc[counter] for counter in COUNTERS},
        "left": sum(item["left"] for item in items),
        "items": items,
    }


def admin_campaigns(views: ViewReader, now: datetime) -> list[Doc]:
    """Every campaign not ended (by start), then the latest ended ones."""
    current = views.query(VIEWS, cv.CAMPAIGNS, CURRENT)
    ended = views.query(VIEWS, cv.CAMPAIGNS, ENDED, descending=True, limit=ENDED_LISTED)
    return [_shown(doc, now) for doc in (*current, *ended)]


def admin_campaign(views: ViewReader, code: str, now: datetime) -> Doc:
    return _shown(_campaign_doc(views, code), now)


# -- teams -----------------------------------------------------------------------------
def seats_left(team: Doc, now: datetime) -> int:
    """Seats a member can take now: not paid, not held by an unpaid order in time."""
    if team["status"] != TeamStatus.FORMING or now >= _time(team["deadline"]):
        return 0
    held = sum(1 for until in team["holds"].values() if _time(until) > now)
    return max(int(team["size"]) - int(team["paid"]) - held, 0)


def short_text(team: Doc, now: datetime) -> str:
    if team["status"] == TeamStatus.SUCCEEDED:
        return "拼团成功"
    if team["status"] == TeamStatus.FAILED:
        return "拼团失败"
    if now >= _time(team["deadline"]):
        return "拼团已截止"
    return f"还差 {int(team['size']) - int(team['paid'])} 人成团"


def _timing(team: Doc, now: datetime) -> Doc:
    remaining = max(int((_time(team["deadline"]) - now).total_seconds()), 0)
    return {
        "seats_left": seats_left(team, now),
        "missing": int(team["size"]) - int(team["paid"]),
        "remaining_seconds": remaining if team["status"] == TeamStatus.FORMING else 0,
        "short_text": short_text(team, now),
    }


def _is_open(campaign_doc: Doc | None, now: datetime) -> bool:
    return campaign_doc is not None and phase(campaign_doc, now) == "ongoing"


def team(views: ViewReader, team_id: UUID, now: datetime, faces: Faces) -> Doc:
    doc = views.get(VIEWS, cv.TEAMS, str(team_id))
    if doc is None:
        raise NotFound("team")
    leader = doc["leader_order_id"]
    members = sorted(doc["members"], key=lambda m: m["order_id"] != leader)  # stable
    shown = dict(doc, paid=len(members))
    campaign_doc = views.get(VIEWS, cv.CAMPAIGNS, doc["campaign_id"])
    timing = _timing(shown, now)
    return {
        "team_id": doc["team_id"],
        "campaign": _team_campaign(campaign_doc, doc["sku_id"]),
        "product_id": doc["product_id"],
        "sku_id": doc["sku_id"],
        "status": doc["status"],
        "size": doc["size"],
        "paid": len(members),
        **timing,
        "joinable": timing["seats_left"] > 0 and _is_open(campaign_doc, now),
        "members": [
            {**face, "leader": i == 0}
            for i, face in enumerate(faces([m.get("member_id") for m in members]))
        ],
        "opened_at": doc["opened_at"],
        "deadline": doc["deadline"],
        "closed_at": doc["closed_at"],
        "virtual": doc["virtual"],
    }


def _team_campaign(doc: Doc | None, sku_id: str) -> Doc | None:
    if doc is None:
        return None
    item = next((i for i in doc["items"] if i["sku_id"] == sku_id), None)
    return {
        "code": doc["code"],
        "title": doc["title"],
        "status": doc["status"],
        "price_fen": item["price_fen"] if item else None,
    }


def joinable_teams(
    views: ViewReader, product_id: UUID, now: datetime, faces: Faces, limit: int = 20
) -> list[Doc]:
    """Forming teams of the product a member can join now: fewest seats left
    first, then the earliest deadline."""
    rows = views.query(VIEWS, cv.JOINABLE, str(product_id), limit=max(limit * READ_AHEAD, 100))
    campaigns: dict[str, Doc | None] = {}
    shown: list[Doc] = []
    for row in rows:
        team_row = dict(row, status=TeamStatus.FORMING)
        timing = _timing(team_row, now)
        if timing["seats_left"] == 0:
            continue
        campaign_id = row["campaign_id"]
        if campaign_id not in campaigns:
            campaigns[campaign_id] = views.get(VIEWS, cv.CAMPAIGNS, campaign_id)
        if not _is_open(campaigns[campaign_id], now):
            continue
        fields = ("team_id", "sku_id", "size", "paid", "deadline")
        shown.append({k: row[k] for k in fields} | timing | {"leader": row.get("leader_member_id")})
    shown.sort(key=lambda t: (t["seats_left"], _time(t["deadline"]), t["team_id"]))
    shown = shown[:limit]
    for row, face in zip(shown, faces([row["leader"] for row in shown]), strict=True):
        row["leader"] = face
    return shown
