"""Reviews by members: review a line of one's own completed order, add the one
follow-up; and every visitor's view of a product's reviews: the rating summary
(visible reviews only) and the latest visible reviews, cursor-paged."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import body, current_member, path_id, query_param
from .responses import handles_errors, json_response

bp = Blueprint(__name__)


@bp.route("/orders/{order_id}/reviews", methods=["POST"])
@handles_errors
def write_review(order_id: str) -> Response:
    from .review_pages import as_written
    from .review_schemas import ReviewIn

    member_id = current_member(bp)
    oid = path_id(order_id, "order")
    given = body(bp, ReviewIn)
    review = container().shop.reviews.write(
        member_id,
        oid,
        sku_id=given.sku_id,
        stars=given.stars,
        text=given.text,
        images=given.images,
    )
    return json_response(as_written(review), status=201)


@bp.route("/reviews/{review_id}/follow-up", methods=["POST"])
@handles_errors
def follow_up(review_id: str) -> Response:
    from .review_pages import as_written
    from .review_schemas import FollowUpIn

    member_id = current_member(bp)
    rid = path_id(review_id, "review")
    given = body(bp, FollowUpIn)
    review = container().shop.reviews.follow_up(member_id, rid, given.text, given.images)
    return json_response(as_written(review), status=201)


@bp.route("/products/{product_id}/reviews", methods=["GET"])
@handles_errors
def product_reviews(product_id: str) -> Response:
    from ..projections import reviews_queries
    from .cursors import decode_cursor, parse_limit
    from .review_pages import page_answer, public

    pid = str(path_id(product_id, "product"))
    limit = parse_limit(query_param(bp, "limit"))
    after = decode_cursor(query_param(bp, "cursor"))
    views = container().views
    page = reviews_queries.visible_page(views, pid, after, limit)
    answer = page_answer(page, public(page.items))
    return json_response(dict(answer, summary=reviews_queries.summary(views, pid)))
