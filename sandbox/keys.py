"""The sandbox's credentials: merchant and platform RSA keys, APIv3 key, the identities of
the mini-program (with its message push's token and EncodingAESKey) and of the official
account (its secret, push token and EncodingAESKey)."""

from __future__ import annotations

import base64
import json
import os
import secrets
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.adapters.wechat import load_private_key, load_public_key

DEFAULT_APPID = "wx0000000000sandbox"
DEFAULT_MCHID = "1900000001"
DEFAULT_OA_APPID = "wx00000000oasandbox"
_ALNUM = string.ascii_letters + string.digits
_private_key = lru_cache(maxsize=16)(load_private_key)
_public_key = lru_cache(maxsize=16)(load_public_key)
_OA_FIELDS = ("oa_appid", "oa_secret", "oa_token", "oa_aes_key")
_MP_PUSH_FIELDS = ("mp_push_token", "mp_push_aes_key")
_PEM_FILES = {
    "merchant_private_pem": "merchant_private.pem",
    "merchant_public_pem": "merchant_public.pem",
    "platform_private_pem": "platform_private.pem",
    "platform_public_pem": "platform_public.pem",
}


@dataclass(frozen=True)
class Keyring:
    merchant_private_pem: bytes
    merchant_public_pem: bytes
    merchant_serial: str
    platform_private_pem: bytes
    platform_public_pem: bytes
    platform_serial: str
    apiv3_key: bytes
    appid: str = DEFAULT_APPID
    mchid: str = DEFAULT_MCHID
    app_secret: str = ""
    oa_appid: str = DEFAULT_OA_APPID
    oa_secret: str = ""
    oa_token: str = ""
    oa_aes_key: str = ""
    mp_push_token: str = ""
    mp_push_aes_key: str = ""

    def merchant_private_key(self) -> rsa.RSAPrivateKey:
        return _private_key(self.merchant_private_pem)

    def merchant_public_key(self) -> rsa.RSAPublicKey:
        return _public_key(self.merchant_public_pem)

    def platform_private_key(self) -> rsa.RSAPrivateKey:
        return _private_key(self.platform_private_pem)

    def platform_keys(self) -> dict[str, rsa.RSAPublicKey]:
        """What the merchant configures to verify notifications: serial -> public key."""
        return {self.platform_serial: _public_key(self.platform_public_pem)}


def _key_pair() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def generate_keyring(appid: str = DEFAULT_APPID, mchid: str = DEFAULT_MCHID) -> Keyring:
    """A fresh keyring in memory (tests)."""
    merchant_private, merchant_public = _key_pair()
    platform_private, platform_public = _key_pair()
    return Keyring(
        merchant_private_pem=merchant_private,
        merchant_public_pem=merchant_public,
        merchant_serial=secrets.token_hex(20).upper(),
        platform_private_pem=platform_private,
        platform_public_pem=platform_public,
        platform_serial="PUB_KEY_ID_" + "".join(secrets.choice(string.digits) for _ in range(32)),
        apiv3_key="".join(secrets.choice(_ALNUM) for _ in range(32)).encode("ascii"),
        appid=appid,
        mchid=mchid,
        app_secret=secrets.token_hex(16),
        **_official_account(),
        **_mp_push(),
    )


def _official_account() -> dict[str, str]:
    """A fresh official-account identity: secret, push token and a 43-character AES key."""
    token, aes_key = _push_secrets()
    return {
        "oa_appid": DEFAULT_OA_APPID,
        "oa_secret": secrets.token_hex(16),
        "oa_token": token,
        "oa_aes_key": aes_key,
    }


def _push_secrets() -> tuple[str, str]:
    """A push token and a 43-character EncodingAESKey, as a console would generate them."""
    token = "".join(secrets.choice(_ALNUM) for _ in range(32))
    return token, base64.b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")


def _mp_push() -> dict[str, str]:
    """The mini-program's message push: its own token and key, not the account's."""
    token, aes_key = _push_secrets()
    return {"mp_push_token": token, "mp_push_aes_key": aes_key}


def ensure_keyring(directory: Path) -> Keyring:
    """Loads the keyring stored in ``directory``, generating and storing it the first time.

    Files: ``keyring.json`` (serials, APIv3 key, appid, mchid, app secret, the official
    account's and the mini-program push's fields) and four PEMs.  A keyring.json written
    before the official account or the mini-program push existed gains fresh fields for
    them and keeps everything else.
    """
    directory = Path(directory)
    manifest = directory / "keyring.json"
    if manifest.exists():
        settings = json.loads(manifest.read_text())
        missing = [name for name in (*_OA_FIELDS, *_MP_PUSH_FIELDS) if name not in settings]
        if missing:
            settings = {**_official_account(), **_mp_push(), **settings}
            _write(manifest, json.dumps(settings, indent=2).encode(), private=True)
        pems = {field: (directory / name).read_bytes() for field, name in _PEM_FILES.items()}
        return Keyring(
            **pems,
            merchant_serial=settings["merchant_serial"],
            platform_serial=settings["platform_serial"],
            apiv3_key=settings["apiv3_key"].encode("ascii"),
            appid=settings["appid"],
            mchid=settings["mchid"],
            app_secret=settings["app_secret"],
            oa_appid=settings["oa_appid"],
            oa_secret=settings["oa_secret"],
            oa_token=settings["oa_token"],
            oa_aes_key=settings["oa_aes_key"],
            mp_push_token=settings["mp_push_token"],
            mp_push_aes_key=settings["mp_push_aes_key"],
        )
    keyring = generate_keyring()
    directory.mkdir(parents=True, exist_ok=True)
    for field, name in _PEM_FILES.items():
        _write(directory / name, getattr(keyring, field), private="private" in field)
    settings = {
        "merchant_serial": keyring.merchant_serial,
        "platform_serial": keyring.platform_serial,
        "apiv3_key": keyring.apiv3_key.decode("ascii"),
        "appid": keyring.appid,
        "mchid": keyring.mchid,
        "app_secret": keyring.app_secret,
        **{name: getattr(keyring, name) for name in (*_OA_FIELDS, *_MP_PUSH_FIELDS)},
    }
    # keyring.json goes last: its presence means the PEMs are complete.
    _write(manifest, json.dumps(settings, indent=2).encode(), private=True)
    return keyring


def _write(path: Path, data: bytes, *, private: bool) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
