"""A member's footprints, newest first, paged by position (the view's time,
`#`, the product id): the same cursor shape as the member's favourites."""

from __future__ import annotations

from dataclasses import dataclass

from . import footprints
from .base import ViewReader

FOOTPRINTS = footprints.FootprintsProjection.name


@dataclass(frozen=True)
class Page:
    entries: list[tuple[str, str]]
    """(product id, viewed at: fixed-width UTC), newest first."""
    next_after: str | None


def page(views: ViewReader, member_id: str, after: str | None, limit: int) -> Page:
    doc = views.get(FOOTPRINTS, footprints.MEMBERS, member_id)
    viewed = {} if doc is None else doc["viewed"]
    ordered = sorted(viewed.items(), key=lambda item: (item[1], item[0]), reverse=True)
    below = [e for e in ordered if after is None or f"{e[1]}#{e[0]}" < after]
    shown = below[:limit]
    more = len(below) > limit
    return Page(shown, f"{shown[-1][1]}#{shown[-1][0]}" if more else None)
