"""Registers the domain's value objects with the event store's JSON transcoder."""

from __future__ import annotations

import dataclasses
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding


class DataclassAsDict(Transcoding):
    """Stores a frozen dataclass as a dict of its fields (nested values are
    transcoded on their own), and rebuilds it on the way back."""

    def __init__(self, cls: type) -> None:
        self.type = cls
        self.name = cls.__name__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


def register_value_types(transcoder: JSONTranscoder, types: tuple[type, ...]) -> None:
    for cls in types:
        transcoder.register(DataclassAsDict(cls))
