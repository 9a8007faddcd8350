"""On the AWS runtime the shop refuses to start without a strong admin token; the
embedded runtime keeps the README's `dev-admin-token` for `make run`."""

from __future__ import annotations

import pytest

from chalicelib.settings import Settings, SettingsError
from chalicelib.strong_secrets import weakness

STRONG = "Zq3-8vLkP0wR7tYb2nMs5cXe"


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MINILOOP_RUNTIME", "MINILOOP_ADMIN_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_the_embedded_runtime_keeps_its_development_token() -> None:
    assert Settings().admin_token == "dev-admin-token"


def test_the_aws_runtime_refuses_to_start_with_the_default_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MINILOOP_RUNTIME", "aws")
    with pytest.raises(SettingsError) as refused:
        Settings()
    message = str(refused.value)
    assert "MINILOOP_ADMIN_TOKEN is the well-known 'dev-admin-token'" in message
    assert "secrets.token_urlsafe" in message


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("", "is not set"),
        ("   ", "is not set"),
        ("test-admin-token", "well-known"),
        ("DEV-ADMIN-TOKEN", "well-known"),
        ("s3cret-but-short", "16 characters; at least 24"),
        ("ab" * 20, "different ones"),
    ],
)
def test_weak_admin_tokens_are_refused_on_aws(token: str, why: str) -> None:
    with pytest.raises(SettingsError, match=why):
        Settings(runtime="aws", admin_token=token)


def test_a_strong_admin_token_starts_the_aws_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINILOOP_RUNTIME", "aws")
    monkeypatch.setenv("MINILOOP_ADMIN_TOKEN", STRONG)
    assert Settings().admin_token == STRONG
    assert weakness(STRONG) is None
