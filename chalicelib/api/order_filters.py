"""The operators' order search from query parameters: `status` (repeated or
comma-separated), `from`/`to` (Beijing days of placement, inclusive),
`member`, `order` (ids) and `campaign` (a code). Each bad value is a 400
naming its parameter."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Protocol
from uuid import UUID

from ..application.errors import InvalidInput
from ..domain.calendar import start_of_beijing_day
from ..domain.ids import campaign_id_for
from ..domain.order import OrderStatus
from ..projections.order_search import OrderSearch
from .loyalty_schemas import CODE
from .schemas import plausible_day

STATUSES = tuple(OrderStatus)


class Params(Protocol):
    """Query parameters as Chalice gives them (a MultiDict: getlist raises
    KeyError for a name not given)."""

    def __contains__(self, k: object) -> bool: ...

    def getlist(self, k: Any) -> list[Any]: ...


def admin_search(params: Params | None) -> OrderSearch:
    start, end = _day(params, "from"), _day(params, "to")
    if start is not None and end is not None and start > end:
        raise InvalidInput("from", "a day on or before `to`")
    campaign = _one(params, "campaign")
    if campaign is not None and not re.fullmatch(CODE, campaign):
        raise InvalidInput("campaign", "a campaign code (a-z, 0-9, _ and -, up to 40)")
    return OrderSearch(
        statuses=statuses(params),
        placed_from=None if start is None else start_of_beijing_day(start),
        placed_before=None if end is None else start_of_beijing_day(end + timedelta(days=1)),
        member_id=_id(params, "member"),
        order_id=_id(params, "order"),
        campaign_id=None if campaign is None else str(campaign_id_for(campaign)),
    )


def statuses(params: Params | None) -> tuple[str, ...]:
    """Every `status` given, each repeated parameter split at commas."""
    given = [part.strip() for value in _all(params, "status") for part in str(value).split(",")]
    for status in given:
        if status not in STATUSES:
            raise InvalidInput("status", f"each one of {', '.join(STATUSES)}")
    return tuple(dict.fromkeys(given))


def _all(params: Params | None, name: str) -> list[Any]:
    return params.getlist(name) if params is not None and name in params else []


def _one(params: Params | None, name: str) -> str | None:
    values = _all(params, name)
    if len(values) > 1:
        raise InvalidInput(name, "given once")
    return str(values[0]) if values else None


def _id(params: Params | None, name: str) -> str | None:
    text = _one(params, name)
    if text is None:
        return None
    try:
        return str(UUID(text))
    except ValueError:
        raise InvalidInput(name, f"a {name} id (a UUID)") from None


def _day(params: Params | None, name: str) -> date | None:
    text = _one(params, name)
    if text is None:
        return None
    try:
        return plausible_day(text)
    except ValueError as error:
        raise InvalidInput(name, str(error)) from None
