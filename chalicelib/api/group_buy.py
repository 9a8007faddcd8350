"""Members taking part in a group-buy (拼团): open a team (the leader's order)
or join one (an order holding a seat). Either is paid through /orders/{id}/pay;
the team's progress is read at GET /teams/{team_id}."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .idempotency import idempotent
from .inputs import body, current_member, path_id
from .responses import handles_errors, json_response

bp = Blueprint(__name__)


@bp.route("/campaigns/{code}/teams", methods=["POST"])
@handles_errors
@idempotent(bp)
def open_team(code: str) -> Response:
    from ..domain.team import Team
    from .campaign_orders import CampaignOrderIn, order_args

    member_id = current_member(bp)
    request = body(bp, CampaignOrderIn)
    order_id = container().shop.group_buy.open_team(
        code, member_id=member_id, **order_args(request)
    )
    return _placed(order_id, member_id, Team.create_id(str(order_id)))


@bp.route("/teams/{team_id}/orders", methods=["POST"])
@handles_errors
@idempotent(bp)
def join_team(team_id: str) -> Response:
    from .campaign_orders import JoinTeamIn, order_args

    member_id = current_member(bp)
    team = path_id(team_id, "team")
    request = body(bp, JoinTeamIn)
    args: dict[str, Any] = order_args(request)
    order_id = container().shop.group_buy.join_team(team, member_id=member_id, **args)
    return _placed(order_id, member_id, team)


def _placed(order_id: UUID, member_id: UUID, team_id: UUID) -> Response:
    """201 with the order as the member sees it, and what the payment page needs."""
    from ..projections import fresh
    from .personal import reveal_order

    order = reveal_order(fresh.order(container().events_of, order_id, member_id))
    summary = {
        "order_id": str(order_id),
        "team_id": str(team_id),
        "payable_fen": order["price"]["payable_fen"],
        "pay_deadline": order["pay_deadline"],
    }
    return json_response({**order, **summary}, status=201)
