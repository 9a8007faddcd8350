"""A real Sandbox on 127.0.0.1, the real clients, and a tiny notification receiver."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.adapters.wechat import HttpClient, WeChatClient, WeChatPayClient
from chalicelib.clock import FixedClock
from sandbox import Keyring, Sandbox, generate_keyring

START = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """Records POSTs and answers them with ``status``; a subclass may answer
    each one itself (``answer``), as the app's push endpoints do."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                status, reply = receiver.answer(self.path, body)
                data = reply.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def answer(self, target: str, body: bytes) -> tuple[int, str]:
        return self.status, ""

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    return generate_keyring()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def sandbox(keyring: Keyring, clock: FixedClock) -> Iterator[Sandbox]:
    with Sandbox(keyring, clock=clock) as running:
        yield running


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def fast_http() -> HttpClient:
    return HttpClient(timeout=2.0, retries=1, sleep=lambda _: None)


@pytest.fixture
def wechat(
    sandbox: Sandbox, keyring: Keyring, clock: FixedClock, fast_http: HttpClient
) -> WeChatClient:
    return WeChatClient(
        sandbox.base_url,
        appid=keyring.appid,
        secret=keyring.app_secret,
        clock=clock,
        http=fast_http,
    )


def make_pay_client(
    sandbox: Sandbox, keyring: Keyring, clock: FixedClock, notify_url: str, **overrides: Any
) -> WeChatPayClient:
    settings: dict[str, Any] = {
        "appid": keyring.appid,
        "mchid": keyring.mchid,
        "serial_no": keyring.merchant_serial,
        "private_key": keyring.merchant_private_key(),
        "platform_keys": keyring.platform_keys(),
        "notify_url": notify_url,
        "clock": clock,
        "http": HttpClient(timeout=2.0, retries=0),
    }
    settings.update(overrides)
    return WeChatPayClient(sandbox.base_url, **settings)


@pytest.fixture
def pay(
    sandbox: Sandbox, keyring: Keyring, clock: FixedClock, receiver: Receiver
) -> WeChatPayClient:
    return make_pay_client(sandbox, keyring, clock, receiver.url + "/wechat/pay/notify")


def post_json(url: str, payload: Any) -> tuple[int, dict[str, Any]]:
    """A plain JSON POST for the sandbox control endpoints."""
    data = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    request = urllib.request.Request(url, data=data, method="POST")
    return _open(request)


def get_json(url: str) -> tuple[int, dict[str, Any]]:
    return _open(urllib.request.Request(url))


def _open(request: urllib.request.Request) -> tuple[int, dict[str, Any]]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())


@pytest.fixture(scope="session")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
