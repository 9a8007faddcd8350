"""Which campaign a behaviour event names, and what a campaign's visits are
counted as: the rules of the campaign_visits projection (the counting itself
is projections/campaign_visits.py). Pure: no storage, no clock.

A **visit** to a campaign is a `launch` or a `page_view` whose page names it:
- its query (the event's `query` object, or the `?…` part of its `path`)
  holds `campaign=<code>`, on any page (a group-buy team page, a bargain page,
  a product page opened from the campaign: the mini-program adds it to the
  paths it opens and shares); or
- it is the campaign page itself, `pages/campaigns/detail?code=<code>` (the
  page the campaign_starting message opens).

A **share** of a campaign is a `share` event whose `path` names it the same way
(the shared path with its query: `pages/group-buy/team?id=…&campaign=tuan`).

A code is a campaign code's shape (`[a-z0-9][a-z0-9_-]{0,39}`); anything else
names no campaign. The behaviour log does not know which campaigns exist, so
an unknown code is counted too, and the admin answer of an unknown campaign is
a 404 all the same."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import parse_qsl

CAMPAIGN_PAGE: Final = "pages/campaigns/detail"
"""The campaign page; its query's `code` names the campaign."""
CAMPAIGN_KEY: Final = "campaign"
"""The query key that names a campaign on any page."""
CODE: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")

VISITED: Final = ("launch", "page_view")
SHARED: Final = "share"

VISIT_COUNTS: Final = ("visits", "visitors", "sharers")
"""What the projection counts per campaign and Beijing day."""
VISIT_DERIVED: Final = ("visitor_to_payer",)

DEFINITIONS: Mapping[str, str] = {
    "visits": (
        "Launches and page views that day whose page names the campaign: query "
        "`campaign=<code>` on any page, or the campaign page pages/campaigns/detail?code=<code>."
    ),
    "visitors": (
        "Members or installs whose first visit to the campaign fell that day (each counts "
        "once per campaign, like participants; an install linked to a member at login is "
        "that member, counted on the earlier of their first visits). Totals are the "
        "distinct visitors whose first visit fell in the range."
    ),
    "sharers": (
        "Members or installs whose first share of a page naming the campaign (its path's "
        "query) fell that day, each once per campaign."
    ),
    "visitor_to_payer": (
        "payers / visitors, to 4 decimals (null without visitors): of the day's (the "
        "range's) new visitors, how many first payers the campaign had."
    ),
}


def _query_of(path: str) -> dict[str, str]:
    return dict(parse_qsl(path.partition("?")[2], keep_blank_values=False))


def _page_of(path: str) -> str:
    return path.partition("?")[0].lstrip("/")


def _named(path: str, query: Mapping[str, str]) -> str | None:
    code = query.get(CAMPAIGN_KEY)
    if code is None and _page_of(path) == CAMPAIGN_PAGE:
        code = query.get("code")
    return code if isinstance(code, str) and CODE.fullmatch(code) else None


def campaign_of(kind: str, fields: Mapping[str, Any]) -> str | None:
    """The campaign code a launch, page view or share names, else None."""
    if kind not in (*VISITED, SHARED):
        return None
    path = fields.get("path")
    path = path if isinstance(path, str) else ""
    query = _query_of(path)
    sent = fields.get("query") if kind in VISITED else None
    if isinstance(sent, Mapping):
        query |= {str(k): v for k, v in sent.items() if isinstance(v, str)}
    return _named(path, query)


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def visit_figures(counts: Mapping[str, Any], payers: int) -> dict[str, Any]:
    """A campaign day's (or range's) visit counts (0 where absent) and the
    visitor-to-payer conversion with the campaign's payers of that day (range)."""
    figures: dict[str, Any] = {name: int(counts.get(name, 0)) for name in VISIT_COUNTS}
    figures["visitor_to_payer"] = rate(payers, figures["visitors"])
    return figures
