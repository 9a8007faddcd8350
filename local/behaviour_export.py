"""`manage.py export-behaviour --from DAY --to DAY`: the behaviour log's events
whose Beijing day (of `at`) falls in the range, as CSV on stdout, in log order,
for loading into a SQL engine (README, "Exporting the logs for SQL at scale").

The log is read a page at a time from its start (it is ordered by arrival, not
by `at`), so an export reads the whole log once: a local tool, not a query.
Subjects are pseudonymous (`member:<uuid>`, `install:<id>`); the fields are
what the mini-program reported (a page's query, a search's text) and the
server's mirrored facts, never a name, an openid or a phone. The CSV is for a
database's loader, not for Excel: UTF-8 without a BOM, cells as stored (no
formula prefix), `fields` as JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, date
from typing import TextIO

from chalicelib.application.behaviour_log import BehaviourLog, LoggedBehaviour
from chalicelib.domain.calendar import beijing_date

COLUMNS = (
    "position",
    "day",
    "subject",
    "client_id",
    "kind",
    "at",
    "client_at",
    "received_at",
    "fields",
)
PAGE = 500


def parse_day(name: str, text: str) -> date:
    """A `YYYY-MM-DD` argument, or a one-line SystemExit naming it."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"--{name}: a day as YYYY-MM-DD, not {text!r}") from None


def _logged(log: BehaviourLog) -> Iterator[LoggedBehaviour]:
    start = 1
    while True:
        page = log.select(start, PAGE)
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].notification_id + 1


def _row(event: LoggedBehaviour) -> list[str]:
    values = (
        event.notification_id,
        beijing_date(event.at).isoformat(),
        event.subject,
        event.client_id,
        event.kind,
        event.at.astimezone(UTC).isoformat(),
        event.client_at,
        event.received_at.astimezone(UTC).isoformat(),
        json.dumps(event.fields, ensure_ascii=False, sort_keys=True),
    )
    return [str(value) for value in values]


def export(log: BehaviourLog, start: date, end: date, out: TextIO) -> int:
    """Writes the header and the range's events; answers how many."""
    if start > end:
        raise SystemExit("--from: a day on or before --to")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    written = 0
    for event in _logged(log):
        if start <= beijing_date(event.at) <= end:
            writer.writerow(_row(event))
            written += 1
    return written
