"""Members taking part in a flash sale (秒杀). Group-buy and bargain have their
own blueprints; campaign reads are in campaign_views.py."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .idempotency import idempotent
from .inputs import body, current_member
from .responses import handles_errors

bp = Blueprint(__name__)


@bp.route("/campaigns/{code}/orders", methods=["POST"])
@handles_errors
@idempotent(bp)
def place_flash_order(code: str) -> Response:
    from .campaign_orders import CampaignOrderIn, order_args, placed

    member_id = current_member(bp)
    request = body(bp, CampaignOrderIn)
    order_id = container().shop.flash_sale.place_flash_order(
        code, member_id=member_id, **order_args(request)
    )
    return placed(order_id, member_id)
