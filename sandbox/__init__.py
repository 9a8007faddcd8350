"""A local fake of WeChat and WeChat Pay for tests and the local demo (not shipped)."""

from .keys import (
    DEFAULT_APPID,
    DEFAULT_MCHID,
    DEFAULT_OA_APPID,
    Keyring,
    ensure_keyring,
    generate_keyring,
)
from .server import Sandbox
from .web import SandboxError

__all__ = [
    "DEFAULT_APPID",
    "DEFAULT_MCHID",
    "DEFAULT_OA_APPID",
    "Keyring",
    "Sandbox",
    "SandboxError",
    "ensure_keyring",
    "generate_keyring",
]
