"""A member's favourites (我的收藏): the products they keep, each with when it
was favourited. One aggregate per member, so favouriting the same product from
several requests at once conflicts on it and records one entry; favouriting a
product already kept, or removing one not kept, records nothing.

At most MAX_FAVOURITES products are kept at a time; one more is refused (the
member removes some first)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import DomainError
from .ids import NAMESPACE

MAX_FAVOURITES = 500


class TooManyFavourites(DomainError):
    code = "too_many_favourites"


def favourites_id_for(member_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"favourites:{member_id}")


class Favourites(Aggregate):
    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return favourites_id_for(member_id)

    class Started(Aggregate.Created):
        member_id: UUID

    @event(Started)
    def __init__(self, member_id: UUID) -> None:
        self.member_id = member_id
        self.kept: dict[str, datetime] = {}  # product id -> when favourited

    def add(self, product_id: str, at: datetime) -> bool:
        """Keeps the product (True); False, recording nothing, when already kept."""
        if product_id in self.kept:
            return False
        if len(self.kept) >= MAX_FAVOURITES:
            raise TooManyFavourites(
                f"at most {MAX_FAVOURITES} favourites: remove some first", limit=MAX_FAVOURITES
            )
        self._added(product_id=product_id, at=at)
        return True

    class Added(Aggregate.Event):
        product_id: str
        at: datetime

    @event(Added)
    def _added(self, product_id: str, at: datetime) -> None:
        self.kept[product_id] = at

    def remove(self, product_id: str, at: datetime) -> bool:
        """Lets the product go (True); False, recording nothing, when not kept."""
        if product_id not in self.kept:
            return False
        self._removed(product_id=product_id, at=at)
        return True

    class Removed(Aggregate.Event):
        product_id: str
        at: datetime

    @event(Removed)
    def _removed(self, product_id: str, at: datetime) -> None:
        del self.kept[product_id]

    def newest_first(self) -> list[tuple[str, datetime]]:
        """(product id, favourited at), the latest first (ties: by product id)."""
        return sorted(self.kept.items(), key=lambda kept: (kept[1], kept[0]), reverse=True)
