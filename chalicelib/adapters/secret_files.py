"""Secrets that live in files: the session secret and the identity secret the
embedded runtime keeps in its data folder, and the WeChat Pay merchant key
(inline or from a file)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .wechat import WeChatUnavailable


def session_secret(configured: str, data_dir: Path, *, keeps_files: bool) -> bytes:
    """The configured secret; on a runtime that keeps files, one made once and
    kept (0600) in the data folder. A runtime whose instances share no files
    (AWS) must be given one."""
    return _kept_secret("session_secret", configured, data_dir, keeps_files=keeps_files)


def identity_secret(configured: str, data_dir: Path, *, keeps_files: bool) -> bytes:
    """The key of the WeChat identities' pseudonyms (adapters/pseudonyms.py), kept
    like the session secret. Changing it forgets which identities had their
    新人券 and members, so it is kept for good."""
    return _kept_secret("identity_secret", configured, data_dir, keeps_files=keeps_files)


def _kept_secret(name: str, configured: str, data_dir: Path, *, keeps_files: bool) -> bytes:
    if configured:
        return configured.encode()
    if not keeps_files:
        raise RuntimeError(f"MINILOOP_{name.upper()} must be set: every function shares it")
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        _create_once(path, secrets.token_urlsafe(32))
    return path.read_text().strip().encode()


def _create_once(path: Path, text: str) -> None:
    """Writes `text` (0600) to `path` unless it exists, all at once: threads or
    processes using the secret for the first time together all read the one
    complete file (never an empty one being written), whichever made it."""
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another first use made it: that one is kept
    finally:
        draft.unlink()


def merchant_key_pem(inline: str, key_file: Path | None) -> bytes:
    """The WeChat Pay merchant private key, given inline or as a file."""
    if inline:
        return inline.encode()
    if key_file is None:
        raise WeChatUnavailable("MINILOOP_WECHATPAY_PRIVATE_KEY_FILE is not configured")
    return key_file.read_bytes()
