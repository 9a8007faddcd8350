"""The operators' names for traffic sources ("公众号菜单·首页" rather than
oa_menu:home): one aggregate for the shop, one event per change."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .attribution import clean_label, parse_source_key
from .errors import DomainError
from .ids import NAMESPACE

SOURCE_LABELS_ID = uuid5(NAMESPACE, "source-labels")
MAX_LABELS = 1000


class TooManyLabels(DomainError):
    code = "too_many_labels"


class SourceLabels(Aggregate):
    @staticmethod
    def create_id() -> UUID:
        return SOURCE_LABELS_ID

    class Started(Aggregate.Created):
        at: datetime

    @event(Started)
    def __init__(self, at: datetime) -> None:
        self.labels: dict[str, str] = {}

    def label(self, source: str, label: str, at: datetime) -> bool:
        """Names a source (a key as attribution.Source writes it); ValueError
        for a bad key or label, DomainError past MAX_LABELS sources. Returns
        False (no event) when the source already has that label."""
        key = parse_source_key(source).key
        text = clean_label(label)
        if self.labels.get(key) == text:
            return False
        if key not in self.labels and len(self.labels) >= MAX_LABELS:
            raise TooManyLabels(f"at most {MAX_LABELS} sources can be labelled", limit=MAX_LABELS)
        self._labelled(source=key, label=text, at=at)
        return True

    class Labelled(Aggregate.Event):
        source: str
        label: str
        at: datetime

    @event(Labelled)
    def _labelled(self, source: str, label: str, at: datetime) -> None:
        self.labels[source] = label
