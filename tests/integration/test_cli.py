"""The local command line: rebuild every projection from the log with progress;
`run` and the other commands sharing one configuration; time travel with
`manage.py clock`; one-line errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
import requests

from chalicelib.domain.calendar import BEIJING
from chalicelib.domain.ids import product_id_for
from chalicelib.projections import queries
from chalicelib.settings import Settings
from local.demo_catalogue import seed_demo_catalogue
from local.run_config import RunConfig
from local.time_travel import OFFSET_FILE, TravelClock, clock_for

from .conftest import make_container

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "dev-admin-token"


def test_rebuild_command_replays_the_log_into_new_generations(tmp_path: Path) -> None:
    c = make_container(tmp_path)
    assert seed_demo_catalogue(c.shop) == 3
    assert seed_demo_catalogue(c.shop) == 0
    c.close()
    result = subprocess.run(
        [sys.executable, "manage.py", "--data-dir", str(tmp_path), "rebuild", "all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "catalogue" in result.stderr and "event" in result.stderr  # tqdm progress bars
    c = make_container(tmp_path)
    assert c.views.generation("catalogue") == 2
    assert queries.product(c.views, product_id_for("oolong-tea"))["skus"][0]["available"] == 120
    c.close()


def test_rebuild_of_an_unknown_projection_says_which_exist(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "--data-dir", str(tmp_path), "rebuild", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0 and "order_status" in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _manage(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env or _local_env(),
    )


def _local_env() -> dict[str, str]:
    """The test process's environment without its MINILOOP_* settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("MINILOOP_")}


def _one_line_error(result: CompletedProcess[str]) -> str:
    assert result.returncode != 0 and result.stdout == "", result
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    return result.stderr.strip()


@dataclass
class LocalRun:
    """`manage.py run` on free ports (not 8000/8001), in its own process."""

    data_dir: Path
    port: int
    sandbox_port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> CompletedProcess[str]:
        return _manage(self.data_dir, *args)

    def call(self, method: str, path: str, token: str = "", body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {"X-Admin-Token": ADMIN_TOKEN}
        response = requests.request(method, self.url + path, json=body, headers=headers, timeout=30)
        assert response.status_code < 300, (path, response.status_code, response.text)
        return response.json()


@pytest.fixture
def local_run(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[LocalRun]:
    """`manage.py run`; a test may pass more flags: indirect parametrization."""
    flags: tuple[str, ...] = getattr(request, "param", ())
    here = LocalRun(tmp_path / "data", _free_port(), _free_port())
    log = tmp_path / "run.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                *(sys.executable, "manage.py", "--data-dir", str(here.data_dir), "run"),
                *("--port", str(here.port), "--sandbox-port", str(here.sandbox_port)),
                *("--tick-seconds", "3600"),
                *flags,
            ],
            cwd=ROOT,
            env=_local_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "manage.py run did not start in 90 s"
            try:
                if requests.get(here.url + "/products", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.3)
        yield here
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_time_travel_expires_a_group_buy_team_and_refunds_it_through_the_sandbox(
    local_run: LocalRun,
) -> None:
    """`clock advance` moves the app and its WeChat sandbox together (the refund
    notification is signed and checked on the travelled clock), and `tick` fires
    the due timers against the server `run` started, on its ports."""
    code = json.loads(local_run.manage("login-code", "alice").stdout)["code"]
    token = local_run.call("POST", "/auth/login", body={"code": code})["token"]
    now = datetime.now(BEIJING)
    local_run.call(
        "POST",
        "/admin/campaigns",
        body={
            "code": "tuan",
            "kind": "group_buy",
            "title": "好茶拼团",
            "items": [{"sku_id": "TEA-OOLONG-50G", "price_fen": 1990, "stock": 10}],
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(days=30)).isoformat(),
            "rules": {"team_size": 2, "team_hours": 24},
        },
    )
    local_run.call("POST", "/admin/campaigns/tuan/start")
    pickup = {"method": "pickup", "store_id": "sz-01"}
    order = local_run.call(
        "POST", "/campaigns/tuan/teams", token, {"sku_id": "TEA-OOLONG-50G", "delivery": pickup}
    )
    local_run.call("POST", f"/orders/{order['id']}/pay", token)
    assert local_run.manage("pay", order["id"]).returncode == 0
    team = f"/teams/{order['team_id']}"
    assert local_run.call("GET", team, token)["status"] == "forming"

    assert json.loads(local_run.manage("tick").stdout)["teams_expired"] == 0  # not due yet
    assert local_run.call("GET", team, token)["status"] == "forming"

    moved = local_run.manage("clock", "advance", "25h")
    assert moved.returncode == 0 and "1d 1h ahead of real time" in moved.stdout, moved
    assert "1d 1h ahead" in local_run.manage("clock", "show").stdout
    ticked = local_run.manage("tick")
    assert json.loads(ticked.stdout)["teams_expired"] == 1, ticked.stderr
    assert local_run.call("GET", team, token)["status"] == "failed"
    deadline = time.monotonic() + 30
    while local_run.call("GET", f"/orders/{order['id']}", token)["status"] != "refunded":
        assert time.monotonic() < deadline, local_run.call("GET", f"/orders/{order['id']}", token)
        time.sleep(0.5)

    assert "real time" in local_run.manage("clock", "reset").stdout
    assert not (local_run.data_dir / OFFSET_FILE).exists()


