"""Attribution rules: a visit's source from its scene and query, first and last
touch, conversion, labels and the daily figures derived from the counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.attribution import (
    CONVERSION_WINDOW,
    DIRECT,
    LAST_TOUCH_WINDOW,
    SCENE_GROUPS,
    Source,
    clean_label,
    converts,
    last_touch,
    parse_source_key,
    source_of,
)
from chalicelib.domain.errors import DomainError
from chalicelib.domain.shop_metrics import DAY_COUNTS, DEFINITIONS, DERIVED, derived, summed
from chalicelib.domain.source_labels import MAX_LABELS, SourceLabels

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("scene", "group"),
    [
        (1035, "oa_menu"),
        (1058, "oa_article"),
        (1043, "oa_template"),
        (1014, "subscribe_msg"),
        (1007, "chat_card"),
        (1008, "chat_card"),
        (1011, "scan"),
        (1047, "scan"),
        (1048, "scan"),
        (1049, "scan"),
        (1005, "search"),
        (1006, "search"),
        (1027, "search"),
        (1042, "search"),
        (1053, "search"),
        (1001, "other"),
        (9999, "other"),
        (None, "other"),
    ],
)
def test_the_scene_gives_the_group(scene: int | None, group: str) -> None:
    assert source_of(scene, {}) == Source(group)


def test_every_listed_scene_has_a_labelled_group() -> None:
    for scene in SCENE_GROUPS:
        assert source_of(scene, {}).label


def test_the_query_refines_official_account_entries() -> None:
    menu = source_of(1035, {"from": "menu", "type": "home"})
    assert (menu.key, menu.label) == ("oa_menu:home", "公众号菜单·首页")
    article = source_of(1058, {"from": "article", "id": "123"})
    assert (article.key, article.label) == ("oa_article:123", "公众号文章·123")
    assert source_of(1058, {"id": "77"}).key == "oa_article:77"  # no `from`: the scene's group
    assert source_of(1043, {"type": "shipped"}).key == "oa_template:shipped"


def test_from_names_the_group_when_the_scene_does_not() -> None:
    assert source_of(None, {"from": "article", "id": "9"}).key == "oa_article:9"
    assert source_of(1001, {"from": "menu", "type": "home"}).key == "oa_menu:home"
    assert source_of(None, {"from": "nowhere"}).key == "other"


def test_a_scene_group_is_kept_when_from_names_another() -> None:
    """An article's page shared into a chat: the entry is the chat card."""
    assert source_of(1007, {"from": "article", "id": "123"}).key == "chat_card"
    assert source_of(1035, {"from": "article", "id": "123"}).key == "oa_menu"


def test_qr_keys_and_inviters() -> None:
    assert source_of(1047, {"scene": "store_12"}).key == "qr:store_12"
    assert source_of(1011, {"scene": "qrscene_spring"}).key == "qr:spring"
    assert source_of(None, {"qrscene": "flyer-a"}).key == "qr:flyer-a"
    assert source_of(1007, {"inviter": "abcd1234"}) == Source("invite")
    assert source_of(1035, {"inviter": "abcd", "from": "menu", "type": "home"}).key == "invite"


@pytest.mark.parametrize(
    "query",
    [
        {"from": "article", "id": "x" * 33},
        {"from": "article", "id": "1;DROP"},
        {"from": "article", "id": "<script>"},
        {"from": "article", "id": ""},
        {"from": "article", "id": "文章"},
        {"from": "article", "id": "12 3"},
    ],
)
def test_malformed_query_values_are_left_out(query: dict[str, str]) -> None:
    assert source_of(1058, query).key == "oa_article"


def test_malformed_qr_keys_and_inviters_fall_through() -> None:
    assert source_of(1047, {"scene": "a=1&b=2"}).key == "scan"
    assert source_of(1047, {"scene": "q" * 40}).key == "scan"
    assert source_of(1007, {"inviter": ""}).key == "chat_card"
    assert source_of(1007, {"inviter": "i" * 65}).key == "chat_card"


