"""Which behaviour events name a campaign, without I/O: the query's
`campaign` on any page, the campaign page's `code`, a share's path; codes of
the wrong shape and other kinds name none; and the visitor-to-payer rate."""

from __future__ import annotations

from chalicelib.domain.campaign_visits import campaign_of, visit_figures


def test_a_page_names_a_campaign_by_its_query_or_the_campaign_page() -> None:
    team = {"path": "pages/group-buy/team", "query": {"id": "t1", "campaign": "tuan"}}
    assert campaign_of("launch", team) == "tuan"
    assert campaign_of("page_view", team) == "tuan"
    page = {"path": "pages/campaigns/detail", "query": {"code": "double11"}}
    assert campaign_of("page_view", page) == "double11"
    assert campaign_of("launch", {"path": "/pages/campaigns/detail?code=double11"}) == "double11"
    assert campaign_of("page_view", {"path": "pages/bargain/index?id=b1&campaign=kan"}) == "kan"
    assert campaign_of("page_view", {"path": "pages/index/index", "query": {"code": "x"}}) is None


def test_a_share_names_a_campaign_by_its_path() -> None:
    shared = {"path": "pages/group-buy/team?id=t1&campaign=tuan", "channel": "chat"}
    assert campaign_of("share", shared) == "tuan"
    assert campaign_of("share", {"path": "pages/campaigns/detail?code=tuan"}) == "tuan"
    assert campaign_of("share", {"path": "pages/index/index", "channel": "chat"}) is None


def test_other_kinds_and_other_shapes_name_none() -> None:
    named = {"path": "p", "query": {"campaign": "tuan"}}
    assert campaign_of("product_view", named) is None
    assert campaign_of("checkout_view", named) is None
    for code in ("Tuan", "-tuan", "a" * 41, "tuan 1", "", "团购"):
        assert campaign_of("launch", {"path": "p", "query": {"campaign": code}}) is None
    assert campaign_of("launch", {"path": "p", "query": {"campaign": 7}}) is None
    assert campaign_of("launch", {"query": {"campaign": "tuan"}}) == "tuan"


def test_visitor_to_payer_is_payers_over_visitors() -> None:
    assert visit_figures({"visits": 5, "visitors": 3, "sharers": 1}, payers=2) == {
        "visits": 5,
        "visitors": 3,
        "sharers": 1,
        "visitor_to_payer": 0.6667,
    }
    assert visit_figures({}, payers=1)["visitor_to_payer"] is None
