"""The operators' campaign commands (X-Admin-Token): define, start, pause,
resume, end. Reading campaigns is in campaign_views.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import body, require_admin
from .responses import handles_errors, json_response

if TYPE_CHECKING:
    from ..domain.campaign import Campaign

bp = Blueprint(__name__)


def summary(campaign: Campaign) -> dict[str, object]:
    """The campaign as the command left it (read models catch up on their own)."""
    from ..projections.base import plain

    return {
        "id": str(campaign.id),
        "code": campaign.code,
        "kind": str(campaign.kind),
        "title": campaign.title,
        "status": str(campaign.status),
        "starts_at": plain(campaign.starts_at),
        "ends_at": plain(campaign.ends_at),
        "per_member_limit": campaign.per_member_limit,
        "rules": plain(campaign.rules),
        "items": plain(campaign.items),
        "shards": campaign.shards,
    }


@bp.route("/admin/campaigns", methods=["POST"])
@handles_errors
def define_campaign() -> Response:
    from ..domain.values import CampaignItem, CampaignRules
    from .campaign_schemas import CampaignIn

    require_admin(bp)
    c = body(bp, CampaignIn)
    campaign = container().shop.campaigns.define_campaign(
        code=c.code,
        kind=c.kind,
        title=c.title,
        items=[CampaignItem(**item.model_dump()) for item in c.items],
        starts_at=c.starts_at,
        ends_at=c.ends_at,
        per_member_limit=c.per_member_limit,
        rules=CampaignRules(**c.rules.model_dump()),
        shards=c.shards,
    )
    return json_response(summary(campaign), status=201)


@bp.route("/admin/campaigns/{code}/start", methods=["POST"])
@handles_errors
def start_campaign(code: str) -> Response:
    require_admin(bp)
    return json_response(summary(container().shop.campaigns.start_campaign(code)))


@bp.route("/admin/campaigns/{code}/pause", methods=["POST"])
@handles_errors
def pause_campaign(code: str) -> Response:
    require_admin(bp)
    return json_response(summary(container().shop.campaigns.pause_campaign(code)))


@bp.route("/admin/campaigns/{code}/resume", methods=["POST"])
@handles_errors
def resume_campaign(code: str) -> Response:
    require_admin(bp)
    return json_response(summary(container().shop.campaigns.resume_campaign(code)))


@bp.route("/admin/campaigns/{code}/end", methods=["POST"])
@handles_errors
def end_campaign(code: str) -> Response:
    from .campaign_schemas import EndIn

    require_admin(bp)
    reason = body(bp, EndIn).reason
    return json_response(summary(container().shop.campaigns.end_campaign(code, reason)))
