"""Reviews read model: each review as operators see it, in three ranked views
(newest first: rank = written time, `#`, review id), and each product's rating
summary over its visible reviews.

- `reviews`: every review of a product (group: the product id);
- `latest`: every review (group "all"), for the operators' list;
- `visible`: the product's reviews not hidden (removed while hidden);
- `summary`: per product, how many visible reviews have each number of stars."""

from __future__ import annotations

from typing import Any

from ..domain.review import Review
from .base import Doc, Handler, ViewWriter, plain, rank_time

REVIEWS = "reviews"
LATEST = "latest"
VISIBLE = "visible"
SUMMARY = "summary"
ALL = "all"


def review_rank(doc: Doc) -> str:
    return f"{doc['written_at_rank']}#{doc['id']}"


def _save(views: ViewWriter, doc: Doc) -> None:
    key, group, rank = doc["id"], doc["product_id"], review_rank(doc)
    views.put(REVIEWS, key, doc, group=group, rank=rank)
    views.put(LATEST, key, doc, group=ALL, rank=rank)
    if doc["hidden"]:
        views.delete(VISIBLE, key)
    else:
        views.put(VISIBLE, key, doc, group=group, rank=rank)


def _count(views: ViewWriter, product_id: str, stars: int, by: int) -> None:
    summary = views.get(SUMMARY, product_id) or {
        "product_id": product_id,
        "stars": {str(n): 0 for n in range(1, 6)},
    }
    counts = dict(summary["stars"])
    counts[str(stars)] += by
    views.put(SUMMARY, product_id, dict(summary, stars=counts))


def _written(e: Review.Written, views: ViewWriter) -> None:
    doc = {
        "id": str(e.originator_id),
        "product_id": e.product_id,
        "sku_id": e.sku_id,
        "line_title": e.line_title,
        "order_id": str(e.order_id),
        "member_id": str(e.member_id),
        "stars": e.stars,
        "text": e.text,
        "images": list(e.images),
        "written_at": plain(e.at),
        "written_at_rank": rank_time(e.at),
        "follow_up": None,
        "reply": None,
        "hidden": False,
        "moderation": [],
    }
    _save(views, doc)
    _count(views, e.product_id, e.stars, 1)


def _change(e: Any, views: ViewWriter, **changes: Any) -> Doc | None:
    doc = views.get(REVIEWS, str(e.originator_id))
    if doc is None:
        return None
    changed = dict(doc, **changes)
    _save(views, changed)
    return changed


def _followed_up(e: Review.FollowedUp, views: ViewWriter) -> None:
    follow_up = {"text": e.text, "images": list(e.images), "at": plain(e.at)}
    _change(e, views, follow_up=follow_up)


def _replied(e: Review.Replied, views: ViewWriter) -> None:
    _change(e, views, reply={"text": e.text, "at": plain(e.at)})


def _moderated(e: Review.Hidden | Review.Unhidden, views: ViewWriter, hidden: bool) -> None:
    doc = views.get(REVIEWS, str(e.originator_id))
    if doc is None or doc["hidden"] == hidden:
        return
    action = {"action": "hide" if hidden else "unhide", "reason": e.reason, "at": plain(e.at)}
    _save(views, dict(doc, hidden=hidden, moderation=[*doc["moderation"], action]))
    _count(views, doc["product_id"], doc["stars"], -1 if hidden else 1)


def _hidden(e: Review.Hidden, views: ViewWriter) -> None:
    _moderated(e, views, hidden=True)


def _unhidden(e: Review.Unhidden, views: ViewWriter) -> None:
    _moderated(e, views, hidden=False)


HANDLERS: dict[type, Handler] = {
    Review.Written: _written,
    Review.FollowedUp: _followed_up,
    Review.Replied: _replied,
    Review.Hidden: _hidden,
    Review.Unhidden: _unhidden,
}


class ReviewsProjection:
    name = "reviews"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
