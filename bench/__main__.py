"""`python -m bench`: one run, fresh temporary data, a markdown table of ratios
against the physical limits (see ARCHITECTURE.md, "Performance")."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from chalicelib.bootstrap import Container

from . import analytics, dynamodb
from .app_files import replay as replay_app_writes
from .app_files import timed_units
from .dynamodb import Saves
from .flash_sale import FlashRun, run_flash
from .imports import measure as measure_imports
from .orders import OrdersRun, run_orders
from .oversell import Oversell, run_oversell
from .raw import Commit, fastest_replay
from .rebuild import run_rebuilds
from .table import Row, rate, ratio, render


def _step(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _orders_rows(label: str, run: OrdersRun, limit_s: float, all_s: float) -> list[Row]:
    """`limit_s`: the event store's transactions raw; `all_s`: with them, every
    other write and statement of the run's own files (app_files.py)."""
    return [
        Row(f"orders placed + paid, {label}", rate(run.orders, run.seconds, "orders")),
        Row(f"event-store rows committed, {label}, {len(run.timed):,} transactions",
            rate(run.rows, run.seconds, "rows"), rate(run.rows, limit_s, "rows"),
            ratio(limit_s, run.seconds)),
        Row(f"orders placed + paid, {label} ÷ all their transactions raw",
            rate(run.orders, run.seconds, "orders"), rate(run.orders, all_s, "orders"),
            ratio(all_s, run.seconds)),
    ]  # fmt: skip


def _files_note(run: OrdersRun) -> str:
    writes = run.app_writes
    behaviour = len(writes.behaviour) - writes.marks["behaviour"]
    files = "; ".join(
        f"{name} file: {transactions:,} transactions, {statements:,} statements"
        for name, transactions, statements in timed_units(writes)
    )
    return f"behaviour log: {behaviour:,} commits; {files}"


def _sizes(commits: Sequence[Commit]) -> str:
    """Rows per commit, `+` between commits; a snapshot commit is marked `s`."""
    return "+".join(f"{len(c.rows)}{'s' if c.table == 'snapshots' else ''}" for c in commits)


def _commit_note(run: OrdersRun) -> str:
    timed = run.timed
    snapshots = [c for c in timed if c.table == "snapshots"]
    sizes = Counter(len(c.rows) for c in timed if c.table == "events")
    spread = ", ".join(f"{k} rows ×{v:,}" for k, v in sorted(sizes.items()))
    return (
        f"{len(timed):,} transactions for {run.orders} orders: place_order commits "
        f"{_sizes(run.place_order)} rows, record_payment {_sizes(run.record_payment)} (warm-up "
        f"order); events-table commits by size: {spread}; snapshot commits: {len(snapshots)} "
        f"({sum(len(c.rows) for c in snapshots)} rows)"
    )


def _fastest_replay(prefix: Path, run: OrdersRun) -> float:
    """The fastest of three raw replays of the run's commits, each into a fresh file."""
    return fastest_replay(prefix, run.commits, run.durability, untimed=run.timed_from)


