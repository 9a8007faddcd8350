"""The composition root: wiring only.

- shop.py: `build_shop` builds every use case with what it needs (the one place
  they are wired), from `rules_from(settings)` and the adapters (`ShopPorts`).
- container.py: `Container` builds one process's adapters from settings, lazily,
  once; wechat.py its WeChat clients.

app.py, the local server and the CLI ask `container()` for the one the process
uses; tests build their own `Container` (a FixedClock, temporary settings) and
install it with `use()`, or call `build_shop` over an in-memory event store.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from .container import Container

if TYPE_CHECKING:
    from .rules import rules_from
    from .shop import build_shop

__all__ = ["Container", "build_shop", "container", "rules_from", "use"]

_current: Container | None = None
_current_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    """`build_shop` imports every use case, `rules_from` the policies: only when
    asked for."""
    if name == "build_shop":
        from .shop import build_shop

        return build_shop
    if name == "rules_from":
        from .rules import rules_from

        return rules_from
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def container() -> Container:
    global _current
    with _current_lock:
        if _current is None:
            _current = Container()
        return _current


def use(instance: Container | None) -> None:
    """Installs the container the API and schedules use (tests, the CLI)."""
    global _current
    with _current_lock:
        _current = instance
