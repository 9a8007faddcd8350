"""How reviews are shown: on a product's page (the author as a masked nickname
and avatar, or the placeholder once the account is closed; never who they are,
which order, or the moderation), to their author just after writing, and to
operators (everything, with the member and order ids and the moderation
history). A page is `{"items", "next_cursor"}`, newest first."""

from __future__ import annotations

from typing import Any

from ..bootstrap import container
from ..domain.review import Review
from ..projections.base import Doc, plain
from ..projections.reviews_queries import Page
from .cursors import encode_cursor
from .member_faces import MemberFaces

PUBLIC = ("id", "product_id", "sku_id", "line_title", "stars", "text", "images", "written_at")
INTERNAL = frozenset({"written_at_rank"})


def public(docs: list[Doc]) -> list[Doc]:
    c = container()
    faces = MemberFaces(c.views, c.vault)([doc["member_id"] for doc in docs])
    return [
        dict(
            {k: doc[k] for k in PUBLIC},
            follow_up=doc["follow_up"],
            reply=doc["reply"],
            member=face,
        )
        for doc, face in zip(docs, faces, strict=True)
    ]


def for_operators(docs: list[Doc]) -> list[Doc]:
    """Everything, but the rank the pages are read in (projections/reviews.py)."""
    return [{k: v for k, v in doc.items() if k not in INTERNAL} for doc in docs]


def page_answer(page: Page, items: list[Doc]) -> dict[str, Any]:
    cursor = None if page.next_after is None else encode_cursor(page.next_after)
    return {"items": items, "next_cursor": cursor}


def as_written(review: Review) -> Doc:
    """The review as its command left it (the write side: the views may lag)."""
    return {
        "id": str(review.id),
        "order_id": str(review.order_id),
        "product_id": review.product_id,
        "sku_id": review.sku_id,
        "line_title": review.line_title,
        "stars": review.stars,
        "text": review.text,
        "images": list(review.images),
        "written_at": plain(review.written_at),
        "follow_up": plain(review.follow_up),
        "reply": plain(review.reply),
        "hidden": review.hidden,
    }
