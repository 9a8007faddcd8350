"""The recommendation rules without I/O: which products an order counts, the
bounded partner lists, the home page's weighting and the pick that fills."""

from __future__ import annotations

from chalicelib.domain.recommendations import (
    MAX_ORDER_PRODUCTS,
    SEED_VIEWS,
    bought_with,
    home_scores,
    order_products,
    pick,
    ranked,
)


def test_an_order_counts_its_distinct_products_in_line_order_up_to_the_cap() -> None:
    assert order_products(["b", "a", "b", "c"]) == ["b", "a", "c"]
    many = [f"p{n:02}" for n in range(MAX_ORDER_PRODUCTS + 5)]
    assert order_products(many) == many[:MAX_ORDER_PRODUCTS]


def test_partners_rank_by_count_then_product_id() -> None:
    assert ranked({"c": 2, "b": 5, "a": 2}) == ["b", "a", "c"]
    assert ranked({}) == []


def test_counts_are_exact_until_the_list_is_full() -> None:
    partners = bought_with({}, ["b", "c"], keep=3)
    partners = bought_with(partners, ["b"], keep=3)
    assert partners == {"b": 2, "c": 1}
    assert bought_with(partners, ["d"], keep=3) == {"b": 2, "c": 1, "d": 1}


def test_a_new_partner_of_a_full_list_replaces_the_weakest_with_its_count_plus_one() -> None:
    full = {"a": 3, "b": 1, "c": 1}
    assert bought_with(full, ["z"], keep=3) == {"a": 3, "b": 1, "z": 2}  # c: highest id of the 1s
    assert bought_with(full, ["a"], keep=3) == {"a": 4, "b": 1, "c": 1}


def test_a_partner_bought_together_often_enough_enters_a_full_list() -> None:
    partners = {f"p{n}": 1 for n in range(5)}
    for _ in range(3):
        partners = bought_with(partners, ["new"], keep=5)
    assert ranked(partners)[0] == "new" and len(partners) == 5


def test_home_scores_weigh_the_latest_view_most() -> None:
    latest, older = {"x": 1, "y": 1}, {"y": 1, "z": 3}
    # x: 5, y: 5 + 4, z: 3 * 4
    assert home_scores([latest, older]) == ["z", "y", "x"]
    assert home_scores([]) == []


def test_only_the_latest_seed_views_count() -> None:
    seeds = [{} for _ in range(SEED_VIEWS)] + [{"too_old": 100}]
    assert home_scores(seeds) == []


def test_pick_fills_from_each_source_in_turn_without_repeats() -> None:
    chosen = pick(
        [["a", "off", "self"], ["b", "a"], ["c", "d", "e"]],
        allowed={"a", "b", "c", "d", "e", "self"},
        excluded={"self"},
        limit=4,
    )
    assert chosen == ["a", "b", "c", "d"]
    assert pick([["a"]], allowed={"a"}, excluded=set(), limit=3) == ["a"]