@pytest.mark.parametrize("local_run", [("--manual-refunds",)], indirect=True)
def test_tick_beside_the_server_and_a_refund_the_sandbox_leaves_to_the_operator(
    local_run: LocalRun,
) -> None:
    """`manage.py tick` opens the server's files from another process: every
    behaviour event the server accepted before and after stays accepted (the
    server's SQLite write-ahead log survives). With `--manual-refunds` a refund
    waits in the sandbox until it is completed, here as CLOSED: it fails."""
    for n in range(3):
        event = {
            "id": f"t{n}",
            "kind": "launch",
            "at": datetime.now(BEIJING).isoformat(),
            "scene": 1001,
            "path": "pages/index/index",
        }
        tracked = local_run.call(
            "POST", "/track", body={"install_id": "inst-12345678", "events": [event]}
        )
        assert tracked["accepted"] == 1, tracked
        assert local_run.manage("tick").returncode == 0

    code = json.loads(local_run.manage("login-code", "alice").stdout)["code"]
    token = local_run.call("POST", "/auth/login", body={"code": code})["token"]
    lines = [{"sku_id": "TEA-OOLONG-50G", "quantity": 1}]
    pickup = {"method": "pickup", "store_id": "sz-01"}
    order = local_run.call("POST", "/orders", token, {"lines": lines, "delivery": pickup})
    local_run.call("POST", f"/orders/{order['id']}/pay", token)
    assert local_run.manage("pay", order["id"]).returncode == 0
    local_run.call("POST", f"/admin/orders/{order['id']}/refund", body={"reason": "缺货"})
    time.sleep(2)  # the sandbox would have completed it after about a second
    refund = local_run.call("GET", f"/orders/{order['id']}", token)["refund"]
    assert local_run.call("GET", f"/orders/{order['id']}", token)["refund_status"] == "approved"
    closed = requests.post(
        f"http://127.0.0.1:{local_run.sandbox_port}/sandbox/refunds/{refund['out_refund_no']}/complete",
        json={"status": "CLOSED"},
        timeout=30,
    )
    assert closed.status_code == 200, closed.text
    deadline = time.monotonic() + 30
    while local_run.call("GET", f"/orders/{order['id']}", token)["refund_status"] != "failed":
        assert time.monotonic() < deadline, local_run.call("GET", f"/orders/{order['id']}", token)
        time.sleep(0.5)