def test_a_source_key_is_bounded_and_safe_whatever_the_query() -> None:
    for value in ["x" * 10_000, "\u0000", "../../etc", "a" * 32, "%2F", "ok_1-2"]:
        for field in ("id", "type", "scene", "qrscene"):
            key = source_of(1058, {"from": "article", field: value}).key
            assert len(key) <= 64 and all(c.isascii() and (c.isalnum() or c in "_-:") for c in key)


def test_source_keys_parse_back() -> None:
    assert parse_source_key("oa_menu:home") == Source("oa_menu", "home")
    assert parse_source_key("direct") == Source("direct")
    for bad in ["", "nope", "oa_menu:", "oa_menu:a b", "oa_menu:" + "x" * 33, "labels", "OA_MENU"]:
        with pytest.raises(ValueError):
            parse_source_key(bad)


def test_labels_are_trimmed_and_bounded() -> None:
    assert clean_label("  公众号菜单·首页 ") == "公众号菜单·首页"
    assert clean_label("x" * 40) == "x" * 40
    for bad in ["", "   ", "x" * 41, "a\nb", "a\u0000b", "a\u202eb"]:
        with pytest.raises(ValueError):
            clean_label(bad)


def test_last_touch_credits_the_last_visit_within_24_hours() -> None:
    visit = NOW - LAST_TOUCH_WINDOW
    assert last_touch(visit, "oa_menu:home", NOW) == "oa_menu:home"
    assert last_touch(visit - timedelta(seconds=1), "oa_menu:home", NOW) == DIRECT
    assert last_touch(None, None, NOW) == DIRECT
    assert last_touch(NOW + timedelta(seconds=1), "scan", NOW) == DIRECT  # not before it


def test_conversion_is_a_payment_within_7_days_of_registering() -> None:
    assert converts(NOW, NOW)
    assert converts(NOW, NOW + CONVERSION_WINDOW)
    assert not converts(NOW, NOW + CONVERSION_WINDOW + timedelta(seconds=1))
    assert not converts(NOW, NOW - timedelta(seconds=1))


def test_source_labels_record_changes_only() -> None:
    labels = SourceLabels(at=NOW)
    assert labels.label("oa_menu:home", " 菜单首页 ", NOW)
    assert not labels.label("oa_menu:home", "菜单首页", NOW)
    assert labels.labels == {"oa_menu:home": "菜单首页"}
    with pytest.raises(ValueError):
        labels.label("bogus", "x", NOW)
    with pytest.raises(ValueError):
        labels.label("scan", "", NOW)


def test_source_labels_are_bounded() -> None:
    labels = SourceLabels(at=NOW)
    for n in range(MAX_LABELS):
        labels.label(f"qr:k{n}", "x", NOW)
    with pytest.raises(DomainError) as refused:
        labels.label("qr:one-more", "x", NOW)
    assert refused.value.code == "too_many_labels"
    assert labels.label("qr:k0", "renamed", NOW)  # an existing one can still change


def test_derived_figures() -> None:
    counts = dict.fromkeys(DAY_COUNTS, 0) | {
        "orders_paid": 3,
        "paid_fen": 1000,
        "late_paid_fen": 50,
        "refunded_fen": 300,
        "new_members": 3,
        "converted": 2,
    }
    figures = derived(counts)
    assert figures["gmv_fen"] == 1000 + 50 - 300
    assert figures["average_order_value_fen"] == 333  # rounded down
    assert figures["conversion"] == 0.6667
    empty = derived(dict.fromkeys(DAY_COUNTS, 0))
    assert (empty["average_order_value_fen"], empty["conversion"]) == (0, None)
    assert summed([{"visits": 2}, {"visits": 3, "payers": 1}], ["visits", "payers"]) == {
        "visits": 5,
        "payers": 1,
    }
    assert set(DAY_COUNTS) | set(DERIVED) <= set(DEFINITIONS)
