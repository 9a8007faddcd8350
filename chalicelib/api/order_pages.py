"""A page of orders as the API answers it: `{"items": [...], "next_cursor"}`,
each order as `GET /orders/{id}` shows it, newest first; `next_cursor` is null
on the last page."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from ..projections import order_search
from ..projections.order_search import OrderSearch
from .cursors import decode_cursor, encode_cursor, parse_limit
from .inputs import query_param
from .personal import reveal_orders
from .responses import json_response


def order_page(bp: Blueprint, search: OrderSearch) -> Response:
    """The page `?limit=` and `?cursor=` ask for (each checked: a 400 naming it)."""
    limit = parse_limit(query_param(bp, "limit"))
    after = decode_cursor(query_param(bp, "cursor"))
    page = order_search.page(container().views, search, after, limit)
    next_cursor = None if page.next_after is None else encode_cursor(page.next_after)
    return json_response({"items": reveal_orders(page.orders), "next_cursor": next_cursor})
