"""Every order-log projection declares whether a command's request catches it
up (read-your-writes) or the background does (projections/lanes.py)."""

from __future__ import annotations

from chalicelib.projections import all_projections, lanes


def test_every_projection_is_declared_in_exactly_one_lane() -> None:
    names = [p.name for p in all_projections()]
    undeclared = set(names) - set(lanes.READ_YOUR_WRITES) - set(lanes.IN_BACKGROUND)
    assert not undeclared, f"declare {sorted(undeclared)} in projections/lanes.py"
    assert not set(lanes.READ_YOUR_WRITES) & set(lanes.IN_BACKGROUND)
    assert set(lanes.READ_YOUR_WRITES) | set(lanes.IN_BACKGROUND) == set(names)
    assert all(
        reason.strip() for reason in {**lanes.READ_YOUR_WRITES, **lanes.IN_BACKGROUND}.values()
    )


def test_the_lanes_split_the_projections_and_an_undeclared_one_runs_in_the_request() -> None:
    names = [p.name for p in all_projections()] + ["a_new_one"]
    request, background = lanes.in_request(names), lanes.in_background(names)
    assert sorted(request + background) == sorted(names)
    assert "a_new_one" in request
    assert "order_status" in request and "analytics" in background