def test_cli_errors_are_one_line_naming_the_server_run_used(local_run: LocalRun) -> None:
    unknown = _one_line_error(local_run.manage("pay", "0b1c2d3e-0000-4000-8000-000000000000"))
    assert unknown.startswith("unknown order 0b1c2d3e-0000-4000-8000-000000000000"), unknown
    assert json.loads(local_run.manage("sandbox-messages", "--json").stdout) == []

    stopped = LocalRun(local_run.data_dir, _free_port(), _free_port())
    RunConfig(port=stopped.port, sandbox_port=stopped.sandbox_port).save(stopped.data_dir)
    not_running = f"Miniloop is not running at {stopped.url} (start it with `make run`)"
    for args in (("pay", "0b1c2d3e"), ("login-code", "alice"), ("sandbox-messages",)):
        assert _one_line_error(stopped.manage(*args)) == not_running


def test_bad_settings_are_named_without_a_traceback(tmp_path: Path) -> None:
    bad = {**_local_env(), "MINILOOP_UNPAID_TIMEOUT_MIN": "0", "MINILOOP_RUNTIME": "cloud"}
    for args in (("run",), ("tick",), ("rebuild", "all")):
        refused = _manage(tmp_path, *args, env=bad)
        assert refused.returncode != 0 and refused.stdout == "", refused
        assert "Traceback" not in refused.stderr, refused.stderr
        assert refused.stderr.splitlines() == [
            "manage.py: 2 invalid settings",
            "  MINILOOP_RUNTIME: Input should be 'embedded' or 'aws'",
            "  MINILOOP_UNPAID_TIMEOUT_MIN: Input should be greater than or equal to 1",
        ]


def test_the_clock_moves_by_durations_and_refuses_nonsense_in_one_line(tmp_path: Path) -> None:
    assert "(real time)" in _manage(tmp_path, "clock", "show").stdout
    for args, says in [
        (("advance", "2x"), "not a duration: '2x'"),
        (("advance", "0h"), "only moves forward"),
        (("advance", "1.5h"), "not a duration"),
        (("advance", "4000d"), "at most 3650d ahead"),
    ]:
        assert says in _one_line_error(_manage(tmp_path, "clock", *args))
    assert not (tmp_path / OFFSET_FILE).exists()
    for duration, total in [("90m", "1h 30m"), ("2h", "3h 30m"), ("7d", "7d 3h 30m")]:
        moved = _manage(tmp_path, "clock", "advance", duration)
        assert moved.returncode == 0 and f"({total} ahead of real time)" in moved.stdout, moved
    clock = TravelClock(tmp_path / OFFSET_FILE)
    ahead = clock.now() - datetime.now(UTC)
    assert timedelta(days=7, hours=3, minutes=29) < ahead < timedelta(days=7, hours=3, minutes=31)
    assert "back to local clock" in _manage(tmp_path, "clock", "reset").stdout
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_the_clock_is_refused_on_the_aws_runtime_and_aws_ignores_an_offset(
    tmp_path: Path,
) -> None:
    aws = {**_local_env(), "MINILOOP_RUNTIME": "aws"}
    for args in (("advance", "2h"), ("show",), ("reset",)):
        refused = _one_line_error(_manage(tmp_path, "clock", *args, env=aws))
        assert refused == (
            "manage.py clock: the clock can only be moved on the embedded runtime; "
            "MINILOOP_RUNTIME=aws runs on real time"
        )
    assert not (tmp_path / OFFSET_FILE).exists()
    assert _manage(tmp_path, "clock", "advance", "7d").returncode == 0
    on_aws = clock_for(Settings(runtime="aws", admin_token="Zq3-8vLkP0wR7tYb2nMs5cXe"), tmp_path)
    assert abs(on_aws.now() - datetime.now(UTC)) < timedelta(seconds=5)
    embedded = clock_for(Settings(runtime="embedded"), tmp_path)
    assert embedded.now() - datetime.now(UTC) > timedelta(days=6)
