"""The behaviour figures' rules, without I/O: a launch's source, what a search
counts as, the member an install's link names, and the share rate."""

from __future__ import annotations

from chalicelib.domain import behaviour_metrics as metrics


def test_a_launch_is_credited_by_the_visit_rules() -> None:
    article = {"scene": 1058, "query": {"from": "article", "id": "123"}, "path": "p"}
    assert metrics.launch_source(article).key == "oa_article:123"
    assert metrics.launch_source({"scene": 1035, "query": {"type": "home"}}).key == "oa_menu:home"
    assert metrics.launch_source({"scene": 1011, "query": {"qrscene": "shop_7"}}).key == "qr:shop_7"
    assert metrics.launch_source({"scene": 1007}).key == "chat_card"
    assert metrics.launch_source({}).key == "other"


def test_an_inviter_field_makes_a_launch_an_invitation() -> None:
    assert metrics.launch_source({"scene": 1007, "inviter": "AB12"}).key == "invite"
    assert metrics.launch_source({"scene": 1007, "query": {"inviter": "AB12"}}).key == "invite"


def test_a_search_counts_as_its_normalised_term() -> None:
    assert metrics.search_term("  Green   TEA ") == "green tea"
    assert metrics.search_term("ＧＲＥＥＮ\tTea") == "green tea"  # full-width letters, a tab
    assert metrics.search_term("绿茶") == "绿茶"
    assert metrics.search_term("x" * 100) == "x" * metrics.MAX_TERM
    assert metrics.search_term("   ") is None
    assert metrics.search_term(42) is None


def test_a_link_names_its_member() -> None:
    assert metrics.member_of_link({"member_id": "m-1"}) == "member:m-1"
    assert metrics.member_of_link({}) is None
    assert metrics.member_of_link({"member_id": ""}) is None


def test_the_share_rate_is_sharers_over_visitors() -> None:
    figures = metrics.with_rates({"visitors": 3, "sharers": 1, "launches": 5})
    assert figures["share_rate"] == 0.3333
    assert figures["launches"] == 5 and figures["searches"] == 0
    assert metrics.with_rates({})["share_rate"] is None
    assert metrics.rate(0, 0) is None and metrics.rate(2, 4) == 0.5


def test_every_figure_is_defined() -> None:
    for name in (*metrics.DAY_COUNTS, *metrics.DERIVED):
        assert metrics.DEFINITIONS[name]
    assert set(metrics.SOURCE_COUNTS) <= set(metrics.DAY_COUNTS)
    assert set(metrics.UNIQUE.values()) <= set(metrics.DAY_COUNTS)
