"""The AWS runtime's Lambda functions that serve no HTTP, one module each, as
Lambda calls them: `handler(event, context)` with Lambda's own event.

infra/package.py points each function at its module instead of app.py, so a
function imports what it uses and no more (README, "Cold start"): never the
Chalice app, its blueprints or the request schemas. What every batch uses
(boto3, the DynamoDB adapters, the projections' runner) a function imports
here, during Lambda's init; what the records decide (the domain's event
classes, the use cases behind an outbox message) is imported when first
needed. app.py's Chalice handlers (`chalice local`, the aws runtime's tests)
call the same functions."""

from __future__ import annotations

from typing import Any

LambdaEvent = dict[str, Any]
BatchResponse = dict[str, list[dict[str, str]]]


def records(event: LambdaEvent) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = event.get("Records", [])
    return found
