"""View documents and outbox payloads as JSON text, as both view stores write
them: non-ASCII kept as is (Chinese names and titles stay readable and short)."""

from __future__ import annotations

import json

to_json = json.JSONEncoder(ensure_ascii=False).encode
"""`json.dumps(value, ensure_ascii=False)`, without building an encoder per call:
a projection's batch writes thousands of documents."""
