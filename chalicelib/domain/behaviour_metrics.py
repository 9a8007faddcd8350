"""What the mini-program's behaviour is counted as, per Beijing day (and per day
and source): the figures the behaviour_metrics projection counts from the
behaviour log, their definitions, who a behaviour event is counted for, and
the derived rates. Pure: no storage, no clock.

Who: a member's events count for the member; an install's events count for the
install until the log records its `install_linked` event, and for the member
from then on. At the link, what the install counted that day (and on the days
before) joins the member: a visitor seen as the install and then as the member
on the same day is one visitor, so a figure the member had counted too on such
a day goes down by one.

Where from: a launch's source follows domain/attribution.py from its scene, its
query and its inviter. A product view, checkout view or share is credited to
the source of the subject's latest launch before it in the log, else to
"direct"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from .attribution import Source, source_of

LAUNCH = "launch"
PAGE_VIEW = "page_view"
PRODUCT_VIEW = "product_view"
SEARCH = "search"
SHARE = "share"
CHECKOUT_VIEW = "checkout_view"

UNIQUE = {
    LAUNCH: "visitors",
    PRODUCT_VIEW: "product_viewers",
    CHECKOUT_VIEW: "checkout_viewers",
    SHARE: "sharers",
}
"""The kinds counted once per subject and day, and the figure each makes."""

DAY_COUNTS = (
    "launches",
    "visitors",
    "product_viewers",
    "checkout_viewers",
    "sharers",
    "searches",
)
SOURCE_COUNTS = ("launches", "visitors", "product_viewers", "checkout_viewers", "sharers")
DERIVED = ("share_rate",)

MAX_TERMS_PER_DAY = 200
"""Distinct search terms kept per day; later new terms that day count under OTHER_TERMS."""
OTHER_TERMS = "(other)"
MAX_TERM = 40
"""A normalised search term keeps at most this many characters."""
_SPACES = re.compile(r"\s+")

DEFINITIONS: Mapping[str, str] = {
    "launches": (
        "Launches of the mini-program reported that day (each a visit from the mini-program)."
    ),
    "visitors": (
        "Members or installs that launched the mini-program that day, each once a day (an "
        "install linked to a member at login counts as that member from the link on, and "
        "the same day's install and member count once)."
    ),
    "product_viewers": "Visitors who viewed at least one product page that day, each once.",
    "checkout_viewers": "Visitors who opened the checkout page that day, each once.",
    "sharers": "Visitors who shared a page (chat, moments or poster) that day, each once.",
    "searches": "Searches made that day.",
    "share_rate": "sharers / visitors of the day, to 4 decimals (null without visitors).",
    "behaviour_totals": (
        "Totals of visitors, product_viewers, checkout_viewers and sharers are sums of the "
        "days' unique counts (visitor-days); share_rate there is the summed sharers over "
        "the summed visitors."
    ),
    "behaviour_source": (
        "A launch counts under its own source (scene, query and inviter, the visit rules); "
        "product views, checkout views and shares under the source of the visitor's latest "
        "launch before them, else 'direct'."
    ),
    "hot_searches": (
        "The range's most searched terms (trimmed, spaces collapsed, case-folded, NFKC, at "
        f"most {MAX_TERM} characters) with their counts; past {MAX_TERMS_PER_DAY} distinct "
        f"terms a day, new terms of that day count as '{OTHER_TERMS}'."
    ),
}


def launch_source(fields: Mapping[str, Any]) -> Source:
    """The source of a launch from its recorded fields (scene, query, inviter)."""
    query = {str(k): v for k, v in dict(fields.get("query") or {}).items() if isinstance(v, str)}
    inviter = fields.get("inviter")
    if isinstance(inviter, str) and "inviter" not in query:
        query["inviter"] = inviter
    scene = fields.get("scene")
    return source_of(scene if isinstance(scene, int) else None, query)


def search_term(text: object) -> str | None:
    """The term a search text counts as, or None if nothing is left of it."""
    if not isinstance(text, str):
        return None
    term = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()
    return term[:MAX_TERM] or None


def member_of_link(fields: Mapping[str, Any]) -> str | None:
    """The member subject an `install_linked` event names, or None."""
    member_id = fields.get("member_id")
    return f"member:{member_id}" if isinstance(member_id, str) and member_id else None


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def with_rates(counts: Mapping[str, int]) -> dict[str, Any]:
    """The counted figures (0 where absent) and the share rate."""
    figures: dict[str, Any] = {name: int(counts.get(name, 0)) for name in DAY_COUNTS}
    figures["share_rate"] = rate(figures["sharers"], figures["visitors"])
    return figures
