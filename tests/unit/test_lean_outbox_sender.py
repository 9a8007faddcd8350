"""The outbox sender's first message builds what its kind needs, not the shop
(bootstrap/sender_parts.py): checked in a fresh interpreter on the embedded
runtime, so no test's imports hide a regression."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest

ROOT = Path(__file__).resolve().parents[2]

LOW_STOCK = {"sku_id": "S1", "product_id": "p-1", "crossing": 1, "available": 3, "threshold": 5}
NOTIFY = {"intent_id": "i-1", "trigger": "order_paid", "member_id": str(uuid4())}


def _first_message(tmp_path: Path, kind: str, payload: dict[str, object]) -> dict[str, object]:
    """What the sender's handler loaded and built for one message of `kind`."""
    code = (
        "import json, sys\n"
        "import chalicelib.lambdas.outbox_sender\n"
        "from chalicelib.bootstrap import container\n"
        "c = container()\n"
        f"c.dispatcher.handlers[{kind!r}](json.loads(sys.argv[1]))\n"
        "print(json.dumps({'modules': sorted(sys.modules), "
        "'built': sorted(c._once._built)}))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "MINILOOP_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(payload)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(("kind", "payload"), [("ops.low_stock", LOW_STOCK), ("notify", NOTIFY)])
def test_the_first_message_builds_no_shop(
    tmp_path: Path, kind: str, payload: dict[str, object]
) -> None:
    loaded = _first_message(tmp_path, kind, payload)
    assert "chalicelib.bootstrap.shop" not in loaded["modules"]
    assert "shop" not in loaded["built"]


def test_a_low_stock_alert_builds_no_use_case_and_no_event_store(tmp_path: Path) -> None:
    loaded = _first_message(tmp_path, "ops.low_stock", LOW_STOCK)
    modules = loaded["modules"]
    assert isinstance(modules, list)
    application = {m for m in modules if m.startswith("chalicelib.application.")}
    assert application <= {"chalicelib.application.errors", "chalicelib.application.ports"}
    assert "store" not in loaded["built"]


def test_a_notification_builds_the_notification_use_cases(tmp_path: Path) -> None:
    modules = _first_message(tmp_path, "notify", NOTIFY)["modules"]
    assert "chalicelib.application.notify_sender" in modules
    assert "chalicelib.application.checkout" not in modules
