"""The members projection finds a member from the mini-program openid, whatever the
member id was derived from, and only while the account is open."""

from __future__ import annotations

from chalicelib.bootstrap import Container
from chalicelib.projections.members import member_for_openid


def test_the_openid_leads_to_the_member_registered_by_unionid(container: Container) -> None:
    shop = container.shop
    by_unionid, _ = shop.logins.log_in(openid="o-alice", unionid="u-alice", scene=None, query={})
    by_openid, _ = shop.logins.log_in(openid="o-bob", unionid=None, scene=None, query={})
    assert member_for_openid(container.views, "o-alice") == by_unionid
    assert member_for_openid(container.views, "o-bob") == by_openid
    assert member_for_openid(container.views, "o-nobody") is None
    assert member_for_openid(container.views, "") is None


def test_closing_the_account_purges_the_entry_and_rejoining_restores_it(
    container: Container,
) -> None:
    shop = container.shop
    member_id, _ = shop.logins.log_in(openid="o-carol", unionid="u-carol", scene=None, query={})
    shop.members.close_account(member_id)
    assert member_for_openid(container.views, "o-carol") is None
    assert "by_openid/o-carol" not in container.views.dump("members")
    rejoined, registered = shop.logins.log_in(
        openid="o-carol", unionid="u-carol", scene=None, query={}
    )
    assert registered and rejoined != member_id  # a new member after 注销
    assert member_for_openid(container.views, "o-carol") == rejoined
    runner = container.runner
    before = container.views.dump("members")
    runner.rebuild("members")
    assert container.views.dump("members") == before