def writes(tmp: Path, orders: int, rows: list[Row], notes: list[str]) -> tuple[Container, Saves]:
    """Also returns the events-table transactions of the timed run with
    projections, which the DynamoDB part replays."""
    _step(f"placing and paying {orders} orders, with projections...")
    app, with_views = run_orders(tmp / "with", orders, projections=True)
    _step("... without projections...")
    bare, without_views = run_orders(tmp / "bare", orders, projections=False)
    bare.close()
    _step("... the same transactions replayed raw, best of 3...")
    with_limit = _fastest_replay(tmp / "raw-with", with_views)
    bare_limit = _fastest_replay(tmp / "raw-bare", without_views)
    with_all = with_limit + replay_app_writes(with_views.app_writes, tmp / "raw-with-files")
    bare_all = bare_limit + replay_app_writes(without_views.app_writes, tmp / "raw-bare-files")
    rows += _orders_rows("with projections (default)", with_views, with_limit, with_all)
    rows += _orders_rows("without projections", without_views, bare_limit, bare_all)
    rows.append(Row("orders/s with ÷ without projections", "", "",
                    ratio(without_views.seconds, with_views.seconds)))  # fmt: skip
    durability = with_views.durability
    notes.append(
        "write limit: each run's own event-store transactions, recorded as they committed "
        "(the recorders' insert_events wrapped), replayed raw into a fresh file after the "
        "run's setup transactions (untimed), fastest of 3 replays: the same rows, the same "
        "transaction boundaries, eventsourcing's own CREATE TABLE and INSERT statements (one "
        "execute per event row, one executemany per snapshot commit), BEGIN/COMMIT, "
        f"journal_mode={durability.journal_mode}, synchronous={durability.synchronous_name} "
        "as read from the event store's connection. With projections: "
        f"{_commit_note(with_views)}. Without: {_commit_note(without_views)}. "
        "The third row of each run divides its time by all the transactions it made raw: "
        "the event store's as above, the behaviour log's commits the same way, and every "
        "statement the run ran on the read models' file (views, positions, outbox) and on the "
        "PII keys' file, recorded as it ran and replayed in the same transactions, with the "
        "same parameters, into copies of the files as the run found them, with each file's "
        f"journal mode and `synchronous`; fastest of 3 each. With projections: "
        f"{_files_note(with_views)}. Without: {_files_note(without_views)}."
    )
    saves = [c.rows for c in with_views.timed if c.table == "events"]
    return app, saves


def rebuilds(app: Container, rows: list[Row], notes: list[str]) -> None:
    _step("rebuilding projections...")
    result = run_rebuilds(app)
    read_rate = result.log_length / result.read_seconds
    rows.append(Row(f"rebuild all {result.projections} (one pass)",
                    rate(result.events, result.seconds, "events"), f"{read_rate:,.0f} rows/s",
                    ratio(result.events / result.seconds, read_rate)))  # fmt: skip
    recorder_rate = result.log_length / result.recorder_read_seconds
    rows.append(Row(f"rebuild all {result.projections} ÷ the log read through the recorder",
                    "", f"{recorder_rate:,.0f} events/s",
                    ratio(result.events / result.seconds, recorder_rate)))  # fmt: skip
    same_rate = result.log_length / result.same_work_seconds
    rows.append(Row(f"rebuild all {result.projections} ÷ the same reads and view writes raw",
                    "", f"{same_rate:,.0f} events/s",
                    ratio(result.same_work_seconds, result.seconds)))  # fmt: skip
    notes.append(
        f"rebuild limit: one raw read of the whole log ({result.log_length:,} events), the "
        f"recorder's own SELECT in pages of {result.page} rows (the rebuild's page) fetched as "
        "tuples, no notifications, no deserialising, no view writes; fastest of 3 passes, "
        f"{result.read_seconds * 1000:.0f} ms. `rebuild all` reads each page once for all "
        f"{result.projections} projections, deserialises only the events one of them handles "
        "(filtered by topic), commits each batch's view writes and positions in one "
        "transaction, then switches every projection at once. Second row: the same rebuild "
        "against the same pages read through eventsourcing's recorder (`select_notifications`, "
        f"notifications made, nothing deserialised; fastest of 3, "
        f"{result.recorder_read_seconds * 1000:.0f} ms), the read the rebuild's first ratio "
        "(0.016, issue 14) was measured against: not the limit, a like-for-like comparison. "
        "Third row: the same rebuild against a limit that does its storage work and nothing "
        "else: the raw log read above plus every statement a second rebuild ran on the views "
        f"file ({result.view_statements:,} statements in {result.view_transactions} "
        "transactions: its reads of view items and positions, each batch's writes, the "
        "switch), recorded and replayed raw with the same parameters into copies of the file "
        "as that rebuild found it, with its journal mode and `synchronous` (fastest of 3, "
        f"{result.view_replay_seconds * 1000:.0f} ms). What the rebuild spends beyond it is "
        "deserialising events, the projections' code and the view documents' JSON."
    )


