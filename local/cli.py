"""`python manage.py ...`: run Miniloop locally, rebuild projections, run jobs."""

from __future__ import annotations

import argparse
import json
import logging
import os
import threading
import urllib.request
from pathlib import Path

from tqdm import tqdm

from chalicelib import bootstrap
from chalicelib.clock import SystemClock
from sandbox import Sandbox, ensure_keyring
from sandbox.message_table import message_table

from .demo_catalogue import seed_demo_catalogue
from .sandbox_env import sandbox_settings
from .servers import AppServer, Ticker


def _configure(data_dir: Path, sandbox_url: str, public_url: str) -> None:
    keyring_dir = data_dir / "sandbox-keyring"
    keyring = ensure_keyring(keyring_dir)
    env = sandbox_settings(
        keyring, keyring_dir, sandbox_url=sandbox_url, public_url=public_url, data_dir=data_dir
    )
    for key, value in env.items():
        os.environ.setdefault(key, value)


def run(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sandbox_url = f"http://{args.host}:{args.sandbox_port}"
    public_url = f"http://{args.host}:{args.port}"
    _configure(args.data_dir, sandbox_url, public_url)
    c = bootstrap.container()
    keyring = ensure_keyring(args.data_dir / "sandbox-keyring")
    sandbox = Sandbox(
        keyring,
        clock=SystemClock(),
        host=args.host,
        port=args.sandbox_port,
        auto_complete_refunds=True,
        app_url=public_url,
    ).start()
    added = seed_demo_catalogue(c.shop)
    c.runner.catch_up()
    server = AppServer(args.host, args.port).start()
    ticker = Ticker(args.tick_seconds).start()
    print(
        f"\nMiniloop listening on {server.base_url}  (data in {args.data_dir.resolve()})\n"
        f"WeChat sandbox on {sandbox.base_url}; demo products seeded: {added}\n"
        f"admin token: {c.settings.admin_token}\n"
        f"try: curl {server.base_url}/products\n"
        f"     python manage.py login-code alice   # a wx.login code for POST /auth/login\n",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping")
    finally:
        ticker.stop()
        server.stop()
        sandbox.stop()


def rebuild(args: argparse.Namespace) -> None:
    _configure(args.data_dir, "http://127.0.0.1:8001", "http://127.0.0.1:8000")
    runner = bootstrap.container().runner
    names = list(runner.projections) if args.name == "all" else [args.name]
    for name in names:
        if name not in runner.projections:
            raise SystemExit(f"no projection {name!r}; known: {', '.join(runner.projections)}")
        with tqdm(total=runner.log_length(), desc=name, unit="event") as bar:
            runner.rebuild(name, progress=bar.update)


def tick(args: argparse.Namespace) -> None:
    _configure(args.data_dir, "http://127.0.0.1:8001", "http://127.0.0.1:8000")
    print(json.dumps(bootstrap.container().scheduler.tick()))


def _sandbox_post(url: str, payload: dict[str, object]) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        print(response.read().decode())


def login_code(args: argparse.Namespace) -> None:
    _sandbox_post(f"{args.sandbox}/sandbox/login-codes", {"user": args.user})


def pay(args: argparse.Namespace) -> None:
    _sandbox_post(f"{args.sandbox}/sandbox/pay", {"out_trade_no": args.order_id.replace("-", "")})


def sandbox_messages(args: argparse.Namespace) -> None:
    """What the running sandbox's WeChat accepted to send, as a table (or JSON)."""
    url = f"{args.sandbox_url.rstrip('/')}/sandbox/messages"
    with urllib.request.urlopen(url, timeout=10) as response:
        messages = json.loads(response.read())["messages"]
    if args.json:
        print(json.dumps(messages, ensure_ascii=False, indent=2))
    else:
        print(message_table(messages))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="start Miniloop, the WeChat sandbox and the ticker")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--sandbox-port", type=int, default=8001)
    p.add_argument("--tick-seconds", type=float, default=10.0)
    p.set_defaults(func=run)
    p = sub.add_parser("rebuild", help="rebuild a projection (or all) from the event log")
    p.add_argument("name", nargs="?", default="all")
    p.set_defaults(func=rebuild)
    sub.add_parser("tick", help="run the due scheduled jobs once").set_defaults(func=tick)
    for name, func, arg in (("login-code", login_code, "user"), ("pay", pay, "order_id")):
        p = sub.add_parser(name, help=f"ask the running sandbox: {name}")
        p.add_argument(arg)
        p.add_argument("--sandbox", default="http://127.0.0.1:8001")
        p.set_defaults(func=func)
    p = sub.add_parser("sandbox-messages", help="list the messages the sandbox's WeChat sent")
    p.add_argument("--sandbox-url", default="http://127.0.0.1:8001")
    p.add_argument("--json", action="store_true", help="print the raw records")
    p.set_defaults(func=sandbox_messages)
    args = parser.parse_args(argv)
    args.func(args)
