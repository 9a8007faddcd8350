"""The memory of signed push (timestamp, nonce) pairs: a pair is claimed once, a
replay is told apart, a busy push gives its pair back, and of many threads
claiming one pair exactly one wins."""

from __future__ import annotations

from chalicelib.application import Shop
from chalicelib.domain.push_nonce import PushNonce, push_nonce_id_for
from tests.support.races import race, split


def test_a_pair_is_claimed_once_per_endpoint(shop: Shop) -> None:
    replays = shop.push_replays
    assert replays.claim("oa", "1793412000", "42")
    assert not replays.claim("oa", "1793412000", "42")
    assert replays.claim("oa", "1793412001", "42")
    assert replays.claim("mp", "1793412000", "42")


def test_a_released_pair_may_be_claimed_again_once(shop: Shop) -> None:
    replays = shop.push_replays
    assert replays.claim("oa", "1793412000", "7")
    replays.release("oa", "1793412000", "7")
    replays.release("oa", "1793412000", "7")
    assert replays.claim("oa", "1793412000", "7")
    assert not replays.claim("oa", "1793412000", "7")
    seen = shop.store.find(PushNonce, push_nonce_id_for("oa", "1793412000", "7"))
    assert seen is not None and not seen.released


def test_of_concurrent_claims_of_one_pair_one_wins(shop: Shop) -> None:
    outcomes = race(12, lambda _: shop.push_replays.claim("oa", "1793412000", "9"))
    won, errors = split(outcomes)
    assert errors == []
    assert sorted(won) == [False] * 11 + [True]