def imports(rows: list[Row], notes: list[str]) -> None:
    _step("timing imports in fresh interpreters...")
    counts = []
    for m in measure_imports():
        f = m.function
        rows.append(Row(f"`{f.name}` cold import of `{f.module}`, fresh interpreter (median of 5)",
                        f"{m.seconds * 1000:.0f} ms", f"{m.dependencies_seconds * 1000:.0f} ms",
                        ratio(m.seconds, m.dependencies_seconds)))  # fmt: skip
        counts.append(f"{f.name}: {m.dependency_modules} of {', '.join(f.dependencies)}")
    notes.append(
        "import limit, per Lambda function: the modules of its dependencies that its handler "
        f"module loads, imported alone in the same order ({'; '.join(counts)})."
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
    spread = result.spread_orders / result.spread_seconds
    uncontended = result.uncontended_orders / result.uncontended_seconds
    rows.append(Row(f"flash sale: sold vs stock, {result.threads} threads ({verdict})",
                    f"{result.sold} sold, {result.left} left", f"{result.stock} stock",
                    ratio(result.sold, result.stock)))  # fmt: skip
    rows.append(Row(f"flash-sale orders placed + paid, one SKU, {result.shards} shards",
                    f"{contended:,.0f} orders/s", f"{spread:,.0f} orders/s",
                    ratio(contended, spread)))  # fmt: skip
    rows.append(Row("flash-sale orders, one SKU ÷ ordinary orders (each thread its own SKU)",
                    f"{contended:,.0f} orders/s", f"{uncontended:,.0f} orders/s",
                    ratio(contended, uncontended)))  # fmt: skip
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(result.outcomes.items()))
    notes.append(
        f"flash sale: {result.threads} threads race for {result.stock} units "
        f"({outcomes}); limit: the same threads placing and paying the same flash-sale "
        "orders without contention, each thread in a flash sale of its own (its own "
        f"campaign and SKU, {result.shards} shards): the same campaign, entry and shard "
        "loaded and saved per order, without the race's conflicts, retries and sold-out "
        "buyers. The second row's limit is ordinary orders by the same threads, each "
        "thread on a SKU of its own, which also leave out the campaign's work."
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
    parser.add_argument(
        "--analytics-scale",
        type=float,
        default=1.0,
        metavar="F",
        help="size of the analytics bench's shop: 1 is 2,000 members, 30,000 behaviour "
        "events and 2,000 orders",
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--analytics-only", action="store_true", help="run only the analytics bench")
    only.add_argument(
        "--no-analytics", dest="analytics", action="store_false", help="skip the analytics bench"
    )
    args = parser.parse_args(argv)
    if args.analytics_only:
        return analytics_main(args.analytics_scale, args.out)
    rows: list[Row] = []
    notes: list[str] = []
    ddb_rows: list[Row] = []
    ddb_notes: list[str] = []
    ddb_ok = True
    with tempfile.TemporaryDirectory(prefix="miniloop-bench-") as tmp:
        app, saves = writes(Path(tmp), args.orders, rows, notes)
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
                Path(tmp) / "engines", saves, args.dynamodb_events
            )
        figures = analytics.section(Path(tmp), args.analytics_scale) if args.analytics else None
    imports(rows, notes)
    oversell_row(oversell, rows, notes)
    flash_rows(flash, rows, notes)
    table = render(f"Miniloop bench, {args.orders} orders", rows + ddb_rows, notes + ddb_notes)
    if figures is not None:
        table += "\n" + render("Analytics", *figures)
    print(table)
    if args.out:
        args.out.write_text(table)
    return 0 if oversell.ok and flash.ok and ddb_ok else 1


def analytics_main(scale: float, out: Path | None) -> int:
    with tempfile.TemporaryDirectory(prefix="miniloop-bench-") as tmp:
        table = render("Analytics", *analytics.section(Path(tmp), scale))
    print(table)
    if out:
        out.write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
