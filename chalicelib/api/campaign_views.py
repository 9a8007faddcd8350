"""Reading campaigns (no login): the campaigns on or to come, one campaign, its
live numbers, a group-buy team and the teams a product offers to join; and the
operators' campaign list and detail (X-Admin-Token). Each public answer is one
or two read-model reads, cheap enough for the mini-program to poll."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import path_id, query_param, require_admin
from .responses import ApiError, handles_errors, json_response

bp = Blueprint(__name__)
MAX_TEAMS = 50


@bp.route("/campaigns", methods=["GET"])
@handles_errors
def list_campaigns() -> Response:
    from ..domain.campaign import CampaignKind
    from ..projections import campaign_queries as q

    kinds = [k.value for k in CampaignKind]
    kind = query_param(bp, "kind")
    if kind is not None and kind not in kinds:
        raise ApiError(400, "invalid_request", f"kind: one of {', '.join(kinds)}")
    c = container()
    return json_response({"items": q.campaigns_for_members(c.views, c.now(), kind)})


@bp.route("/campaigns/{code}", methods=["GET"])
@handles_errors
def show_campaign(code: str) -> Response:
    from ..projections import campaign_queries as q

    c = container()
    return json_response(q.campaign(c.views, code, c.now()))


@bp.route("/campaigns/{code}/progress", methods=["GET"])
@handles_errors
def campaign_progress(code: str) -> Response:
    from ..projections import campaign_queries as q

    c = container()
    return json_response(q.campaign_progress(c.views, code, c.now()))


@bp.route("/teams/{team_id}", methods=["GET"])
@handles_errors
def show_team(team_id: str) -> Response:
    from ..projections import campaign_queries as q
    from .member_faces import MemberFaces

    c = container()
    faces = MemberFaces(c.views, c.vault)
    return json_response(q.team(c.views, path_id(team_id, "team"), c.now(), faces))


@bp.route("/products/{product_id}/teams", methods=["GET"])
@handles_errors
def joinable_teams(product_id: str) -> Response:
    """Teams of the product a member can join now, fewest seats left first."""
    from ..projections import campaign_queries as q
    from .member_faces import MemberFaces

    limit = _limit(query_param(bp, "limit"))
    c = container()
    faces = MemberFaces(c.views, c.vault)
    items = q.joinable_teams(c.views, path_id(product_id, "product"), c.now(), faces, limit)
    return json_response({"items": items})


def _limit(raw: str | None) -> int:
    if raw is None:
        return 20
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_TEAMS:
        raise ApiError(400, "invalid_request", f"limit: a whole number from 1 to {MAX_TEAMS}")
    return int(raw)


@bp.route("/admin/campaigns", methods=["GET"])
@handles_errors
def admin_campaigns() -> Response:
    from ..projections import campaign_queries as q

    require_admin(bp)
    c = container()
    return json_response({"items": q.admin_campaigns(c.views, c.now())})


@bp.route("/admin/campaigns/{code}", methods=["GET"])
@handles_errors
def admin_campaign(code: str) -> Response:
    """The read model, with each SKU's exact stock read from its shards."""
    from ..projections import campaign_queries as q

    require_admin(bp)
    c = container()
    doc = q.admin_campaign(c.views, code, c.now())
    return json_response(doc | {"stock": c.shop.campaigns.campaign_stock(code)})
