"""The idempotency-key store on both runtimes, and the rules the API edge
builds on it: one claim wins, the first final answer is kept, an answer that
says "try again" (or a crash) frees the key, a dead request's claim lapses, and
keys expire by the injected clock."""

from __future__ import annotations

import functools
import json
import os
import stat
import threading
from pathlib import Path

import pytest
from chalice.app import Response

from chalicelib.adapters.idempotency import (
    Claim,
    IdempotencyKeys,
    KeyRecord,
    SQLiteIdempotencyKeys,
    StoredAnswer,
)
from chalicelib.api.keyed_commands import KEEP, LEASE, KeyedCommands
from chalicelib.api.responses import ApiError
from chalicelib.clock import FixedClock
from tests.support.races import race, split
from tests.support.runtimes import Running


def claim(clock: FixedClock, claim_id: str, fingerprint: str = "f") -> Claim:
    now = clock.now()
    return Claim(claim_id, fingerprint, now, now + LEASE, now + KEEP)


def answer(status: int = 201, **body: object) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    return Response(body=json.dumps(body), status_code=status, headers=headers)


@pytest.fixture
def keys(running: Running) -> IdempotencyKeys:
    return running.container.idempotency_keys


def test_one_claim_holds_a_key_until_it_is_answered_or_freed(
    keys: IdempotencyKeys, clock: FixedClock
) -> None:
    assert keys.claim("m/k", claim(clock, "first")) is None
    assert keys.claim("m/k", claim(clock, "second")) == KeyRecord("f", None)
    assert keys.claim("m/other", claim(clock, "third")) is None

    keys.complete("m/k", "second", StoredAnswer(200, "not mine"))  # not its claim: ignored
    keys.release("m/k", "second")
    stored = StoredAnswer(201, '{"id": "o-1"}', {"Content-Type": "application/json"})
    keys.complete("m/k", "first", stored)
    assert keys.claim("m/k", claim(clock, "again")) == KeyRecord("f", stored)

    keys.release("m/other", "third")
    assert keys.claim("m/other", claim(clock, "fourth", "g")) is None


def test_a_dead_requests_claim_lapses_and_keys_expire_after_24_hours(
    keys: IdempotencyKeys, clock: FixedClock
) -> None:
    assert keys.claim("m/crashed", claim(clock, "dead")) is None
    assert keys.claim("m/done", claim(clock, "ok")) is None
    keys.complete("m/done", "ok", StoredAnswer(201, "{}"))

    clock.advance(seconds=LEASE.total_seconds())
    assert keys.claim("m/crashed", claim(clock, "retry")) is None
    keys.complete("m/crashed", "dead", StoredAnswer(500, "late"))  # lapsed: ignored
    assert keys.claim("m/crashed", claim(clock, "third")) == KeyRecord("f", None)
    assert keys.claim("m/done", claim(clock, "x")) == KeyRecord("f", StoredAnswer(201, "{}"))

    clock.set(clock.now() - LEASE + KEEP)
    assert keys.claim("m/done", claim(clock, "new day", "g")) is None


def test_racing_claims_of_one_key_have_one_winner(keys: IdempotencyKeys, clock: FixedClock) -> None:
    outcomes = race(10, lambda i: keys.claim("m/race", claim(clock, f"c{i}")))
    won, failed = split(outcomes)
    assert not failed, failed
    assert won.count(None) == 1
    assert all(held == KeyRecord("f", None) for held in won if held is not None)


def test_the_first_final_answer_is_replayed_and_try_again_answers_free_the_key(
    keys: IdempotencyKeys, clock: FixedClock
) -> None:
    commands = KeyedCommands(keys, clock, wait_s=0.0)
    runs: list[int] = []

    def reply(status: int, **body: object) -> Response:
        runs.append(status)
        return answer(status, **body)

    for status, body in (
        (503, {"code": "storage_unavailable"}),
        (429, {}),
        (409, {"code": "busy"}),
    ):
        retry = functools.partial(reply, status, **body)
        assert commands.run("m/k", "f", retry).status_code == status

    def crash() -> Response:
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        commands.run("m/k", "f", crash)
    first = commands.run("m/k", "f", lambda: reply(409, code="out_of_stock"))
    again = commands.run("m/k", "f", lambda: reply(201, id="never"))
    assert runs == [503, 429, 409, 409]
    assert (again.status_code, again.body) == (409, first.body)
    assert again.headers["Idempotent-Replayed"] == "true"
    with pytest.raises(ApiError) as reused:
        commands.run("m/k", "other", lambda: reply(201))
    assert (reused.value.status, reused.value.code) == (422, "idempotency_key_reused")


def test_a_repeat_waits_for_the_first_then_says_in_progress(
    keys: IdempotencyKeys, clock: FixedClock
) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow() -> Response:
        started.set()
        release.wait(10)
        return answer(201, id="o-1")

    first = threading.Thread(target=lambda: KeyedCommands(keys, clock).run("m/k", "f", slow))
    first.start()
    assert started.wait(10)
    with pytest.raises(ApiError) as busy:
        KeyedCommands(keys, clock, wait_s=0.2).run("m/k", "f", lambda: answer(201, id="twice"))
    assert (busy.value.status, busy.value.code) == (409, "request_in_progress")

    threading.Timer(0.2, release.set).start()
    waited = KeyedCommands(keys, clock, wait_s=10).run("m/k", "f", lambda: answer(201, id="x"))
    first.join(10)
    assert json.loads(waited.body) == {"id": "o-1"}


def test_the_embedded_key_file_is_its_owners_only_and_sheds_expired_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "idempotency.sqlite"
    keys, clock = SQLiteIdempotencyKeys(path), FixedClock()
    assert keys.claim("m/old", claim(clock, "c")) is None
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    clock.advance(seconds=KEEP.total_seconds())
    assert keys.claim("m/new", claim(clock, "d")) is None
    rows = keys.db.read().execute("SELECT scope FROM idempotency_keys").fetchall()
    assert [row["scope"] for row in rows] == ["m/new"]
