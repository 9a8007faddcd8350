"""Idempotency-Key: a create-style command retried with the same key is
answered with its first answer instead of running again.

The key is the caller's (scoped to the member of the session, 1 to 128
printable ASCII characters) and names one request: method, path and body bytes
(the fingerprint). How a keyed command runs once is keyed_commands.py. Without
the header nothing changes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from chalice.app import Blueprint, Request, Response

from ..bootstrap import container
from .inputs import current_member
from .keyed_commands import HEADER, KeyedCommands
from .responses import ApiError, handles_errors

V = TypeVar("V", bound=Callable[..., Response])
MAX_KEY_LENGTH = 128


def idempotent(bp: Blueprint) -> Callable[[V], V]:
    """For a route: `@handles_errors` then `@idempotent(bp)` above the view."""

    def decorate(view: V) -> V:
        answer = handles_errors(view)

        @functools.wraps(view)
        def keyed(*args: Any, **kwargs: Any) -> Response:
            request = bp.current_request
            key = request.headers.get(HEADER)
            if key is None:
                return view(*args, **kwargs)
            _check(key)
            member_id = current_member(bp)
            c = container()
            commands = KeyedCommands(c.idempotency_keys, c.clock)
            return commands.run(
                f"{member_id}/{key}", fingerprint(request), lambda: answer(*args, **kwargs)
            )

        return cast(V, keyed)

    return decorate


def _check(key: str) -> None:
    if 1 <= len(key) <= MAX_KEY_LENGTH and all(" " <= ch <= "~" for ch in key):
        return
    message = f"must be 1 to {MAX_KEY_LENGTH} printable ASCII characters"
    raise ApiError(
        400,
        "invalid_request",
        f"{HEADER}: {message}",
        errors=[{"field": HEADER, "message": message}],
    )


def fingerprint(request: Request) -> str:
    """Method, path (its template and values) and the body's bytes."""
    import hashlib

    digest = hashlib.sha256()
    params = sorted((request.uri_params or {}).items())
    for part in (request.method, request.path, repr(params)):
        digest.update(part.encode() + b"\0")
    raw = request.raw_body
    digest.update(raw.encode() if isinstance(raw, str) else raw)
    return digest.hexdigest()
