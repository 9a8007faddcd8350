"""POST /track over HTTP on both runtimes: behaviour events go into their own
log, each once, never into the order log; bad items are refused one by one;
installs are linked to members at login; a flooding client is held back."""

from __future__ import annotations

import json
from typing import Any

import requests

from chalicelib.application.behaviour_log import LoggedBehaviour
from chalicelib.domain.mirrored_facts import SERVER_PREFIX
from tests.support.races import race, split
from tests.support.stack import Stack

INSTALL = "inst-0001-abcdef"


def launch(client_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": client_id,
        "kind": "launch",
        "at": "2026-11-01T09:59:30+08:00",  # the stack's clock starts at 10:00 Beijing
        "scene": 1058,
        "query": {"from": "article", "id": "123"},
        "path": "pages/index/index",
        **fields,
    }


def logged(stack: Stack) -> list[LoggedBehaviour]:
    """What the mini-program reported and the install links, without the
    order log's facts mirrored there (README, "Facts mirrored from the order log")."""
    stack.settle()
    found = stack.container.behaviour.select(1, 1000)
    return [e for e in found if not e.client_id.startswith(SERVER_PREFIX)]


def test_a_mixed_batch_keeps_the_good_items_and_a_resend_counts_once(stack: Stack) -> None:
    code = stack.sandbox.mint_login_code("alice")["code"]
    status, login = stack.call("POST", "/auth/login", body={"code": code, "scene": 1058})
    assert status == 200, login
    token, member = login["token"], f"member:{login['member_id']}"
    orders_before = stack.event_count()
    batch = [
        launch("e1"),
        {
            "id": "e2",
            "kind": "search",
            "at": "2026-11-01T10:00:00+08:00",
            "text": "茶",
            "result_count": 3,
        },
        {
            "id": "e3",
            "kind": "share",
            "at": "2026-11-01T10:00:00+08:00",
            "path": "p",
            "channel": "fax",
        },
        {"id": "e4", "kind": "checkout_view", "at": "2030-01-01T00:00:00+08:00"},  # ahead
    ]
    status, answer = stack.call("POST", "/track", token=token, body={"events": batch})
    assert status == 200, answer
    assert answer["accepted"] == 3 and answer["duplicates"] == 0
    assert answer["rejected"] == [
        {"index": 2, "id": "e3", "field": "channel", "message": "one of chat, moments, poster"}
    ]

    status, again = stack.call("POST", "/track", token=token, body={"events": batch})
    assert status == 200
    assert (again["accepted"], again["duplicates"], len(again["rejected"])) == (0, 3, 1)

    events = logged(stack)
    assert [(e.client_id, e.kind, e.subject) for e in events] == [
        ("e1", "launch", member),
        ("e2", "search", member),
        ("e4", "checkout_view", member),
    ]
    positions = [e.notification_id for e in events]
    assert positions == sorted(set(positions))  # in the order recorded
    assert events[0].fields["query"] == {"from": "article", "id": "123"}
    assert events[2].at == stack.clock.now()  # a phone clock ahead is taken as now
    assert events[2].client_at == "2030-01-01T00:00:00+08:00"
    assert stack.event_count() == orders_before  # nothing went into the order log


def test_eight_threads_resending_one_batch_store_each_event_once(stack: Stack) -> None:
    batch = {"install_id": INSTALL, "events": [launch(f"r{i}") for i in range(5)]}
    url = stack.base_url + "/track"
    stack.settle()

    def send(_: int) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        response = requests.post(url, data=json.dumps(batch), headers=headers, timeout=60)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    answers, failures = split(race(8, send))
    assert not failures, failures
    assert sum(a["accepted"] for a in answers) == 5
    assert all(a["accepted"] + a["duplicates"] == 5 for a in answers)
    events = logged(stack)
    assert sorted(e.client_id for e in events) == [f"r{i}" for i in range(5)]
    assert {e.subject for e in events} == {f"install:{INSTALL}"}


