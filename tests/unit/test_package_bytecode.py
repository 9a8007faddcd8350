"""infra/package.py ships bytecode: Lambda's read-only /var/task would make
every cold start compile every module from source."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

from infra.package import compile_bytecode

UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source not checked


def _package(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("app.py", "import shop.clock\n")
        package.writestr("shop/__init__.py", "")
        package.writestr("shop/clock.py", "NOW = 1\n")
        package.writestr("shop/__pycache__/gone.cpython-311.pyc", b"stale bytes")
    return path


def test_every_module_gets_unchecked_bytecode_and_stale_caches_go(tmp_path: Path) -> None:
    package = _package(tmp_path / "deployment.zip")

    compile_bytecode(package)

    with zipfile.ZipFile(package) as built:
        names = set(built.namelist())
        tag = importlib.util.cache_from_source("shop/clock.py")
        assert tag in names
        assert importlib.util.cache_from_source("app.py") in names
        assert "shop/__pycache__/gone.cpython-311.pyc" not in names
        flags = int.from_bytes(built.read(tag)[4:8], "little")
    assert flags == UNCHECKED_HASH


def test_the_same_sources_give_the_same_package(tmp_path: Path) -> None:
    first = _package(tmp_path / "first.zip")
    second = _package(tmp_path / "second.zip")

    compile_bytecode(first)
    compile_bytecode(second)

    assert first.read_bytes() == second.read_bytes()
