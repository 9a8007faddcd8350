"""Time travel for local testing: the local clock runs ahead of real time by an
offset kept in the data dir, so `manage.py run` (the app, its ticker and the
WeChat sandbox) and every other `manage.py` command see the same time.

Only the embedded runtime reads the offset; the AWS runtime always runs on
real time, and `manage.py clock` refuses to move it.
"""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import datetime, timedelta
from pathlib import Path

from chalicelib.clock import Clock, SystemClock
from chalicelib.domain.calendar import BEIJING
from chalicelib.settings import Settings

OFFSET_FILE = "clock-offset.json"
MAX_OFFSET = timedelta(days=3650)
"""Ten years ahead at most: every date stays a plausible one."""

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_PART = re.compile(r"(\d{1,6})([smhdw])")


class ClockRefused(Exception):
    """The clock cannot be moved as asked; the message says why, in one line."""


def parse_duration(text: str) -> timedelta:
    """`90m`, `2h`, `7d`, `1d12h`, `30s`, `2w` → a positive timedelta."""
    compact = text.strip().lower()
    if not compact or _PART.sub("", compact):
        raise ClockRefused(f"not a duration: {text!r} (try 90m, 2h, 7d or 1d12h)")
    delta = timedelta()
    for amount, unit in _PART.findall(compact):
        delta += timedelta(**{_UNITS[unit]: int(amount)})
    if delta <= timedelta():
        raise ClockRefused(f"the clock only moves forward: {text!r} is no time at all")
    return delta


def describe(offset: timedelta) -> str:
    """`1d 1h`, `90m` → `1h 30m`, `0` when there is no offset."""
    seconds = int(offset.total_seconds())
    parts = []
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0"


def beijing(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S Beijing time")


class TravelClock:
    """Real time plus the offset in the offset file, re-read whenever the file
    changes (another process may move it at any time)."""

    def __init__(self, offset_file: Path, base: Clock | None = None) -> None:
        self.offset_file = offset_file
        self._base = base or SystemClock()
        self._lock = threading.Lock()
        self._seen: tuple[int, int, int] | None = None
        self._offset = timedelta()

    def offset(self) -> timedelta:
        try:
            stat = self.offset_file.stat()
        except FileNotFoundError:
            return timedelta()
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if seen != self._seen:
                self._offset = _read_offset(self.offset_file)
                self._seen = seen
            return self._offset

    def now(self) -> datetime:
        return self._base.now() + self.offset()


def _read_offset(path: Path) -> timedelta:
    try:
        seconds = json.loads(path.read_text())["offset_s"]
    except (OSError, ValueError, KeyError, TypeError):
        return timedelta()
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return timedelta()
    return min(max(timedelta(seconds=seconds), timedelta()), MAX_OFFSET)


def clock_for(settings: Settings, data_dir: Path) -> Clock:
    """The clock a local process runs on: the travel clock on the embedded
    runtime, real time on the AWS runtime whatever the data dir holds."""
    if settings.runtime != "embedded":
        return SystemClock()
    return TravelClock(data_dir / OFFSET_FILE)


class ClockControl:
    """`manage.py clock show|advance|reset`: moves the offset file."""

    def __init__(self, runtime: str, data_dir: Path) -> None:
        if runtime != "embedded":
            raise ClockRefused(
                f"the clock can only be moved on the embedded runtime; MINILOOP_RUNTIME="
                f"{runtime} runs on real time"
            )
        self.clock = TravelClock(data_dir / OFFSET_FILE)

    def show(self) -> str:
        offset = self.clock.offset()
        ahead = f"{describe(offset)} ahead of real time" if offset else "real time"
        return f"local clock: {beijing(self.clock.now())} ({ahead})"

    def advance(self, delta: timedelta) -> str:
        offset = self.clock.offset() + delta
        if offset > MAX_OFFSET:
            raise ClockRefused(
                f"the clock goes at most {describe(MAX_OFFSET)} ahead of real time; "
                f"it is {describe(self.clock.offset())} ahead now"
            )
        self._write(offset)
        return f"moved {describe(delta)} ahead; {self.show()}"

    def reset(self) -> str:
        self.clock.offset_file.unlink(missing_ok=True)
        return f"back to {self.show()}"

    def _write(self, offset: timedelta) -> None:
        path = self.clock.offset_file
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{path.name}.{os.getpid()}")
        staging.write_text(json.dumps({"offset_s": int(offset.total_seconds())}))
        os.replace(staging, path)
