"""Footprints (我的足迹) of the logged-in member: the products they viewed lately
(the mini-program's `product_view` events, POST /track), newest first,
cursor-paged, each with the product as the catalogue shows it now. Built over
the behaviour log, so a view shows up once that log's projections caught up."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import current_member, query_param
from .responses import handles_errors, json_response

bp = Blueprint(__name__)


@bp.route("/me/footprints", methods=["GET"])
@handles_errors
def footprints() -> Response:
    from ..projections import footprints_queries
    from .cursors import decode_cursor, encode_cursor, parse_limit
    from .product_cards import product_card

    member_id = current_member(bp)
    limit = parse_limit(query_param(bp, "limit"))
    after = decode_cursor(query_param(bp, "cursor"))
    c = container()
    page = footprints_queries.page(c.views, str(member_id), after, limit)
    now = c.now()
    items = [
        dict(product_card(c.views, product_id, now), product_id=product_id, viewed_at=at)
        for product_id, at in page.entries
    ]
    next_cursor = None if page.next_after is None else encode_cursor(page.next_after)
    return json_response({"items": items, "next_cursor": next_cursor})
