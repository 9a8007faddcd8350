"""Request bodies of the notification endpoints: what the member accepted in
wx.requestSubscribeMessage, and which message categories they opt out of."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .schemas import Strict

SubscribeOutcome = Literal["accept", "reject", "ban", "filter"]
OptionalCategory = Literal["reminder", "marketing", "follow_prompt"]


class SubscribeResultsIn(Strict):
    """`results` is the success result of wx.requestSubscribeMessage without its
    errMsg: template id -> accept | reject | ban | filter."""

    results: dict[str, SubscribeOutcome] = Field(min_length=1, max_length=20)

    @field_validator("results")
    @classmethod
    def _template_ids(cls, value: dict[str, str]) -> dict[str, str]:
        for template_id in value:
            if not 1 <= len(template_id) <= 128 or not template_id.isprintable():
                raise ValueError("template ids are 1-128 printable characters")
        return value


class PreferencesIn(Strict):
    """The categories to stay silent on, on both channels; order and group-buy
    messages (transactional) always go."""

    opted_out: list[OptionalCategory] = Field(max_length=3)
