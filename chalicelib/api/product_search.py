"""Finding products: `GET /products` (search, category, sort, cursor pages)
and `GET /search/hot` (the most searched terms of the last seven Beijing days,
from the behaviour log's search events)."""

from __future__ import annotations

import re
from datetime import timedelta

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import choice_param, query_param
from .responses import handles_errors, json_response

bp = Blueprint(__name__)

DEFAULT_LIMIT = 20
MAX_LIMIT = 50
MAX_QUERY = 50
"""Characters a search query (`q`) or a `category` may have (a category is at most 50)."""
HOT_DAYS = 7
DEFAULT_HOT = 10
MIN_SEARCHES = 3
"""Searches a term needs in the window to be shown: a public list never shows a
one-off search (someone's own phone number, say)."""


def _limit(name: str, default: int, most: int) -> int:
    from ..application.errors import InvalidInput

    text = query_param(bp, name)
    if text is None:
        return default
    if not re.fullmatch(r"[0-9]{1,4}", text) or not 1 <= int(text) <= most:
        raise InvalidInput(name, f"a whole number from 1 to {most}")
    return int(text)


def _text(name: str) -> str | None:
    """`q` or `category`: absent, or 1 to MAX_QUERY characters (empty is a 400)."""
    from ..application.errors import InvalidInput

    text = query_param(bp, name)
    if text is not None and not 1 <= len(text) <= MAX_QUERY:
        raise InvalidInput(name, f"from 1 to {MAX_QUERY} characters")
    return text


@bp.route("/products", methods=["GET"])
@handles_errors
def list_products() -> Response:
    """Products on sale: `q` searches titles, categories and SKU names;
    `sort` (default sales), `cursor` and `limit` page them."""
    from ..projections import product_search_queries
    from .product_cursors import decode_position, encode_position

    q = _text("q")
    category = _text("category")
    sort = choice_param(bp, "sort", product_search_queries.SORTS) or "sales"
    limit = _limit("limit", DEFAULT_LIMIT, MAX_LIMIT)
    after = decode_position(query_param(bp, "cursor"), sort)
    c = container()
    page = product_search_queries.search(
        c.views, c.now(), q=q, category=category, sort=sort, after=after, limit=limit
    )
    next_cursor = None if page.next_after is None else encode_position(page.next_after)
    return json_response({"items": page.items, "next_cursor": next_cursor})


@bp.route("/search/hot", methods=["GET"])
@handles_errors
def hot_searches() -> Response:
    """The most searched terms of the last seven Beijing days (today included)."""
    from ..domain.calendar import beijing_date
    from ..projections import behaviour_queries

    limit = _limit("limit", DEFAULT_HOT, behaviour_queries.HOT_SEARCHES)
    c = container()
    today = beijing_date(c.now())
    days = [(today - timedelta(days=n)).isoformat() for n in range(HOT_DAYS - 1, -1, -1)]
    found = behaviour_queries.hot_searches(c.views, days)
    terms = [t for t in found if t["searches"] >= MIN_SEARCHES][:limit]
    return json_response({"days": [days[0], days[-1]], "items": terms})
