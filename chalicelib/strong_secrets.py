"""What a secret that guards production must be: long enough not to be guessed,
not one printed in the README or the test suites, not one character repeated.

The AWS runtime refuses to start with an admin token that is not (settings.py);
the embedded runtime keeps its `dev-admin-token` for `make run` on a laptop.
"""

from __future__ import annotations

MIN_LENGTH = 24
"""The same floor infra/variables.tf sets for the admin_token variable."""
MIN_DISTINCT = 8
KNOWN = frozenset({"dev-admin-token", "test-admin-token", "admin", "changeme", "change-me"})
HOW = "e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def weakness(secret: str) -> str | None:
    """Why `secret` is not strong enough, or None when it is."""
    value = secret.strip()
    if not value:
        return "is not set"
    if value.lower() in KNOWN:
        return f"is the well-known {value!r}"
    if len(value) < MIN_LENGTH:
        return f"has {len(value)} characters; at least {MIN_LENGTH} are needed"
    if len(set(value)) < MIN_DISTINCT:
        return f"repeats too few characters; at least {MIN_DISTINCT} different ones are needed"
    return None
