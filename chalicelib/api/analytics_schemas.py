"""The bodies of the analytics routes: the mini-program's POST /track and the
operators' traffic-source labels."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..domain.behaviour import INSTALL_ID_PATTERN, MAX_ITEMS
from .schemas import Strict


class TrackIn(Strict):
    events: list[Any] = Field(min_length=1, max_length=MAX_ITEMS)
    install_id: str | None = Field(default=None, pattern=INSTALL_ID_PATTERN)
    """Who reports before login (8–64 of A-Z a-z 0-9 _ -); ignored with a session."""


class LabelIn(Strict):
    label: str = Field(min_length=1, max_length=200)
    """Checked again, trimmed, by the domain: 1-40 characters."""
