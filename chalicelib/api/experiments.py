"""The member's arms of running A/B tests (session token): `GET
/experiments?keys=a,b` answers each named experiment's variant and payload,
and records the member's first exposure to each (once, however many calls
race). Outside the audience or share, or when the experiment is not
running: the control's payload, `in_experiment: false`, nothing recorded."""

from __future__ import annotations

import json
import re

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import current_member, query_param
from .responses import handles_errors, json_response

bp = Blueprint(__name__)
MAX_KEYS = 20
KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def _keys() -> list[str]:
    from ..application.errors import InvalidInput

    text = query_param(bp, "keys") or ""
    keys = list(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
    if not keys or len(keys) > MAX_KEYS or not all(KEY.fullmatch(k) for k in keys):
        raise InvalidInput("keys", f"1 to {MAX_KEYS} experiment keys, comma-separated")
    return keys


@bp.route("/experiments", methods=["GET"])
@handles_errors
def my_variants() -> Response:
    from ..projections import experiments_queries

    member_id = current_member(bp)
    keys = _keys()
    c = container()

    def source() -> str | None:  # asked only by an experiment targeting a source
        c.follow_on.before_read("analytics")  # the registration just committed
        return experiments_queries.acquisition_source(c.views, member_id)

    answers, unknown = c.shop.experiments.variants_for(member_id, keys, source=source)
    return json_response(
        {
            "experiments": {
                a.experiment: {
                    "variant": a.variant.key,
                    "payload": json.loads(a.variant.payload_json),
                    "in_experiment": a.in_experiment,
                }
                for a in answers
            },
            "unknown": unknown,
        }
    )
