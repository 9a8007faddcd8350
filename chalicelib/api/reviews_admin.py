"""Reviews for operators (X-Admin-Token): the shop's reply (a second reply
replaces the first), hiding a review with a recorded reason and showing it
again, and the list of reviews, of a product or all, hidden or not."""

from __future__ import annotations

from uuid import UUID

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import body, choice_param, path_id, query_param, require_admin
from .responses import handles_errors, json_response

bp = Blueprint(__name__)


@bp.route("/admin/reviews/{review_id}/reply", methods=["PUT"])
@handles_errors
def reply(review_id: str) -> Response:
    from .review_pages import as_written
    from .review_schemas import ReplyIn

    require_admin(bp)
    rid = path_id(review_id, "review")
    given = body(bp, ReplyIn)
    return json_response(as_written(container().shop.reviews.reply(rid, given.text)))


@bp.route("/admin/reviews/{review_id}/hide", methods=["POST"])
@handles_errors
def hide(review_id: str) -> Response:
    from .review_pages import as_written
    from .review_schemas import HideIn

    require_admin(bp)
    rid = path_id(review_id, "review")
    given = body(bp, HideIn)
    return json_response(as_written(container().shop.reviews.hide(rid, given.reason)))


@bp.route("/admin/reviews/{review_id}/unhide", methods=["POST"])
@handles_errors
def unhide(review_id: str) -> Response:
    from .review_pages import as_written
    from .review_schemas import UnhideIn

    require_admin(bp)
    rid = path_id(review_id, "review")
    given = body(bp, UnhideIn)
    return json_response(as_written(container().shop.reviews.unhide(rid, given.reason)))


@bp.route("/admin/reviews", methods=["GET"])
@handles_errors
def reviews() -> Response:
    from ..projections import reviews_queries
    from .cursors import decode_cursor, parse_limit
    from .review_pages import for_operators, page_answer

    require_admin(bp)
    product = query_param(bp, "product")
    hidden = choice_param(bp, "hidden", ("true", "false"))
    product_id = None if product is None else _product_id(product)
    limit = parse_limit(query_param(bp, "limit"))
    after = decode_cursor(query_param(bp, "cursor"))
    shown = None if hidden is None else hidden == "true"
    page = reviews_queries.operator_page(container().views, product_id, shown, after, limit)
    return json_response(page_answer(page, for_operators(page.items)))


def _product_id(text: str) -> str:
    from ..application.errors import InvalidInput

    try:
        return str(UUID(text))
    except ValueError:
        raise InvalidInput("product", "a product id") from None
