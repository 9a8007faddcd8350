"""The kinds of timer the time-driven jobs ask for, by name.

The projections that keep the timers (projections/order_timers.py, points.py,
members.py, campaign_docs.py, campaign_teams.py), the answer to "what may be
due now?" (projections/due.py) and the jobs (application/jobs.py) meet here.
The values are stored: each is the group (and for some, the view) the timers
are filed under, so a value never changes.
"""

from __future__ import annotations

from enum import StrEnum


class TimerKind(StrEnum):
    UNPAID = "unpaid"
    """An order awaiting payment, due at its payment deadline."""
    AUTO_RECEIVE = "auto_receive"
    """A shipped order, due the policy's auto-receive delay after shipping."""
    COMPLETE = "complete"
    """A received (or picked-up) order, due when its after-sales window closes."""
    POINTS_EXPIRY = "points_expiry"
    """A points lot with points left, due at its expiry."""
    LEVEL_REVIEW = "level_review"
    """A paid order's spend, due when it leaves the member's level window."""
    BIRTHDAY = "birthday"
    """A member whose birthday (Beijing day) is today."""
    CAMPAIGN_END = "campaign_end"
    """A campaign, due when its window closes."""
    TEAM_EXPIRY = "team_expiry"
    """A forming group-buy team, due at its deadline."""
