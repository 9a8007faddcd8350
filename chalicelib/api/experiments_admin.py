"""The operators' A/B tests (X-Admin-Token): define, start (or resume),
pause, stop, reweigh (while draft or paused), list, read one, and the results
(`?format=csv`: the arms as CSV rows, UTF-8 with a BOM)."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import body, choice_param, require_admin
from .responses import handles_errors, json_response

if TYPE_CHECKING:
    from ..domain.experiment import Experiment

bp = Blueprint(__name__)
FORMATS = ("json", "csv")
CSV_COLUMNS = (
    "variant",
    "control",
    "weight",
    "exposures",
    "conversions",
    "conversion_rate",
    "revenue_fen",
    "revenue_per_member_fen",
    "revenue_variance",
    "orders_paid",
    "paid_fen",
    "average_order_value_fen",
    "orders_refunded",
    "refunded_fen",
    "refund_rate",
    "share_exposures",
    "sharers",
    "share_rate",
    "conversion_difference",
    "conversion_relative_lift",
    "conversion_ci_low",
    "conversion_ci_high",
    "conversion_p_value",
    "revenue_difference_fen",
    "revenue_ci_low",
    "revenue_ci_high",
    "revenue_p_value",
    "chance_to_beat_control",
    "still_needed",
)


def summary(experiment: Experiment) -> dict[str, Any]:
    """The experiment as the command left it."""
    from ..projections.base import plain

    return {
        "key": experiment.key,
        "hypothesis": experiment.hypothesis,
        "status": str(experiment.status),
        "variants": [
            {
                "key": v.key,
                "weight": v.weight,
                "control": v.control,
                "payload": json.loads(v.payload_json),
                "welcome_coupon_templates": v.welcome_coupon_templates,
            }
            for v in experiment.variants
        ],
        "audience": plain(experiment.audience),
        "primary_metric": experiment.primary_metric,
        "conversion_window_days": experiment.conversion_window_days,
        "guardrails": experiment.guardrails,
        "minimum_detectable_effect": experiment.minimum_detectable_effect,
        "defined_at": plain(experiment.defined_at),
        "started_at": plain(experiment.started_at),
    }


def _audience_source(text: str) -> str:
    from ..application.errors import InvalidInput
    from ..domain.attribution import parse_source_key

    if not text:
        return ""
    try:
        return parse_source_key(text).key
    except ValueError as error:
        raise InvalidInput("audience.source", str(error)) from None


@bp.route("/admin/experiments", methods=["POST"])
@handles_errors
def define_experiment() -> Response:
    from ..domain.experiment import payload_json
    from ..domain.values import Audience, ExperimentVariant
    from .experiment_schemas import ExperimentIn

    require_admin(bp)
    e = body(bp, ExperimentIn)
    experiment = container().shop.experiments.define_experiment(
        key=e.key,
        hypothesis=e.hypothesis,
        variants=[
            ExperimentVariant(
                key=v.key,
                weight=v.weight,
                control=v.control,
                payload_json=payload_json(v.payload),
                welcome_coupon_templates=v.welcome_coupon_templates,
            )
            for v in e.variants
        ],
        audience=Audience(
            kind=e.audience.kind,
            traffic_percent=e.audience.traffic_percent,
            source=_audience_source(e.audience.source),
        ),
        primary_metric=e.primary_metric,
        conversion_window_days=e.conversion_window_days,
        guardrails=list(e.guardrails),
        minimum_detectable_effect=e.minimum_detectable_effect,
    )
    return json_response(summary(experiment), status=201)


@bp.route("/admin/experiments", methods=["GET"])
@handles_errors
def list_experiments() -> Response:
    require_admin(bp)
    found = container().shop.experiments.experiments()
    return json_response({"experiments": [summary(e) for e in found]})


@bp.route("/admin/experiments/{key}", methods=["GET"])
@handles_errors
def read_experiment(key: str) -> Response:
    require_admin(bp)
    return json_response(summary(container().shop.experiments.experiment(key)))


@bp.route("/admin/experiments/{key}/start", methods=["POST"])
@handles_errors
def start_experiment(key: str) -> Response:
    require_admin(bp)
    return json_response(summary(container().shop.experiments.start_experiment(key)))


@bp.route("/admin/experiments/{key}/pause", methods=["POST"])
@handles_errors
def pause_experiment(key: str) -> Response:
    require_admin(bp)
    return json_response(summary(container().shop.experiments.pause_experiment(key)))


@bp.route("/admin/experiments/{key}/stop", methods=["POST"])
@handles_errors
def stop_experiment(key: str) -> Response:
    require_admin(bp)
    return json_response(summary(container().shop.experiments.stop_experiment(key)))


@bp.route("/admin/experiments/{key}/weights", methods=["PUT"])
@handles_errors
def reweigh_experiment(key: str) -> Response:
    from .experiment_schemas import WeightsIn

    require_admin(bp)
    weights = body(bp, WeightsIn).weights
    return json_response(summary(container().shop.experiments.reweigh_experiment(key, weights)))


def _csv_row(row: dict[str, Any]) -> dict[str, Any]:
    tests = row.get("vs_control", {})
    conversion, revenue = tests.get("conversion", {}), tests.get("revenue_per_member", {})
    return {
        **row,
        "conversion_difference": conversion.get("difference"),
        "conversion_relative_lift": conversion.get("relative_lift"),
        "conversion_ci_low": conversion.get("ci_low"),
        "conversion_ci_high": conversion.get("ci_high"),
        "conversion_p_value": conversion.get("p_value"),
        "revenue_difference_fen": revenue.get("difference"),
        "revenue_ci_low": revenue.get("ci_low"),
        "revenue_ci_high": revenue.get("ci_high"),
        "revenue_p_value": revenue.get("p_value"),
    }


@bp.route("/admin/experiments/{key}/results", methods=["GET"])
@handles_errors
def results(key: str) -> Response:
    from ..domain.experiment_report import report
    from ..projections import experiments_queries

    require_admin(bp)
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    c = container()
    experiment = c.shop.experiments.experiment(key)
    c.follow_on.before_read("experiments")
    c.behaviour_follow_on.before_read()  # the share rate is projected from the behaviour log
    answer = report(experiment, experiments_queries.arms(c.views, experiment.key))
    if not csv_wanted:
        return json_response(answer)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in answer["variants"]:  # variant keys are slugs: no cell reads as a formula
        cells = _csv_row(row)
        writer.writerow(["" if cells.get(c) is None else cells[c] for c in CSV_COLUMNS])
    return Response(
        body="\ufeff" + out.getvalue(),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="experiment-{experiment.key}.csv"',
        },
    )
