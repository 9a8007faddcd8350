"""Operators name traffic sources; the analytics answers show the names."""

from __future__ import annotations

from ..domain.attribution import clean_label, parse_source_key
from ..domain.source_labels import SOURCE_LABELS_ID, SourceLabels
from .errors import InvalidInput
from .store import EventStore, retry_on_conflict


class SourceLabelUseCases:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    @retry_on_conflict
    def label_source(self, source: str, label: str) -> tuple[str, str]:
        """Sets a source's label; returns (source key, label) as stored.
        InvalidInput names the field that is wrong."""
        try:
            key = parse_source_key(source).key
        except ValueError as error:
            raise InvalidInput("source", str(error)) from None
        try:
            text = clean_label(label)
        except ValueError as error:
            raise InvalidInput("label", str(error)) from None
        now = self.store.clock.now()
        labels = self.store.find(SourceLabels, SOURCE_LABELS_ID) or SourceLabels(at=now)
        labels.label(key, text, now)
        self.store.save(labels)
        return key, text
