"""A rebuilt view equals the incrementally built one, and sends nothing again."""

from __future__ import annotations

from chalicelib.bootstrap import Container
from chalicelib.domain.values import Address, Delivery
from chalicelib.projections.runner import ReadModelRunner, RebuildResult

from .conftest import list_tea

HOME = Delivery(method="express")
ADDRESS = Address("王五", "13700000000", "上海", "上海", "徐汇", "1")


def make_history(c: Container) -> None:
    list_tea(c, 50)
    shop = c.shop
    members = [
        shop.logins.log_in(openid=f"o{i}", unionid=None, scene=1001, query={})[0] for i in range(4)
    ]
    for i, member in enumerate(members * 3):
        order_id = shop.orders.place_order(
            member_id=member, items=[("TEA", 1 + i % 3)], delivery=HOME, address=ADDRESS
        )
        order = shop.orders.order(order_id)
        if i % 4 == 0:
            shop.orders.cancel_order(order_id, member_id=member, reason="changed my mind")
            continue
        shop.payments.record_payment(
            out_trade_no=order_id.hex,
            transaction_id=f"t{i}",
            amount_fen=order.price.payable_fen,
            paid_at=c.clock.now(),
        )
        if i % 4 == 1:
            shop.orders.request_refund(order_id, member_id=member, reason="no longer needed")
            shop.orders.approve_refund(order_id)
        elif i % 4 == 2:
            shop.orders.ship_order(order_id, carrier="SF", tracking_no=f"SF{i}")
            c.clock.advance(days=8)
            c.scheduler.tick()
        c.clock.advance(minutes=5)
    c.clock.advance(days=30)
    c.scheduler.tick()
    c.follow_on.settle()  # the sends woken in the background have run and been projected


def test_rebuilt_views_equal_incremental_ones(container: Container) -> None:
    make_history(container)
    runner = container.runner
    before = {name: container.views.dump(name) for name in runner.projections}
    outbox_before = container.outbox.messages()
    refunds = [m for m in outbox_before if m["kind"] == "wechatpay.refund"]
    assert len(refunds) == 3  # three approved refunds (no WeChat here: still pending)
    assert sum(1 for views in before.values() if views) >= 7

    result = runner.rebuild()  # every projection, in one pass over the log
    assert result == RebuildResult(runner.log_length(), True, list(runner.projections), [])
    assert {container.views.generation(name) for name in runner.projections} == {2}
    after = {name: container.views.dump(name) for name in runner.projections}
    assert after == before
    assert container.outbox.messages() == outbox_before
    container.scheduler.tick()
    assert container.outbox.messages() == outbox_before

    assert runner.rebuild("order_status").events == runner.log_length()  # one, by name
    assert container.views.generation("order_status") == 3
    assert container.views.dump("order_status") == before["order_status"]


def test_rebuild_keeps_serving_the_old_view_until_it_switches(container: Container) -> None:
    make_history(container)
    runner = container.runner
    seen: list[int] = []

    def progress(n: int) -> None:
        seen.append(container.views.generation("order_status"))

    runner.rebuild(["order_status", "members"], progress=progress)
    assert seen and set(seen) == {1}
    assert container.views.generation("order_status") == 2
    assert container.views.generation("members") == 2
    assert container.views.generation("catalogue") == 1


def test_a_rebuild_reads_pages_of_its_own_size_and_equals_the_catch_up(
    container: Container,
) -> None:
    make_history(container)
    assert container.runner.rebuild_batch_size == container.settings.projection_rebuild_batch_size
    projections = list(container.runner.projections.values())
    runner = ReadModelRunner(
        container.store, container.views, projections, batch_size=5, rebuild_batch_size=40
    )
    before = {name: container.views.dump(name) for name in runner.projections}
    pages: list[int] = []
    result = runner.rebuild(progress=pages.append)
    assert result.complete and result.events == runner.log_length() > 80
    assert pages[:-1] == [40] * (len(pages) - 1) and 0 < pages[-1] <= 40
    assert {name: container.views.dump(name) for name in runner.projections} == before
