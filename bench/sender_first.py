"""The outbox sender's first message after a cold start, per message kind:
`python -m bench.sender_first`.

Each sample is a fresh interpreter on the embedded runtime (a fresh data
directory): `chalicelib.lambdas.outbox_sender` is imported (its init, not
timed), then the dispatcher is built and one message of the kind handled, as
the function's first record would be. Printed: the median of 5 samples after
a warm-up, the modules that message loaded, and whether it built the shop.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from .imports import ROOT

SAMPLES = 5
PAYLOADS: dict[str, dict[str, object]] = {
    "ops.low_stock": {
        "sku_id": "S1",
        "product_id": "p-1",
        "crossing": 1,
        "available": 3,
        "threshold": 5,
    },
    "notify": {
        "intent_id": "i-1",
        "trigger": "order_paid",
        "member_id": "6f1d3c52-8a4e-4f0b-9c7a-2b5e0d9a7c11",
    },
}

_FIRST = """
import json, sys, time
import chalicelib.lambdas.outbox_sender
from chalicelib.bootstrap import container
before = set(sys.modules)
start = time.perf_counter()
container().dispatcher.handlers[sys.argv[1]](json.loads(sys.argv[2]))
seconds = time.perf_counter() - start
loaded = set(sys.modules) - before
print(json.dumps({"seconds": seconds, "modules": len(loaded),
                  "shop": "chalicelib.bootstrap.shop" in loaded}))
"""


@dataclass(frozen=True)
class FirstMessage:
    kind: str
    seconds: float
    modules: int
    built_shop: bool


def _sample(kind: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="miniloop-sender-") as data:
        env = {**os.environ, "MINILOOP_DATA_DIR": data, "PYTHONDONTWRITEBYTECODE": "1"}
        payload = json.dumps(PAYLOADS[kind])
        result = subprocess.run(
            [sys.executable, "-c", _FIRST, kind, payload],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    sample: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return sample


def measure() -> list[FirstMessage]:
    compileall.compile_dir(ROOT / "chalicelib", quiet=1)
    results = []
    for kind in PAYLOADS:
        _sample(kind)
        samples = [_sample(kind) for _ in range(SAMPLES)]
        seconds = statistics.median(float(str(s["seconds"])) for s in samples)
        last = samples[-1]
        results.append(FirstMessage(kind, seconds, int(str(last["modules"])), last["shop"] is True))
    return results


def main() -> None:
    for m in measure():
        shop = "builds the shop" if m.built_shop else "no shop"
        median = f"{m.seconds * 1000:.0f} ms (median of {SAMPLES})"
        print(f"{m.kind}: {median}, {m.modules} modules, {shop}")


if __name__ == "__main__":
    main()
