"""Running a keyed command once: the first request with a key claims it, runs
the command and keeps its answer, 2xx or 4xx alike; a 5xx, a 429, a 409 `busy`
or an exception frees the key, so a retry runs again. A repeat of a completed
key gets the kept answer, marked `Idempotent-Replayed: true`; a repeat while the
first still runs waits a little, then answers 409 `request_in_progress`; the
same key with a different request is 422 `idempotency_key_reused`. Keys are kept
24 hours by the injected clock."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING
from uuid import uuid4

from chalice.app import Response
from eventsourcing.persistence import OperationalError

from ..clock import Clock
from .responses import ApiError

if TYPE_CHECKING:
    from ..adapters.idempotency import IdempotencyKeys, StoredAnswer

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP = timedelta(hours=24)
LEASE = timedelta(seconds=60)
"""A claim outlives any request (the API function times out at 29 s): only a
request that died mid-way lets a retry take its key over."""


class KeyedCommands:
    """Runs a command once per (scope, key) and answers repeats from the store."""

    def __init__(
        self, keys: IdempotencyKeys, clock: Clock, *, wait_s: float = 3.0, poll_s: float = 0.05
    ) -> None:
        self.keys, self.clock, self.wait_s, self.poll_s = keys, clock, wait_s, poll_s

    def run(self, scope: str, fingerprint: str, command: Callable[[], Response]) -> Response:
        from ..adapters.idempotency import Claim

        deadline = time.monotonic() + self.wait_s
        pause = self.poll_s
        while True:
            now = self.clock.now()
            claim = Claim(uuid4().hex, fingerprint, now, now + LEASE, now + KEEP)
            held = self.keys.claim(scope, claim)
            if held is None:
                return self._first(scope, claim.claim_id, command)
            if held.fingerprint != fingerprint:
                raise ApiError(
                    422,
                    "idempotency_key_reused",
                    f"{HEADER}: this key was already used with a different request",
                    header=HEADER,
                )
            if held.answer is not None:
                return _replayed(held.answer)
            if time.monotonic() + pause > deadline:
                raise ApiError(
                    409,
                    "request_in_progress",
                    f"{HEADER}: the first request with this key is still running; retry shortly",
                    header=HEADER,
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.4)

    def _first(self, scope: str, claim_id: str, command: Callable[[], Response]) -> Response:
        final = False
        try:
            response = command()
            final = is_final(response)
        finally:
            if not final:
                self.keys.release(scope, claim_id)
        if not final:
            return response
        try:
            self.keys.complete(scope, claim_id, _stored(response))
        except OperationalError as error:
            # The command took effect: its answer goes out even if it cannot be kept.
            log.warning("could not keep the answer for an idempotency key: %s", error)
        return response


def is_final(response: Response) -> bool:
    """2xx and 4xx answers are the first answer; a 5xx, a 429 and a 409 `busy`
    (a lost race for the same aggregates) say "try again", so a retry runs again."""
    status = response.status_code
    if status >= 500 or status == 429:
        return False
    return not (status == 409 and _error_code(response) == "busy")


def _error_code(response: Response) -> object:
    try:
        doc = json.loads(response.body) if isinstance(response.body, str) else response.body
    except ValueError:
        return None
    return doc.get("code") if isinstance(doc, dict) else None


def _stored(response: Response) -> StoredAnswer:
    from ..adapters.idempotency import StoredAnswer

    body = response.body if isinstance(response.body, str) else json.dumps(response.body)
    headers = {k: v for k, v in response.headers.items() if isinstance(v, str)}
    return StoredAnswer(response.status_code, body, headers)


def _replayed(answer: StoredAnswer) -> Response:
    headers: dict[str, str | list[str]] = {**answer.headers, REPLAYED: "true"}
    return Response(body=answer.body, status_code=answer.status, headers=headers)
