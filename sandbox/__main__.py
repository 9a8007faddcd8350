"""``python -m sandbox --port 8001 --keyring DIR --app-notify-base http://127.0.0.1:8000``"""

from __future__ import annotations

import argparse
import logging
import threading
from pathlib import Path

from chalicelib.clock import SystemClock

from .keys import ensure_keyring
from .server import Sandbox


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--keyring", type=Path, default=Path("data/sandbox-keyring"))
    parser.add_argument(
        "--app-notify-base",
        default=None,
        help="deliver notifications to this base URL + the path of the merchant's notify_url",
    )
    parser.add_argument(
        "--app-url",
        default=None,
        help="the app's base URL for official-account pushes (default: --app-notify-base)",
    )
    parser.add_argument(
        "--auto-complete-refunds",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="refunds succeed by themselves after --refund-delay seconds",
    )
    parser.add_argument("--refund-delay", type=float, default=2.0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    keyring = ensure_keyring(args.keyring)
    sandbox = Sandbox(
        keyring,
        clock=SystemClock(),
        host=args.host,
        port=args.port,
        notify_base=args.app_notify_base,
        auto_complete_refunds=args.auto_complete_refunds,
        refund_delay_s=args.refund_delay,
        app_url=args.app_url,
    ).start()
    print(f"WeChat sandbox listening on {sandbox.base_url}", flush=True)
    print(f"keyring: {args.keyring.resolve()} (appid {keyring.appid}, mchid {keyring.mchid})")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
