"""subscribe/send carries no dedupe key: once the request may have reached WeChat
it is never sent again. Against a stub WeChat on 127.0.0.1 that takes the message
and then answers too late (or 5xx), the real clients send it once and report the
outcome unknown; a request that never got through is retried; a template message,
which WeChat deduplicates by client_msg_id, is retried as before."""

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
    OfficialAccountClient,
    WeChatClient,
    WeChatOutcomeUnknown,
    WeChatUnavailable,
)
from chalicelib.adapters.wechat_messenger import WeChatMessenger
from chalicelib.application.ports import MessageOutcomeUnknown
from chalicelib.clock import FixedClock

SEND = "/cgi-bin/message/subscribe/send"
TEMPLATE = "/cgi-bin/message/template/send"


class SlowWeChat:
    """Answers the token at once; a send is taken (recorded) and then answered after
    ``delay`` seconds, or with ``status``, for the first ``failures`` sends."""

    def __init__(self, *, delay: float = 0.0, status: int = 200, failures: int = 99) -> None:
        self.sends: list[dict[str, Any]] = []
        wechat = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.split("?")[0]
                answer: dict[str, Any] = {"access_token": "T", "expires_in": 7200}
                code = 200
                if path != "/cgi-bin/stable_token":
                    wechat.sends.append(json.loads(body))
                    failing = len(wechat.sends) <= failures
                    if failing and delay:
                        time.sleep(delay)
                    code = status if failing else 200
                    answer = {"errcode": 0, "errmsg": "ok", "msgid": 7}
                data = json.dumps(answer).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting

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
def stubs() -> Iterator[list[SlowWeChat]]:
    running: list[SlowWeChat] = []
    yield running
    for stub in running:
        stub.close()


def mini_program(url: str, http: HttpClient) -> WeChatClient:
    return WeChatClient(url, appid="wxA", secret="s", clock=FixedClock(), http=http)


def subscribe(client: WeChatClient) -> None:
    client.send_subscribe_message(
        touser="o1", template_id="T1", page=None, data={"thing1": {"value": "茶"}}
    )


def test_a_subscribe_send_answered_too_late_is_sent_once(stubs: list[SlowWeChat]) -> None:
    stubs.append(stub := SlowWeChat(delay=1.0))
    http = HttpClient(timeout=0.3, retries=2, sleep=lambda _: None)
    with pytest.raises(WeChatOutcomeUnknown, match="TimeoutError"):
        subscribe(mini_program(stub.url, http))
    assert len(stub.sends) == 1


def test_a_subscribe_send_answered_5xx_is_sent_once(stubs: list[SlowWeChat]) -> None:
    stubs.append(stub := SlowWeChat(status=502))
    http = HttpClient(retries=2, sleep=lambda _: None)
    with pytest.raises(WeChatOutcomeUnknown, match="HTTP 502"):
        subscribe(mini_program(stub.url, http))
    assert len(stub.sends) == 1


def test_the_messenger_reports_the_lost_answer_not_an_outage(stubs: list[SlowWeChat]) -> None:
    stubs.append(stub := SlowWeChat(delay=1.0))
    http = HttpClient(timeout=0.3, retries=2, sleep=lambda _: None)
    messenger = WeChatMessenger(
        lambda: mini_program(stub.url, http),
        lambda: None,
        mp_appid="wxA",
        miniprogram_state="formal",
    )
    with pytest.raises(MessageOutcomeUnknown):
        messenger.send_subscribe(
            openid="o1", template_id="T1", page="pages/x", data={"thing1": {"value": "茶"}}
        )
    assert len(stub.sends) == 1


def test_a_request_that_never_got_through_is_retried_and_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    attempts: list[float] = []
    http = HttpClient(retries=2, sleep=attempts.append)
    with pytest.raises(WeChatUnavailable) as refused:
        http.request("POST", f"http://127.0.0.1:{port}{SEND}", body=b"{}", idempotent=False)
    assert not isinstance(refused.value, WeChatOutcomeUnknown)
    assert len(attempts) == 2  # three attempts: nothing reached WeChat


def test_a_template_message_is_retried_with_its_client_msg_id(stubs: list[SlowWeChat]) -> None:
    stubs.append(stub := SlowWeChat(delay=1.0, failures=1))
    http = HttpClient(timeout=0.3, retries=2, sleep=lambda _: None)
    client = OfficialAccountClient(stub.url, appid="wxO", secret="s", clock=FixedClock(), http=http)
    msgid = client.send_template(
        touser="oa1",
        template_id="TT",
        data={"first": {"value": "x"}},
        miniprogram=None,
        url=None,
        client_msg_id="n-1",
    )
    assert msgid == 7
    assert [send["client_msg_id"] for send in stub.sends] == ["n-1", "n-1"]
