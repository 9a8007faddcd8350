"""The footprints projection over the behaviour log, on both runtimes: each
product once at its latest view (views reported out of order keep the latest),
at most MAX_FOOTPRINTS per member, only a member's own views, and a rebuild
equal to the incremental view."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from chalicelib.domain.behaviour import install_subject, member_subject
from chalicelib.projections import footprints_queries
from chalicelib.projections.footprints import MAX_FOOTPRINTS
from tests.support.runtimes import Running

INSTALL = "install-cccc3333"


def test_footprints_keep_the_latest_view_of_each_product_and_rebuild_the_same(
    running: Running,
) -> None:
    c = running.container
    member = uuid4()
    now = c.clock.now()
    tea, cup = str(uuid4()), str(uuid4())

    def view(client_id: str, product_id: str, minutes_ago: int) -> dict[str, str]:
        at = now - timedelta(minutes=minutes_ago)
        return {
            "id": client_id,
            "kind": "product_view",
            "at": at.isoformat(),
            "product_id": product_id,
        }

    c.tracking.track(member_subject(member), [view("v1", tea, 10), view("v2", cup, 20)])
    c.tracking.track(member_subject(member), [view("v3", tea, 30)])  # older, arriving late
    c.tracking.track(install_subject(INSTALL), [view("i1", cup, 1)])  # not the member's
    many = [view(f"m{n}", str(uuid4()), 40 + n) for n in range(MAX_FOOTPRINTS)]
    c.tracking.track(member_subject(member), many)
    running.settle()

    page = footprints_queries.page(c.views, str(member), None, 3)
    assert [product_id for product_id, _ in page.entries] == [tea, cup, many[0]["product_id"]]
    everything = footprints_queries.page(c.views, str(member), None, 1000)
    assert len(everything.entries) == MAX_FOOTPRINTS and everything.next_after is None
    assert everything.entries[-1][0] == many[-3]["product_id"]  # the two oldest went

    before = c.views.dump("footprints")
    result = c.behaviour_runner.rebuild("footprints")
    assert result.complete and result.switched == ["footprints"]
    assert c.views.dump("footprints") == before
