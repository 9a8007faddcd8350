"""The Terraform in infra/ is valid, offline, with the mirrored provider; it is
what infra/package.py makes of the current app; every handler app.py declares
has exactly the event source and the IAM grants it needs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.app import DynamoDBEventConfig, ScheduledEventConfig, SQSEventConfig

import app as miniloop
from chalicelib.adapters.dynamodb.log import CURSOR_PREFIX, HEAD_KEY, PAGE_PK
from chalicelib.settings import FIELDS

ROOT = Path(__file__).resolve().parents[3]
INFRA = ROOT / "infra"
PROVIDER = "registry.terraform.io/hashicorp/aws/5.100.0"


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((INFRA / name).read_text())
    return document


# ---- terraform init + validate, offline ---------------------------------------


def cli_config(mirror: Path) -> str:
    return f"""provider_installation {{
  filesystem_mirror {{
    path    = "{mirror}"
    include = ["registry.terraform.io/hashicorp/*"]
  }}
  direct {{
    exclude = ["registry.terraform.io/hashicorp/*"]
  }}
}}
"""


@pytest.fixture(scope="module")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The terraform binary and an environment that installs providers only
    from the filesystem mirror ($MINILOOP_TF_PLUGINS, else /opt/tf-plugins)."""
    binary = shutil.which("terraform")
    if binary is None:
        pytest.fail(
            "terraform is not on PATH: install Terraform >= 1.5 "
            "(https://developer.hashicorp.com/terraform/install)"
        )
    mirror = Path(os.environ.get("MINILOOP_TF_PLUGINS", "/opt/tf-plugins"))
    if not (mirror / PROVIDER).is_dir():
        pytest.fail(
            f"no {PROVIDER} in the provider mirror {mirror}: set MINILOOP_TF_PLUGINS to a "
            "directory made by `terraform providers mirror <dir>` on a machine with "
            "registry access"
        )
    config = tmp_path_factory.mktemp("terraform-cli") / "terraform.rc"
    config.write_text(cli_config(mirror))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(TF_CLI_CONFIG_FILE=str(config), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    yield binary, env


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_terraform_validates_offline_with_the_mirrored_provider(
    terraform: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    binary, env = terraform
    module = tmp_path / "infra"
    module.mkdir()
    for source in [*INFRA.glob("*.tf"), *INFRA.glob("*.tf.json")]:
        shutil.copy(source, module)
    # chalice.tf.json hashes the deployment package, which package.py builds
    # at deploy time; validate only needs a file there.
    (module / "build").mkdir()
    with zipfile.ZipFile(module / "build" / "deployment.zip", "w") as package:
        package.writestr("app.py", "")

    run([binary, "init", "-backend=false", "-input=false", "-no-color"], module, env)
    answer = json.loads(run([binary, "validate", "-json", "-no-color"], module, env))

    assert answer["valid"], answer["diagnostics"]
    # No deprecated arguments either (Chalice's own output uses some).
    assert answer["warning_count"] == 0, answer["diagnostics"]
    installed = module / ".terraform" / "providers" / PROVIDER
    assert installed.is_dir(), "the aws provider came from somewhere other than the mirror"


def test_committed_chalice_tf_json_is_what_package_py_generates() -> None:
    """app.py's routes and handlers and .chalice/config.json are what the
    committed Terraform deploys (chalice package builds the Lambda package too,
    from PyPI wheels cached in .chalice/deployments)."""
    done = subprocess.run(
        [sys.executable, str(INFRA / "package.py"), "--stage", "dev", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]


# ---- event sources -------------------------------------------------------------


def mappings() -> dict[str, dict[str, Any]]:
    """Event source mappings by the function they invoke."""
    found: dict[str, dict[str, Any]] = {}
    for name, mapping in load("event_sources.tf.json")["resource"][
        "aws_lambda_event_source_mapping"
    ].items():
        function = mapping["function_name"].removeprefix("${aws_lambda_function.")
        function = function.removesuffix(".arn}")
        assert function not in found, f"{function} has two event source mappings ({name})"
        found[function] = mapping
    return found


def test_every_stream_and_queue_handler_has_exactly_one_event_source_mapping() -> None:
    sources = {s.name: s for s in miniloop.app.event_sources}
    streams = {n: s for n, s in sources.items() if isinstance(s, DynamoDBEventConfig)}
    queues = {n: s for n, s in sources.items() if isinstance(s, SQSEventConfig)}
    schedules = {n for n, s in sources.items() if isinstance(s, ScheduledEventConfig)}
    unknown = set(sources) - set(streams) - set(queues) - schedules
    assert not unknown, f"event sources infra/ does not know how to wire: {unknown}"

    by_function = mappings()
    assert set(by_function) == set(streams) | set(queues)
    assert by_function["index_events"]["event_source_arn"] == (
        "${aws_dynamodb_table.events.stream_arn}"
    )
    assert by_function["index_behaviour"]["event_source_arn"] == (
        "${aws_dynamodb_table.behaviour_events.stream_arn}"
    )
    assert by_function["project_log"]["event_source_arn"] == "${aws_dynamodb_table.log.stream_arn}"
    assert by_function["project_behaviour"]["event_source_arn"] == (
        "${aws_dynamodb_table.behaviour_log.stream_arn}"
    )
    assert by_function["send_outbox"]["event_source_arn"] == "${aws_sqs_queue.outbox.arn}"
    assert by_function["continue_rebuild"]["event_source_arn"] == "${aws_sqs_queue.rebuild.arn}"
    batch_sizes = {n: s.batch_size for n, s in streams.items()}
    batch_sizes.update({n: s.batch_size for n, s in queues.items()})
    for name, batch_size in batch_sizes.items():
        assert by_function[name]["batch_size"] == batch_size, f"{name}: app.py says otherwise"

    generated = load("chalice.tf.json")["resource"]
    assert "aws_lambda_event_source_mapping" not in generated
    rules = {t["arn"] for t in generated["aws_cloudwatch_event_target"].values()}
    assert rules == {f"${{aws_lambda_function.{name}.arn}}" for name in schedules}


def test_stream_failures_are_retried_by_halves_and_parked_never_dropped_silently() -> None:
    by_function = mappings()
    for name in ("index_events", "index_behaviour", "project_log", "project_behaviour"):
        mapping = by_function[name]
        assert mapping["starting_position"] == "TRIM_HORIZON", name
        assert mapping["bisect_batch_on_function_error"] is True, name
        assert mapping["function_response_types"] == ["ReportBatchItemFailures"], name
        assert mapping["destination_config"]["on_failure"]["destination_arn"] == (
            "${aws_sqs_queue.failures.arn}"
        )
        assert mapping["parallelization_factor"] == 1, name
    # An indexer must not skip an event: its log would get a gap its cursors step over.
    for name in ("index_events", "index_behaviour"):
        assert by_function[name]["maximum_retry_attempts"] == -1, name
        assert by_function[name]["maximum_record_age_in_seconds"] == -1, name
    queue = by_function["send_outbox"]
    assert queue["function_response_types"] == ["ReportBatchItemFailures"]
    assert queue["batch_size"] == 10


def matches(pattern: dict[str, Any], record: dict[str, Any]) -> bool:
    """Lambda event filtering, for the exact-value patterns infra/ uses."""
    for key, wanted in pattern.items():
        if key not in record:
            return False
        if isinstance(wanted, dict):
            if not isinstance(record[key], dict) or not matches(wanted, record[key]):
                return False
        else:
            assert all(isinstance(v, str) for v in wanted), "only exact-value patterns"
            if record[key] not in wanted:
                return False
    return True


def stream_record(keys: dict[str, Any]) -> dict[str, Any]:
    return {"eventName": "INSERT", "eventSource": "aws:dynamodb", "dynamodb": {"Keys": keys}}


@pytest.mark.parametrize("projector", ["project_log", "project_behaviour"])
def test_only_new_log_pages_wake_the_projector(projector: str) -> None:
    (criterion,) = mappings()[projector]["filter_criteria"]["filter"]
    pattern = json.loads(criterion["pattern"])

    assert matches(pattern, stream_record({"pk": {"S": PAGE_PK}, "sk": {"N": "1"}}))
    assert not matches(pattern, stream_record(HEAD_KEY))
    cursor = {"pk": {"S": CURSOR_PREFIX + "order-1"}, "sk": {"N": "0"}}
    assert not matches(pattern, stream_record(cursor))


# ---- IAM -------------------------------------------------------------------------

READ = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}
SCAN = {"dynamodb:Scan"}
APPEND = READ | {"dynamodb:PutItem", "dynamodb:ConditionCheckItem"}
APPEND_UPDATE = APPEND | {"dynamodb:UpdateItem"}
WRITE = APPEND_UPDATE | {"dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
STREAM = {
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
}
SEND = {"sqs:SendMessage"}
CONSUME = {
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
}
LOGS = {"logs:CreateLogStream", "logs:PutLogEvents"}
# Members' personal-data keys, one item each: made on first seal, read to
# open, deleted to shred. Never listed (no Query or Scan).
KEYS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}
# Idempotency keys: claimed (conditional put), read, answered (update), freed.
IDEMPOTENCY = KEYS | {"dynamodb:UpdateItem"}

EVENT_STORE = {"events": APPEND, "snapshots": APPEND}
# The behaviour log (POST /track): events appended (a uniqueness check reads
# them first), its log read; rate windows are idempotency items.
BEHAVIOUR = {"behaviour_events": APPEND, "behaviour_log": READ}
PROJECTING = {
    "log": READ,
    "views": WRITE,
    "views/index": READ,
    "outbox": WRITE,
    "outbox/index": READ,
    "queue:outbox": SEND,
}
NEEDS: dict[str, dict[str, set[str]]] = {
    # Commands and queries; the admin routes also run jobs and rebuilds
    # (/admin/jobs/run, /admin/projections/*/rebuild) and list the outbox.
    "api_handler": {
        **EVENT_STORE,
        **PROJECTING,
        **BEHAVIOUR,
        "outbox": WRITE | SCAN,
        "outbox/index": READ | SCAN,
        "keys": KEYS,
        "idempotency": IDEMPOTENCY,
    },
    # Reads the events table too, for versions a batch skipped (a new stream, a gap).
    "index_events": {
        "events/stream": STREAM,
        "events": READ,
        "log": APPEND_UPDATE,
        "queue:failures": SEND,
    },
    # The same indexer on the behaviour log's own tables.
    "index_behaviour": {
        "behaviour_events/stream": STREAM,
        "behaviour_events": READ,
        "behaviour_log": APPEND_UPDATE,
        "queue:failures": SEND,
    },
    "project_log": {"log/stream": STREAM, **PROJECTING, "queue:failures": SEND},
    # The behaviour log's projections: its log read, views written (no outbox).
    "project_behaviour": {
        "behaviour_log/stream": STREAM,
        "behaviour_log": READ,
        "views": WRITE,
        "views/index": READ,
        "queue:failures": SEND,
    },
    # Also records the order log's mirrored facts in the behaviour log.
    "send_outbox": {
        "queue:outbox": CONSUME | SEND,
        "outbox": WRITE,
        "outbox/index": READ,
        "behaviour_events": APPEND,
    },
    # Commands run by the clock (cancel unpaid orders, confirm receipt, complete);
    # both logs' projections catch up first.
    "run_due_jobs": {
        **EVENT_STORE,
        **PROJECTING,
        "behaviour_log": READ,
        "keys": KEYS,
        "queue:failures": SEND,
    },
    "rebuild_projections": {
        **EVENT_STORE,
        **PROJECTING,
        "behaviour_log": READ,
        "queue:rebuild": SEND,
        "queue:failures": SEND,
    },
    # Continues a rebuild: reads both logs, writes views, hands over to itself.
    "continue_rebuild": {**PROJECTING, "behaviour_log": READ, "queue:rebuild": CONSUME | SEND},
}


def resource_name(reference: str, function: str) -> str:
    """`${aws_dynamodb_table.views.arn}/index/*` -> `views/index`, and so on."""
    inner, _, suffix = reference.removeprefix("${").partition("}")
    kind, name, attribute = inner.split(".", 2) if inner.count(".") >= 2 else (inner, "", "")
    if kind == "aws_dynamodb_table" and attribute == "arn":
        return name + {"": "", "/index/*": "/index"}[suffix]
    if kind == "aws_dynamodb_table" and attribute == "stream_arn" and not suffix:
        return f"{name}/stream"
    if kind == "aws_sqs_queue" and attribute == "arn" and not suffix:
        return f"queue:{name}"
    if reference == f'${{aws_cloudwatch_log_group.lambda["{function}"].arn}}:*':
        return "own logs"
    raise AssertionError(f"{function} is granted {reference}, which is not one of ours")


def grants() -> dict[str, dict[str, set[str]]]:
    """resource -> allowed actions, per function, from infra/iam.tf.json."""
    iam = load("iam.tf.json")
    documents = iam["data"]["aws_iam_policy_document"]
    result: dict[str, dict[str, set[str]]] = {}
    for function, policy in iam["resource"]["aws_iam_role_policy"].items():
        assert policy["role"] == f"${{aws_iam_role.{function}.id}}"
        assert policy["policy"] == f"${{data.aws_iam_policy_document.{function}.json}}"
        allowed: dict[str, set[str]] = {}
        for statement in documents[function]["statement"]:
            assert statement.get("effect", "Allow") == "Allow"
            for reference in statement["resources"]:
                name = resource_name(reference, function)
                allowed.setdefault(name, set()).update(statement["actions"])
        result[function] = allowed
    return result


def test_each_function_runs_as_its_own_role() -> None:
    functions = load("chalice.tf.json")["resource"]["aws_lambda_function"]
    handlers = {s.name for s in miniloop.app.event_sources} | {"api_handler"}
    assert set(functions) == handlers
    for name, function in functions.items():
        assert function["role"] == f"${{aws_iam_role.{name}.arn}}"
    assert set(load("iam.tf.json")["resource"]["aws_iam_role"]) == handlers


def test_each_function_is_granted_exactly_what_its_handler_needs() -> None:
    granted = grants()
    assert set(granted) == set(NEEDS)
    for function, needs in NEEDS.items():
        assert granted[function].pop("own logs") == LOGS, function
        assert granted[function] == needs, function


def test_the_event_store_is_append_only_and_only_the_indexer_writes_the_log() -> None:
    mutations = {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
    for function, allowed in grants().items():
        for table in ("events", "snapshots", "behaviour_events"):
            assert not allowed.get(table, set()) & mutations, f"{function} may rewrite {table}"
        if function != "index_events":
            assert allowed.get("log", set()) <= READ, f"{function} may write the log"
        if function != "index_behaviour":
            assert allowed.get("behaviour_log", set()) <= READ, f"{function} may write it"
        if function != "send_outbox":
            assert "sqs:ReceiveMessage" not in allowed.get("queue:outbox", set()), function


# ---- settings --------------------------------------------------------------------


def test_every_environment_variable_the_functions_get_is_a_setting() -> None:
    """A misspelt name would be ignored (extra="ignore") and the default used."""
    lambda_tf = (INFRA / "lambda.tf").read_text()
    block = lambda_tf[lambda_tf.index("lambda_environment = merge(") :]
    block = block[: block.index("})")]
    names = set(re.findall(r"^\s*(MINILOOP_[A-Z0-9_]+)\s*=", block, re.MULTILINE))
    fields = {"MINILOOP_" + name.upper() for name in FIELDS}
    assert {"MINILOOP_RUNTIME", "MINILOOP_TABLE_PREFIX", "MINILOOP_OUTBOX_QUEUE_URL"} <= names
    assert names <= fields, f"not settings: {sorted(names - fields)}"
    secrets = {"wechat_secret", "wechatpay_private_key", "wechatpay_apiv3_key"}
    secrets |= {"session_secret", "identity_secret", "admin_token", "oa_secret", "oa_token"}
    secrets |= {"oa_aes_key"}
    secrets |= {"mp_push_token", "mp_push_aes_key"}
    variables = (INFRA / "variables.tf").read_text()
    for secret in secrets:
        declaration = variables[variables.index(f'variable "{secret}"') :]
        declaration = declaration[: declaration.index("\n}\n")]
        assert re.search(r"sensitive\s*=\s*true", declaration), f"{secret} is not sensitive"
