"""Cold start of the API function, structurally: `import app` registers every
route but loads none of the shop (README, "Lazy imports"): no domain module, no
use case, no projection, no request schema and none of the dependencies only
some routes need. Checked in a fresh interpreter, so no test's imports hide a
regression."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NEVER = ("pydantic", "cryptography", "boto3", "botocore", "http")
"""Top-level packages only some routes need: request schemas, WeChat Pay's
signatures, the AWS runtime's client, the WeChat clients' HTTP."""

SHOP = (
    "chalicelib.domain",
    "chalicelib.application",
    "chalicelib.projections.",
    "chalicelib.adapters.wechat",
    "chalicelib.bootstrap.shop",
)


def _loaded_by_app() -> list[str]:
    code = (
        "import json, sys; before = set(sys.modules); import app; "
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_app_loads_none_of_the_shop() -> None:
    loaded = _loaded_by_app()
    assert not [m for m in loaded if m.split(".")[0] in NEVER]
    assert not [m for m in loaded if m.startswith(SHOP) and m != "chalicelib.projections.base"]
    assert not [m for m in loaded if m.startswith("chalicelib.api.") and m.endswith("_schemas")]
    assert "chalicelib.api.schemas" not in loaded
