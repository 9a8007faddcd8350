"""What the endpoint modules use of the running sandbox (server.py's
`Sandbox`), so they name it without importing the server that routes to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from chalicelib.clock import Clock

    from .keys import Keyring
    from .state import SandboxState


class SandboxCore(Protocol):
    state: SandboxState
    keyring: Keyring
    clock: Clock
    merchant_public_key: rsa.RSAPublicKey
    platform_private_key: rsa.RSAPrivateKey

    def app_base(self) -> str:
        """The app's base URL, for pushes; SandboxError 409 when unknown."""

    def notify_target(self, notify_url: str) -> str:
        """Where a WeChat Pay notification for `notify_url` is delivered."""

    def deliver(self, url: str, headers: Mapping[str, str], body: bytes) -> int:
        """POSTs a signed notification; the app's HTTP status."""

    def refund_requested(self, out_refund_no: str) -> None:
        """A refund was asked for: completes it later when the sandbox does so by itself."""
