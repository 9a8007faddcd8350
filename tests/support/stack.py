"""A whole Miniloop on loopback for tests: the Chalice app on a real HTTP
server, the WeChat sandbox, either runtime's storage (SQLite in a temporary
directory, or DynamoDB Local + moto with the local Lambda plumbing), and one
FixedClock shared by the app and the sandbox.

On the AWS runtime projections are asynchronous, as on Lambda: every request
first waits until what earlier requests committed has been indexed and
projected, so a test reads its own writes on both runtimes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from local.sandbox_env import sandbox_settings
from local.servers import AppServer
from sandbox import Sandbox, ensure_keyring

from .runtimes import Running, running_container

ADMIN = {"X-Admin-Token": "test-admin-token-b4Xq9LmZ2rTe7Wk"}  # strong: the AWS runtime asks


@dataclass
class Stack:
    base_url: str
    wechat: Sandbox
    running: Running
    clock: FixedClock
    http: requests.Session

    @property
    def container(self) -> Container:
        return self.running.container

    def settle(self) -> None:
        self.running.settle()

    @property
    def sandbox(self) -> Sandbox:
        """The WeChat sandbox, once side effects committed so far have reached it."""
        self.settle()
        return self.wechat

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        admin: bool = False,
        body: Any = None,
    ) -> tuple[int, Any]:
        self.settle()
        headers = dict(ADMIN) if admin else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body)
        if data is not None:
            headers["Content-Type"] = "application/json"
        response = self.http.request(method, self.base_url + path, data=data, headers=headers)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    def login(self, user: str) -> str:
        code = self.sandbox.mint_login_code(user)["code"]
        status, answer = self.call("POST", "/auth/login", body={"code": code, "scene": 1001})
        assert status == 200, answer
        return str(answer["token"])

    def phone_code(self, user: str, phone: str) -> str:
        """A ``getPhoneNumber`` code for ``user``'s bound ``phone`` (single-use, 5 minutes)."""
        return str(self.sandbox.mint_phone_code(user, phone)["code"])

    def list_product(self, slug: str, skus: list[tuple[str, int, int]]) -> dict[str, Any]:
        body = {
            "slug": slug,
            "title": slug.title(),
            "category": "test",
            "skus": [{"sku_id": s, "name": s, "price_fen": p, "stock": n} for s, p, n in skus],
        }
        status, answer = self.call("POST", "/admin/products", admin=True, body=body)
        assert status == 201, answer
        return dict(answer)

    def event_count(self) -> int:
        self.settle()
        return int(self.container.shop.store.recorder.max_notification_id() or 0)


@contextmanager
def running_stack(
    tmp: Path, runtime: str = "embedded", request: pytest.FixtureRequest | None = None
) -> Iterator[Stack]:
    clock = FixedClock()
    keyring_dir = tmp / "keys"
    keyring = ensure_keyring(keyring_dir)
    sandbox = Sandbox(keyring, clock=clock).start()
    env = sandbox_settings(
        keyring,
        keyring_dir,
        sandbox_url=sandbox.base_url,
        public_url="http://unset",
        data_dir=tmp / "data",
    )
    fields = {k.removeprefix("MINILOOP_").lower(): v for k, v in env.items()}
    fields.update(admin_token=ADMIN["X-Admin-Token"], session_secret="s" * 32)
    data_dir = Path(fields.pop("data_dir"))
    try:
        with running_container(runtime, request, data_dir, clock, **fields) as running:
            server = AppServer().start()
            sandbox.app_url = server.base_url
            running.container.settings.public_url = server.base_url
            try:
                with requests.Session() as http:
                    yield Stack(server.base_url, sandbox, running, clock, http)
            finally:
                server.stop()
    finally:
        sandbox.stop()
