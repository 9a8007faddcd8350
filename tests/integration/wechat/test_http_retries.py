"""Retries and timeouts against flaky stub servers on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chalicelib.adapters.wechat import (
    HttpClient,
    WeChatClient,
    WeChatPayClient,
    WeChatUnavailable,
)
from chalicelib.clock import FixedClock
from sandbox import Keyring

SESSION = {"openid": "o1", "session_key": "k"}


class Flaky:
    """Answers ``failures`` times ``fail_status`` (after ``delay`` s), then 200 ``answer``."""

    def __init__(
        self, failures: int, answer: dict[str, Any], *, fail_status: int = 503, delay: float = 0
    ) -> None:
        self.failures, self.answer, self.delay = failures, answer, delay
        self.fail_status = fail_status
        self.requests: list[dict[str, str]] = []
        flaky = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                flaky.requests.append(dict(self.headers.items()))
                failing = len(flaky.requests) <= flaky.failures
                if failing and flaky.delay:
                    time.sleep(flaky.delay)
                body = json.dumps({"code": "SYSTEM_ERROR"} if failing else flaky.answer).encode()
                self.send_response(flaky.fail_status if failing else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def flaky() -> Iterator[list[Flaky]]:
    servers: list[Flaky] = []
    yield servers
    for server in servers:
        server.close()


def test_5xx_is_retried_with_backoff(flaky: list[Flaky]) -> None:
    flaky.append(stub := Flaky(2, SESSION))
    sleeps: list[float] = []
    http = HttpClient(retries=2, backoff=0.1, sleep=sleeps.append)
    client = WeChatClient(stub.url, appid="a", secret="s", clock=FixedClock(), http=http)
    assert client.code2session("c").openid == "o1"
    assert len(stub.requests) == 3
    assert sleeps == [0.1, 0.2]


def test_5xx_after_retries_is_unavailable(flaky: list[Flaky]) -> None:
    flaky.append(stub := Flaky(10, SESSION))
    http = HttpClient(retries=2, sleep=lambda _: None)
    client = WeChatClient(stub.url, appid="a", secret="s", clock=FixedClock(), http=http)
    with pytest.raises(WeChatUnavailable, match="HTTP 503"):
        client.code2session("c")
    assert len(stub.requests) == 3


def test_timeouts_are_retried(flaky: list[Flaky]) -> None:
    flaky.append(stub := Flaky(1, SESSION, delay=1.0))
    http = HttpClient(timeout=0.2, retries=1, sleep=lambda _: None)
    assert json.loads(http.request("GET", stub.url + "/x").body) == SESSION
    assert len(stub.requests) == 2


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    http = HttpClient(retries=1, sleep=lambda _: None)
    with pytest.raises(WeChatUnavailable):
        http.request("GET", f"http://127.0.0.1:{port}/sns/jscode2session?secret=s")


def test_pay_requests_are_signed_afresh_on_each_attempt(
    flaky: list[Flaky], keyring: Keyring, clock: FixedClock
) -> None:
    flaky.append(stub := Flaky(10, {}))
    pay = WeChatPayClient(
        stub.url,
        appid=keyring.appid,
        mchid=keyring.mchid,
        serial_no=keyring.merchant_serial,
        private_key=keyring.merchant_private_key(),
        platform_keys=keyring.platform_keys(),
        notify_url="http://n",
        clock=clock,
        http=HttpClient(retries=2, sleep=lambda _: None),
    )
    with pytest.raises(WeChatUnavailable):
        pay.query_order("ML1")
    authorizations = {request["Authorization"] for request in stub.requests}
    assert len(stub.requests) == len(authorizations) == 3


def test_4xx_is_not_retried(flaky: list[Flaky]) -> None:
    flaky.append(stub := Flaky(10, SESSION, fail_status=400))
    http = HttpClient(retries=2, sleep=lambda _: None)
    assert http.request("GET", stub.url).status == 400
    assert len(stub.requests) == 1
