from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from sandbox import ensure_keyring

from .conftest import get_json

ROOT = Path(__file__).resolve().parents[3]


def test_keyring_is_generated_once_then_reloaded(tmp_path: Path) -> None:
    first = ensure_keyring(tmp_path / "kr")
    again = ensure_keyring(tmp_path / "kr")
    assert again == first
    assert len(first.apiv3_key) == 32 and first.apiv3_key.isascii()
    assert (first.appid, first.mchid) == ("wx0000000000sandbox", "1900000001")
    assert first.platform_serial.startswith("PUB_KEY_ID_")
    mode = stat.S_IMODE((tmp_path / "kr" / "merchant_private.pem").stat().st_mode)
    assert mode == 0o600
    settings = json.loads((tmp_path / "kr" / "keyring.json").read_text())
    assert settings["merchant_serial"] == first.merchant_serial


def test_cli_serves_on_the_printed_url(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0", "--keyring", str(tmp_path / "kr")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("WeChat sandbox listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1].strip()
        assert get_json(url + "/sandbox/state")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (tmp_path / "kr" / "keyring.json").exists()
