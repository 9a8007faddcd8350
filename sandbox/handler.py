"""HTTP plumbing: routes a request to an endpoint function and writes its JSON reply."""

from __future__ import annotations

import logging
import re
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from . import cgi, control, mp_api, mp_push, oa_api, oa_control, pay_api
from .notifications import signed_headers
from .state import new_id
from .web import Reply, Request, SandboxError

if TYPE_CHECKING:
    from .core import SandboxCore

logger = logging.getLogger("sandbox")

Endpoint = Callable[..., Reply]
ROUTES: list[tuple[str, re.Pattern[str], Endpoint]] = [
    ("GET", re.compile(r"/sns/jscode2session"), mp_api.jscode2session),
    ("POST", re.compile(r"/cgi-bin/stable_token"), cgi.stable_token),
    ("POST", re.compile(r"/wxa/business/getuserphonenumber"), mp_api.getuserphonenumber),
    ("GET", re.compile(r"/cgi-bin/user/info"), oa_api.user_info),
    ("POST", re.compile(r"/cgi-bin/message/subscribe/send"), oa_api.subscribe_send),
    ("POST", re.compile(r"/cgi-bin/message/template/send"), oa_api.template_send),
    ("POST", re.compile(r"/v3/pay/transactions/jsapi"), pay_api.jsapi),
    ("POST", re.compile(r"/v3/refund/domestic/refunds"), pay_api.create_refund),
    ("GET", re.compile(r"/v3/pay/transactions/out-trade-no/([^/]+)"), pay_api.query_order),
    ("POST", re.compile(r"/sandbox/login-codes"), control.login_codes_endpoint),
    ("POST", re.compile(r"/sandbox/phone-codes"), control.phone_codes_endpoint),
    ("POST", re.compile(r"/sandbox/pay"), control.pay_endpoint),
    ("POST", re.compile(r"/sandbox/refunds/([^/]+)/complete"), control.complete_refund_endpoint),
    ("GET", re.compile(r"/sandbox/state"), control.state_endpoint),
    ("POST", re.compile(r"/sandbox/subscribe-grants"), oa_control.grants_endpoint),
    ("POST", re.compile(r"/sandbox/oa/push"), oa_control.push_endpoint),
    ("GET", re.compile(r"/sandbox/messages"), oa_control.messages_endpoint),
    ("POST", re.compile(r"/sandbox/mp/push"), mp_push.push_endpoint),
]
_SECRETS = re.compile(r"((?:secret|js_code|access_token)=)[^&\s]*")


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: SandboxCore) -> None:
        super().__init__(address, SandboxHandler)
        self.sandbox = sandbox


def route(sandbox: SandboxCore, request: Request) -> Reply:
    for method, pattern, endpoint in ROUTES:
        match = pattern.fullmatch(request.path)
        if match is not None:
            if method != request.method:
                raise SandboxError(405, "METHOD_NOT_ALLOWED", f"use {method}")
            args = [urllib.parse.unquote(group) for group in match.groups()]
            reply: Reply = endpoint(sandbox, request, *args)
            return reply
    raise SandboxError(404, "NOT_FOUND", f"no such endpoint: {request.path}")


class SandboxHandler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    server_version = "MiniloopSandbox/1"

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        sandbox = self.server.sandbox
        try:
            request = Request(self.command, self.path, dict(self.headers.items()), self._body())
            reply = route(sandbox, request)
        except SandboxError as err:
            reply = err.reply()
        # The server's boundary: like WeChat, answer any fault with SYSTEM_ERROR (500),
        # logged, so clients' retry-on-5xx paths are exercised instead of a dropped socket.
        except Exception:
            logger.exception("sandbox failed on %s %s", self.command, _redact(self.path))
            reply = Reply(500, {"code": "SYSTEM_ERROR", "message": "sandbox internal error"})
        body = reply.body()
        headers = {"Content-Type": "application/json", **reply.headers}
        if self.path.startswith("/v3/"):
            headers.update(signed_headers(sandbox, body))
            headers["Request-ID"] = new_id()
        self.send_response(reply.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise SandboxError(400, "PARAM_ERROR", "bad Content-Length") from None
        if not 0 <= length <= 1_000_000:
            raise SandboxError(400, "PARAM_ERROR", "bad Content-Length")
        return self.rfile.read(length)

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), _redact(format % args))


def _redact(text: str) -> str:
    """Request lines carry appid/secret and login codes in the query: mask them."""
    return _SECRETS.sub(r"\1***", text)
