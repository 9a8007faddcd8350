from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.errors import DomainError
from chalicelib.domain.ids import LEVEL_SCHEME_ID
from chalicelib.domain.levels import (
    DEFAULT_LEVELS,
    LevelScheme,
    level_for,
    next_level,
    scheme_levels,
    validate_levels,
)
from chalicelib.domain.values import Level

from .given import NOW, given, then, types

LATER = NOW + timedelta(days=1)
REGULAR, VIP, SUPREME = DEFAULT_LEVELS


def test_the_default_levels_are_regular_vip_and_supreme() -> None:
    assert [(lv.code, lv.name, lv.threshold_fen) for lv in DEFAULT_LEVELS] == [
        ("regular", "普通", 0),
        ("vip", "VIP", 100_000),
        ("supreme", "至尊", 500_000),
    ]
    assert [(lv.discount_percent, lv.points_multiplier_percent) for lv in DEFAULT_LEVELS] == [
        (100, 100),
        (95, 150),
        (90, 200),
    ]
    assert [lv.birthday_coupon for lv in DEFAULT_LEVELS] == ["", "birthday-vip", "birthday-supreme"]
    assert [lv.free_shipping_from_fen for lv in DEFAULT_LEVELS] == [0, 0, 1]
    validate_levels(DEFAULT_LEVELS)


@pytest.mark.parametrize(
    ("spend_fen", "code"),
    [
        (0, "regular"),
        (99_999, "regular"),
        (100_000, "vip"),
        (499_999, "vip"),
        (500_000, "supreme"),
        (10_000_000, "supreme"),
    ],
)
def test_the_level_is_the_highest_threshold_the_spend_reaches(spend_fen: int, code: str) -> None:
    assert level_for(DEFAULT_LEVELS, spend_fen).code == code


def test_the_next_level_is_the_one_above() -> None:
    assert next_level(DEFAULT_LEVELS, "regular") == VIP
    assert next_level(DEFAULT_LEVELS, "vip") == SUPREME
    assert next_level(DEFAULT_LEVELS, "supreme") is None
    assert next_level(DEFAULT_LEVELS, "gold") is None


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([], "at least one level"),
        ([replace(REGULAR, threshold_fen=1)], "threshold 0"),
        ([REGULAR, replace(VIP, threshold_fen=0)], "more spend"),
        ([REGULAR, SUPREME, VIP], "more spend"),
        ([REGULAR, replace(VIP, code="regular")], "used twice"),
        ([replace(REGULAR, code="Regular")], "level code"),
        ([replace(REGULAR, code="")], "level code"),
        ([replace(REGULAR, code="a" * 21)], "level code"),
        ([replace(REGULAR, code="vip gold")], "level code"),
        ([replace(REGULAR, name=" ")], "needs a name"),
        ([replace(REGULAR, discount_percent=0)], "discount_percent"),
        ([replace(REGULAR, discount_percent=101)], "discount_percent"),
        ([replace(REGULAR, points_multiplier_percent=-1)], "points_multiplier_percent"),
        ([replace(REGULAR, points_multiplier_percent=1001)], "points_multiplier_percent"),
        ([replace(REGULAR, free_shipping_from_fen=-1)], "free_shipping_from_fen"),
    ],
)
def test_invalid_levels_are_refused(levels: list[Level], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        validate_levels(levels)


def test_the_edges_of_each_range_are_valid() -> None:
    validate_levels(
        [
            replace(REGULAR, code="a" * 20, discount_percent=1, points_multiplier_percent=0),
            replace(VIP, code="v_1-x", discount_percent=100, points_multiplier_percent=1000),
        ]
    )


def test_defining_the_scheme_records_its_levels() -> None:
    scheme = LevelScheme(levels=DEFAULT_LEVELS, at=NOW)

    events = then(scheme)
    assert types(events) == [LevelScheme.Defined]
    assert (events[0].levels, events[0].at) == (DEFAULT_LEVELS, NOW)
    assert scheme.id == LEVEL_SCHEME_ID == LevelScheme.create_id()
    assert scheme.levels == DEFAULT_LEVELS


def test_an_invalid_scheme_is_not_defined() -> None:
    with pytest.raises(DomainError, match="threshold 0"):
        LevelScheme(levels=[replace(REGULAR, threshold_fen=100)], at=NOW)


def test_redefining_the_levels_records_the_new_list() -> None:
    scheme = given(LevelScheme(levels=DEFAULT_LEVELS, at=NOW))
    cheaper_vip = [REGULAR, replace(VIP, threshold_fen=50_000)]

    assert scheme.redefine(cheaper_vip, at=LATER) is True

    events = then(scheme)
    assert types(events) == [LevelScheme.Redefined]
    assert (events[0].levels, events[0].at) == (cheaper_vip, LATER)
    assert scheme.levels == cheaper_vip


def test_redefining_the_same_levels_records_nothing() -> None:
    scheme = given(LevelScheme(levels=DEFAULT_LEVELS, at=NOW))

    assert scheme.redefine(list(DEFAULT_LEVELS), at=LATER) is False

    assert then(scheme) == []


def test_an_invalid_redefinition_is_refused_and_the_levels_stay() -> None:
    scheme = given(LevelScheme(levels=DEFAULT_LEVELS, at=NOW))

    with pytest.raises(DomainError, match="used twice"):
        scheme.redefine([REGULAR, replace(VIP, code="regular")], at=LATER)

    assert then(scheme) == []
    assert scheme.levels == DEFAULT_LEVELS


def test_the_defaults_stand_until_the_scheme_is_defined() -> None:
    assert scheme_levels(None) == DEFAULT_LEVELS
    assert scheme_levels(None) is not DEFAULT_LEVELS
    two = [REGULAR, VIP]
    assert scheme_levels(LevelScheme(levels=two, at=NOW)) == two
