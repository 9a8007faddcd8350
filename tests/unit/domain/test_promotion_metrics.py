"""Promotion figures without I/O: a campaign's GMV, average order value and
payer rate; a coupon template's use rate and discount per order; and the
per-kind (满减 vs 折扣) summary, every kind shown even without templates."""

from __future__ import annotations

from chalicelib.domain.promotion_metrics import (
    CAMPAIGN_COUNTS,
    COUPON_COUNTS,
    DEFINITIONS,
    by_kind,
    campaign_figures,
    coupon_figures,
    kind_label,
    source_figures,
)


def test_a_campaigns_gmv_is_money_in_minus_money_out() -> None:
    figures = campaign_figures(
        {
            "participants": 4,
            "payers": 3,
            "orders_paid": 3,
            "paid_fen": 2970,
            "late_paid_fen": 990,
            "refunded_fen": 1980,
        }
    )
    assert figures["gmv_fen"] == 2970 + 990 - 1980
    assert figures["average_order_value_fen"] == 990
    assert figures["payer_rate"] == 0.75
    assert set(CAMPAIGN_COUNTS) <= set(figures)
    assert figures["orders_placed"] == 0  # absent counts are zeros


def test_nothing_counted_divides_by_nothing() -> None:
    figures = campaign_figures({})
    assert (figures["gmv_fen"], figures["average_order_value_fen"]) == (0, 0)
    assert figures["payer_rate"] is None
    coupon = coupon_figures({})
    assert (coupon["use_rate"], coupon["discount_per_order_fen"]) == (None, 0)


def test_average_and_discount_per_order_round_down_to_the_fen() -> None:
    figures = coupon_figures(
        {"issued": 3, "used": 2, "orders_paid": 3, "paid_fen": 1000, "discount_fen": 500}
    )
    assert figures["average_order_value_fen"] == 333
    assert figures["discount_per_order_fen"] == 166
    assert figures["use_rate"] == 0.6667
    assert set(COUPON_COUNTS) <= set(figures)
    assert source_figures({"orders_paid": 1, "paid_fen": 5, "refunded_fen": 5})["gmv_fen"] == 0


def test_templates_sum_per_kind_with_every_kind_shown() -> None:
    templates = [
        {"kind": "threshold", "issued": 2, "used": 1, "orders_paid": 1, "paid_fen": 4000},
        {"kind": "threshold", "issued": 1, "used": 1, "orders_paid": 1, "paid_fen": 6000},
        {"kind": "discount", "issued": 4, "used": 1, "orders_paid": 1, "discount_fen": 700},
    ]
    kinds = {row["kind"]: row for row in by_kind(templates)}
    assert list(kinds) == ["threshold", "discount", "no_threshold"]
    assert (kinds["threshold"]["templates"], kinds["threshold"]["issued"]) == (2, 3)
    assert kinds["threshold"]["average_order_value_fen"] == 5000
    assert kinds["threshold"]["kind_label"] == "满减"
    assert (kinds["discount"]["use_rate"], kinds["discount"]["discount_fen"]) == (0.25, 700)
    assert kinds["no_threshold"]["templates"] == 0
    assert kinds["no_threshold"]["use_rate"] is None


def test_kinds_are_named_as_operators_name_them_and_every_figure_is_defined() -> None:
    assert [kind_label(k) for k in ("threshold", "discount", "no_threshold")] == [
        "满减",
        "折扣",
        "无门槛",
    ]
    assert kind_label("future_kind") == "future_kind"
    figures = {*campaign_figures({}), *coupon_figures({})}
    assert figures <= set(DEFINITIONS)
