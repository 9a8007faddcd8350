""" "You may also like" (猜你喜欢): `GET /products/{id}/recommendations` on a
product's page and `GET /recommendations` on the home page (personal with a
member session, best sellers without one). Each item is a product card
(api/product_cards.py) with its product id; the choice is
projections/recommendation_queries.py."""

from __future__ import annotations

import re

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import current_member, path_id, query_param
from .responses import handles_errors, json_response

bp = Blueprint(__name__)

DEFAULT_LIMIT = 8
MAX_LIMIT = 20


def _limit() -> int:
    from ..application.errors import InvalidInput

    text = query_param(bp, "limit")
    if text is None:
        return DEFAULT_LIMIT
    if not re.fullmatch(r"[0-9]{1,4}", text) or not 1 <= int(text) <= MAX_LIMIT:
        raise InvalidInput("limit", f"a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def _cards(product_ids: list[str]) -> Response:
    """The products as cards, leaving out any the catalogue's view has off
    sale (it may lag the search view a moment on AWS)."""
    from .product_cards import product_card

    c = container()
    now = c.now()
    cards = [dict(product_card(c.views, pid, now), product_id=pid) for pid in product_ids]
    return json_response({"items": [card for card in cards if card["on_sale"]]})


@bp.route("/products/{product_id}/recommendations", methods=["GET"])
@handles_errors
def product_recommendations(product_id: str) -> Response:
    from ..projections import recommendation_queries

    pid = path_id(product_id, "product")
    limit = _limit()
    return _cards(recommendation_queries.for_product(container().views, pid, limit))


@bp.route("/recommendations", methods=["GET"])
@handles_errors
def home_recommendations() -> Response:
    """A member's when the request carries a session (a bad one is a 401), else anyone's."""
    from ..projections import recommendation_queries

    limit = _limit()
    signed_in = bool(bp.current_request.headers.get("authorization"))
    member_id = str(current_member(bp)) if signed_in else None
    return _cards(recommendation_queries.for_member(container().views, member_id, limit))
