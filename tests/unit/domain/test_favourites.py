"""A member's favourites: kept once each, newest first, capped."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.favourites import MAX_FAVOURITES, Favourites, TooManyFavourites

from .given import MEMBER_ID, NOW


def test_a_product_is_kept_once_and_listed_newest_first() -> None:
    favourites = Favourites(member_id=MEMBER_ID)
    assert favourites.add("p-1", NOW)
    assert favourites.add("p-2", NOW + timedelta(minutes=1))
    assert not favourites.add("p-1", NOW + timedelta(minutes=2))
    assert favourites.newest_first() == [("p-2", NOW + timedelta(minutes=1)), ("p-1", NOW)]
    assert [type(e).__name__ for e in favourites.collect_events()] == ["Started", "Added", "Added"]


def test_letting_go_records_only_what_was_kept() -> None:
    favourites = Favourites(member_id=MEMBER_ID)
    favourites.add("p-1", NOW)
    favourites.collect_events()
    assert not favourites.remove("p-2", NOW)
    assert favourites.remove("p-1", NOW)
    assert not favourites.remove("p-1", NOW)
    assert [type(e).__name__ for e in favourites.collect_events()] == ["Removed"]
    assert favourites.newest_first() == []


def test_one_more_than_the_cap_is_refused_until_one_goes() -> None:
    favourites = Favourites(member_id=MEMBER_ID)
    for n in range(MAX_FAVOURITES):
        favourites.add(f"p-{n}", NOW)
    with pytest.raises(TooManyFavourites):
        favourites.add("one-more", NOW)
    assert not favourites.add("p-0", NOW)  # one already kept is still fine
    favourites.remove("p-0", NOW)
    assert favourites.add("one-more", NOW)
