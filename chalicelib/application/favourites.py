"""Favourites use cases (我的收藏): keep a product, let it go, and read a page
of what a member keeps, newest first. The page is read from the member's own
aggregate (at most MAX_FAVOURITES entries), so a member sees their change at
once on both runtimes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from ..domain.catalogue import Product
from ..domain.favourites import Favourites, favourites_id_for
from .errors import NotFound
from .store import EventStore, retry_on_conflict


@dataclass(frozen=True)
class FavouritesPage:
    entries: list[tuple[str, datetime]]
    """(product id, favourited at), newest first."""
    next_after: str | None
    """The position the next page starts below; None on the last page."""


def position(product_id: str, at: datetime) -> str:
    """Where an entry stands in the list: its time (fixed-width UTC), `#`, the product id."""
    return f"{at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}#{product_id}"


class FavouriteUseCases:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    @retry_on_conflict
    def add(self, member_id: UUID, product_id: UUID) -> bool:
        """Keeps the product (False when it was kept already); NotFound when unknown."""
        if self.store.find(Product, product_id) is None:
            raise NotFound("product")
        favourites = self._of(member_id) or Favourites(member_id=member_id)
        if not favourites.add(str(product_id), self.store.clock.now()):
            return False
        self.store.save(favourites)
        return True

    @retry_on_conflict
    def remove(self, member_id: UUID, product_id: UUID) -> bool:
        """Lets the product go (False when it was not kept)."""
        favourites = self._of(member_id)
        if favourites is None or not favourites.remove(str(product_id), self.store.clock.now()):
            return False
        self.store.save(favourites)
        return True

    def page(self, member_id: UUID, after: str | None, limit: int) -> FavouritesPage:
        """Up to `limit` entries standing below position `after` (None: the newest)."""
        favourites = self._of(member_id)
        entries = [] if favourites is None else favourites.newest_first()
        below = [e for e in entries if after is None or position(*e) < after]
        shown = below[:limit]
        more = len(below) > limit
        return FavouritesPage(shown, position(*shown[-1]) if more else None)

    def _of(self, member_id: UUID) -> Favourites | None:
        return self.store.find(Favourites, favourites_id_for(member_id))
