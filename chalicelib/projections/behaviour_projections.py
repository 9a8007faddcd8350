"""The projections over the behaviour log (application/behaviour_log.py), kept
apart from `all_projections()`, which read the order log: each log has its own
total order and its own runner, so behaviour volume slows neither commands nor
the rebuild of the shop's other read models. Their events are
`BehaviourEvent.Recorded`: what the mini-program reported (POST /track) and
the facts the server records there (`install_linked`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Projection


def behaviour_projections() -> list[Projection]:
    """Every projection of the behaviour log; imported when built, like
    `all_projections()`."""
    from .behaviour_metrics import BehaviourMetricsProjection
    from .campaign_visits import CampaignVisitsProjection
    from .experiment_shares import ExperimentSharesProjection
    from .follow_conversion import FollowConversionProjection
    from .footprints import FootprintsProjection
    from .funnel import FunnelProjection

    return [
        BehaviourMetricsProjection(),
        FunnelProjection(),
        ExperimentSharesProjection(),
        FollowConversionProjection(),
        FootprintsProjection(),
        CampaignVisitsProjection(),
    ]
