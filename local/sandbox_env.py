"""Points Miniloop's settings at the bundled WeChat sandbox and its keyring (the
mini-program and its message push, WeChat Pay and the official account all live in the
one sandbox)."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox import Keyring


def sandbox_settings(
    keyring: Keyring, keyring_dir: Path, *, sandbox_url: str, public_url: str, data_dir: Path
) -> dict[str, str]:
    """MINILOOP_* settings for a Miniloop that talks to the sandbox."""
    keyring_dir = keyring_dir.resolve()
    return {
        "MINILOOP_DATA_DIR": str(data_dir),
        "MINILOOP_PUBLIC_URL": public_url,
        "MINILOOP_WECHAT_API_BASE": sandbox_url,
        "MINILOOP_WECHATPAY_API_BASE": sandbox_url,
        "MINILOOP_WECHAT_APPID": keyring.appid,
        "MINILOOP_WECHAT_SECRET": keyring.app_secret,
        "MINILOOP_WECHATPAY_MCHID": keyring.mchid,
        "MINILOOP_WECHATPAY_SERIAL_NO": keyring.merchant_serial,
        "MINILOOP_WECHATPAY_PRIVATE_KEY_FILE": str(keyring_dir / "merchant_private.pem"),
        "MINILOOP_WECHATPAY_PLATFORM_KEYS": json.dumps(
            {keyring.platform_serial: str(keyring_dir / "platform_public.pem")}
        ),
        "MINILOOP_WECHATPAY_APIV3_KEY": keyring.apiv3_key.decode("ascii"),
        "MINILOOP_OA_API_BASE": sandbox_url,
        "MINILOOP_OA_APPID": keyring.oa_appid,
        "MINILOOP_OA_SECRET": keyring.oa_secret,
        "MINILOOP_OA_TOKEN": keyring.oa_token,
        "MINILOOP_OA_AES_KEY": keyring.oa_aes_key,
        "MINILOOP_MP_PUSH_TOKEN": keyring.mp_push_token,
        "MINILOOP_MP_PUSH_AES_KEY": keyring.mp_push_aes_key,
    }
