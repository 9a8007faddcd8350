"""Request and reply values passed between the HTTP handler and the endpoint functions."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class SandboxError(Exception):
    """An error answer: WeChat Pay style ``{"code", "message"}`` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        self.message = message
        super().__init__(f"{status} {code}: {message}")

    def reply(self) -> Reply:
        return Reply(self.status, {"code": self.code, "message": self.message})


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        query = urllib.parse.urlsplit(self.target).query
        return dict(urllib.parse.parse_qsl(query, keep_blank_values=True))

    def text(self) -> str:
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise SandboxError(400, "PARAM_ERROR", "body is not UTF-8") from None

    def json(self) -> dict[str, Any]:
        """The body as a JSON object; an empty body reads as ``{}``."""
        if not self.body:
            return {}
        try:
            value = json.loads(self.text())
        except ValueError:
            raise SandboxError(400, "PARAM_ERROR", "body is not JSON") from None
        if not isinstance(value, dict):
            raise SandboxError(400, "PARAM_ERROR", "body is not a JSON object")
        return value


@dataclass
class Reply:
    status: int
    payload: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> bytes:
        if self.payload is None:
            return b""
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":")).encode()


def require_str(data: Mapping[str, Any], name: str, *, max_len: int = 256) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value or len(value) > max_len:
        raise SandboxError(400, "PARAM_ERROR", f"{name} must be a non-empty string")
    return value


def require_fen(data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise SandboxError(400, "PARAM_ERROR", f"{name} must be a positive integer (fen)")
    return value


def require_object(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict):
        raise SandboxError(400, "PARAM_ERROR", f"{name} must be an object")
    return value
