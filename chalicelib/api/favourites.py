"""Favourites (我的收藏) of the logged-in member: keep a product (idempotent),
let it go, and page through what they keep, newest first, each entry with the
product's title, image, lowest price in effect and whether it is on sale."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import current_member, path_id, query_param
from .responses import handles_errors, json_response

bp = Blueprint(__name__)


@bp.route("/me/favourites/{product_id}", methods=["PUT"])
@handles_errors
def favourite(product_id: str) -> Response:
    member_id = current_member(bp)
    pid = path_id(product_id, "product")
    added = container().shop.favourites.add(member_id, pid)
    return json_response({"product_id": str(pid), "favourite": True, "added": added})


@bp.route("/me/favourites/{product_id}", methods=["DELETE"])
@handles_errors
def unfavourite(product_id: str) -> Response:
    """204 whether or not the product was kept (an id that is no product's never is)."""
    from uuid import UUID

    member_id = current_member(bp)
    try:
        pid = UUID(product_id)
    except ValueError:
        return Response(body="", status_code=204)
    container().shop.favourites.remove(member_id, pid)
    return Response(body="", status_code=204)


@bp.route("/me/favourites", methods=["GET"])
@handles_errors
def favourites() -> Response:
    from ..projections.base import plain
    from .cursors import decode_cursor, encode_cursor, parse_limit
    from .product_cards import product_card

    member_id = current_member(bp)
    limit = parse_limit(query_param(bp, "limit"))
    after = decode_cursor(query_param(bp, "cursor"))
    c = container()
    page = c.shop.favourites.page(member_id, after, limit)
    now = c.now()
    items = [
        dict(product_card(c.views, product_id, now), product_id=product_id, favourited_at=plain(at))
        for product_id, at in page.entries
    ]
    next_cursor = None if page.next_after is None else encode_cursor(page.next_after)
    return json_response({"items": items, "next_cursor": next_cursor})
