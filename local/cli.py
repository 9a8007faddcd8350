"""`python manage.py ...`: run Miniloop locally, rebuild projections, run jobs,
move the local clock."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from tqdm import tqdm

from chalicelib import bootstrap
from chalicelib.clock import Clock
from chalicelib.settings import Settings, SettingsError
from sandbox import Sandbox, ensure_keyring
from sandbox.message_table import message_table

from . import behaviour_export
from .demo_catalogue import seed_demo_catalogue
from .run_config import RunConfig
from .sandbox_env import sandbox_settings
from .servers import AppServer, Ticker
from .time_travel import (
    ClockControl,
    ClockRefused,
    TravelClock,
    clock_for,
    describe,
    parse_duration,
)


def _configure(data_dir: Path, where: RunConfig) -> bootstrap.Container:
    """Settings pointing at the sandbox `where` names, and the process's container
    on the local clock."""
    keyring_dir = data_dir / "sandbox-keyring"
    keyring = ensure_keyring(keyring_dir)
    env = sandbox_settings(
        keyring,
        keyring_dir,
        sandbox_url=where.sandbox_url,
        public_url=where.app_url,
        data_dir=data_dir,
    )
    for key, value in env.items():
        os.environ.setdefault(key, value)
    settings = Settings()
    container = bootstrap.Container(settings, clock=clock_for(settings, data_dir))
    bootstrap.use(container)
    return container


def run(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    where = RunConfig(host=args.host, port=args.port, sandbox_port=args.sandbox_port)
    c = _configure(args.data_dir, where)
    keyring = ensure_keyring(args.data_dir / "sandbox-keyring")
    sandbox = Sandbox(
        keyring,
        clock=c.clock,
        host=args.host,
        port=args.sandbox_port,
        auto_complete_refunds=not args.manual_refunds,
        app_url=where.app_url,
    ).start()
    added = seed_demo_catalogue(c.shop)
    c.runner.catch_up()
    server = AppServer(args.host, args.port).start()
    ticker = Ticker(args.tick_seconds).start()
    where.save(args.data_dir)
    print(
        f"\nMiniloop listening on {server.base_url}  (data in {args.data_dir.resolve()})\n"
        f"WeChat sandbox on {sandbox.base_url}; demo products seeded: {added}\n"
        f"admin token: {c.settings.admin_token}\n"
        f"{_clock_line(c.clock)}"
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
        c.close()  # the last sends reach the sandbox before it stops
        sandbox.stop()


def _clock_line(clock: Clock) -> str:
    offset = clock.offset() if isinstance(clock, TravelClock) else None
    if not offset:
        return ""
    return f"clock: {describe(offset)} ahead of real time (python manage.py clock reset)\n"


def export_behaviour(args: argparse.Namespace) -> None:
    """The behaviour log's events of the range, as CSV on stdout (local/behaviour_export.py)."""
    start = behaviour_export.parse_day("from", args.start)
    end = behaviour_export.parse_day("to", args.end)
    c = _configure(args.data_dir, RunConfig.load(args.data_dir))
    try:
        written = behaviour_export.export(c.behaviour, start, end, sys.stdout)
    except BrokenPipeError:  # the reader stopped (`| head`): not an error of the export
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None
    finally:
        c.close()
    print(f"exported {written} behaviour events", file=sys.stderr)


def rebuild(args: argparse.Namespace) -> None:
    """One pass over each log (the order log's, the behaviour log's) for every
    projection named; an interrupted run (Ctrl-C, a crash) continues where it
    stopped, unless --restart."""
    runners = _configure(args.data_dir, RunConfig.load(args.data_dir)).runners
    known = runners.names()
    if args.name != "all" and args.name not in known:
        raise SystemExit(f"no projection {args.name!r}; known: {', '.join(known)}")
    kept: list[str] = []
    for log_name, runner in runners.by_log().items():
        names = [n for n in runner.projections if args.name in ("all", n)]
        if not names:
            continue
        desc = f"{args.name} ({log_name} log)"
        with tqdm(total=runner.log_length(), desc=desc, unit="event") as bar:
            result = runner.rebuild(names, progress=bar.update, restart=args.restart)
        switched = ", ".join(result.switched) or "none"
        print(f"switched to the rebuilt views: {switched}", file=sys.stderr)
        for name in result.kept:
            parked = runner.status(name)["rebuild_parked"]
            print(
                f"{name}: not switched, the rebuild stopped at event {parked['position']} "
                f"({parked['topic']}): {parked['error']}"
            )
        kept += result.kept
    if kept:
        raise SystemExit(f"rebuilt all but {', '.join(kept)}; readers stay on their views")


def tick(args: argparse.Namespace) -> None:
    c = _configure(args.data_dir, RunConfig.load(args.data_dir))
    try:
        print(json.dumps(c.scheduler.tick()))
    finally:
        c.close()  # the sends its commits woke go out before the process ends


