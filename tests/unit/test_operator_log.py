"""The operators' low-stock alert reaches the log of the app as production
builds it: app.py's Chalice app sets its `miniloop` logger to ERROR and gives
it the one handler (stdout, CloudWatch on Lambda), under which the operators'
`miniloop.operator` logger sits."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

import app
from chalicelib.domain.outbox_messages import LOW_STOCK
from tests.support.runtimes import running_container

ALERT = {"sku_id": "TEA", "product_id": "p-1", "crossing": 2, "available": 3, "threshold": 5}


@pytest.fixture
def app_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog's handler beside Chalice's on the app logger (which does not propagate)."""
    log = logging.getLogger(app.app.app_name)
    log.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        log.removeHandler(caplog.handler)


def test_a_low_stock_alert_is_logged_although_the_app_logs_errors_only(
    tmp_path: Path, app_log: pytest.LogCaptureFixture
) -> None:
    assert logging.getLogger("miniloop").level == logging.ERROR  # as Chalice configures it

    with running_container("embedded", None, tmp_path) as running:
        running.container.dispatcher.handlers[LOW_STOCK](dict(ALERT))

    [record] = [r for r in app_log.records if r.name == "miniloop.operator"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "low stock: SKU TEA has 3 left (threshold 5, crossing 2)"