def test_launches_before_login_are_linked_to_the_member_at_login(stack: Stack) -> None:
    body = {"install_id": INSTALL, "events": [launch("first", inviter="INV1")]}
    status, answer = stack.call("POST", "/track", body=body)
    assert (status, answer["accepted"]) == (200, 1), answer

    for _ in range(2):  # a second login with the same install links nothing new
        code = stack.sandbox.mint_login_code("bob")["code"]
        login = {"code": code, "scene": 1058, "install_id": INSTALL}
        status, answer = stack.call("POST", "/auth/login", body=login)
        assert status == 200, answer
    member_id = answer["member_id"]

    events = logged(stack)
    assert [(e.kind, e.subject) for e in events] == [
        ("launch", f"install:{INSTALL}"),
        ("install_linked", f"install:{INSTALL}"),
    ]
    assert events[1].fields == {"member_id": member_id}

    code = stack.sandbox.mint_login_code("bob")["code"]
    status, bad = stack.call("POST", "/auth/login", body={"code": code, "install_id": "short"})
    assert status == 400 and bad["details"]["errors"][0]["field"] == "install_id", bad


def test_a_flooding_client_gets_429_with_retry_after(stack: Stack) -> None:
    stack.container.settings.track_limit_events = 60  # read when /track is first used
    stack.container.settings.track_limit_window_s = 600
    stack.clock.set(stack.clock.now().replace(minute=0, second=0))
    fifty = {"install_id": INSTALL, "events": [launch(f"f{i}") for i in range(50)]}
    assert stack.call("POST", "/track", body=fifty)[1]["accepted"] == 50

    eleven = {"install_id": INSTALL, "events": [launch(f"g{i}") for i in range(11)]}
    stack.settle()
    response = stack.http.post(stack.base_url + "/track", json=eleven)
    assert response.status_code == 429, response.text
    assert response.headers["Retry-After"] == "600"
    assert response.json()["code"] == "rate_limited"
    assert response.json()["details"] == {"retry_after_s": 600, "limit": 60, "window_s": 600}

    other = {"install_id": "inst-0002-abcdef", "events": eleven["events"]}
    assert stack.call("POST", "/track", body=other)[1]["accepted"] == 11  # per install

    stack.clock.advance(minutes=10)
    assert stack.call("POST", "/track", body=eleven)[1]["accepted"] == 11
    assert len(logged(stack)) == 50 + 11 + 11


def test_a_bad_batch_keeps_nothing(stack: Stack) -> None:
    token = stack.login("carol")
    cases: list[tuple[dict[str, Any] | None, dict[str, Any], int, str | None]] = [
        (
            None,
            {"install_id": INSTALL, "events": [launch(f"x{i}") for i in range(51)]},
            400,
            "events",
        ),
        (None, {"install_id": INSTALL, "events": []}, 400, "events"),
        (None, {"install_id": INSTALL, "events": "launch"}, 400, "events"),
        (None, {"install_id": INSTALL, "events": [launch("a")], "extra": 1}, 400, "extra"),
        (None, {"install_id": "no spaces!", "events": [launch("a")]}, 400, "install_id"),
        (None, {"events": [launch("a")]}, 401, None),
        ({"Authorization": "Bearer forged"}, {"events": [launch("a")]}, 401, None),
    ]
    for headers, body, expected, field in cases:
        response = stack.http.post(stack.base_url + "/track", json=body, headers=headers)
        assert response.status_code == expected, (body, response.text)
        if field is not None:
            assert response.json()["details"]["errors"][0]["field"] == field
    huge = {"events": [launch("big", path="p" * 200)] * 50, "pad": "x" * 70_000}
    response = stack.http.post(
        stack.base_url + "/track", json=huge, headers={"Authorization": f"Bearer {token}"}
    )
    assert (response.status_code, response.json()["code"]) == (413, "too_large")
    assert logged(stack) == []