def _runtime() -> str:
    """MINILOOP_RUNTIME alone: refusing to move the AWS runtime's clock must not
    depend on the rest of its settings being complete."""
    return os.environ.get("MINILOOP_RUNTIME", "embedded").strip().lower() or "embedded"


def clock(args: argparse.Namespace) -> None:
    """Local time travel; every timer fires at the next tick once it is due."""
    try:
        control = ClockControl(_runtime(), args.data_dir)
        if args.action == "advance":
            print(control.advance(parse_duration(args.duration)))
            print("due timers fire at the running ticker's next round, or now: manage.py tick")
        elif args.action == "reset":
            print(control.reset())
        else:
            print(control.show())
    except ClockRefused as refusal:
        raise SystemExit(f"manage.py clock: {refusal}") from None


class _Refused(Exception):
    """The sandbox answered with an error."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status


def _sandbox_call(args: argparse.Namespace, path: str, payload: dict[str, object] | None) -> bytes:
    """Calls the running sandbox; a server that is not there is one line, not a traceback."""
    where = RunConfig.load(args.data_dir)
    base = (args.sandbox or where.sandbox_url).rstrip("/")
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(
        base + path, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as error:
        raise _refusal(error) from None
    except OSError:  # refused, reset or timed out
        if args.sandbox:
            raise SystemExit(
                f"no WeChat sandbox answers at {base} (start Miniloop with `make run`)"
            ) from None
        raise SystemExit(
            f"Miniloop is not running at {where.app_url} (start it with `make run`)"
        ) from None


def _refusal(error: urllib.error.HTTPError) -> _Refused:
    try:
        answer = json.loads(error.read())
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    return _Refused(
        error.code, str(answer.get("code", "")), str(answer.get("message", error.reason))
    )


def login_code(args: argparse.Namespace) -> None:
    try:
        print(_sandbox_call(args, "/sandbox/login-codes", {"user": args.user}).decode())
    except _Refused as refused:
        raise SystemExit(f"the sandbox refused a login code for {args.user!r}: {refused}") from None


def pay(args: argparse.Namespace) -> None:
    order = args.order_id
    try:
        answer = _sandbox_call(args, "/sandbox/pay", {"out_trade_no": order.replace("-", "")})
    except _Refused as refused:
        if refused.status == 404:
            raise SystemExit(
                f"unknown order {order}: WeChat Pay has no payment for it "
                f"(ask for one with POST /orders/{order}/pay first)"
            ) from None
        raise SystemExit(f"the sandbox refused to pay order {order}: {refused}") from None
    print(answer.decode())


def sandbox_messages(args: argparse.Namespace) -> None:
    """What the running sandbox's WeChat accepted to send, as a table (or JSON)."""
    try:
        messages = json.loads(_sandbox_call(args, "/sandbox/messages", None))["messages"]
    except _Refused as refused:
        raise SystemExit(f"the sandbox refused to list its messages: {refused}") from None
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
    p.add_argument(
        "--manual-refunds",
        action="store_true",
        help="the sandbox leaves refunds PROCESSING until POST /sandbox/refunds/<no>/complete",
    )
    p.set_defaults(func=run)
    p = sub.add_parser("rebuild", help="rebuild a projection (or all) from the event log")
    p.add_argument("name", nargs="?", default="all")
    p.add_argument(
        "--restart", action="store_true", help="start over instead of continuing one in progress"
    )
    p.set_defaults(func=rebuild)
    sub.add_parser("tick", help="run the due scheduled jobs once").set_defaults(func=tick)
    p = sub.add_parser("clock", help="local time travel (embedded runtime only)")
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("show", help="the local time and how far ahead it runs")
    actions.add_parser("advance", help="move ahead: 90m, 2h, 7d, 1d12h").add_argument("duration")
    actions.add_parser("reset", help="back to real time")
    p.set_defaults(func=clock)
    sandbox_help = "the sandbox's URL (default: where the last `run` put it)"
    for name, func, arg in (("login-code", login_code, "user"), ("pay", pay, "order_id")):
        p = sub.add_parser(name, help=f"ask the running sandbox: {name}")
        p.add_argument(arg)
        p.add_argument("--sandbox", help=sandbox_help)
        p.set_defaults(func=func)
    p = sub.add_parser("sandbox-messages", help="list the messages the sandbox's WeChat sent")
    p.add_argument("--sandbox-url", dest="sandbox", help=sandbox_help)
    p.add_argument("--json", action="store_true", help="print the raw records")
    p.set_defaults(func=sandbox_messages)
    p = sub.add_parser("export-behaviour", help="the behaviour log's events of a range, as CSV")
    p.add_argument("--from", dest="start", required=True, help="first Beijing day, YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, help="last Beijing day, YYYY-MM-DD")
    p.set_defaults(func=export_behaviour)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except SettingsError as error:  # an operator's setting: what is wrong, not a traceback
        raise SystemExit(f"manage.py: {error}") from None
