"""Starts the Chalice app on a local HTTP server in a background thread."""

from __future__ import annotations

import threading

from chalice.config import Config
from chalice.local import LocalChalice, LocalDevServer, create_local_server


class AppServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from app import app

        config = Config.create(chalice_stage="local", app_name="miniloop")
        if isinstance(app, LocalChalice):  # already made thread-safe by an earlier server
            self._server = LocalDevServer(app, config, host, port)
        else:
            self._server = create_local_server(app, config, host, port)
        self._thread = threading.Thread(target=self._server.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> AppServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.server.shutdown()
        self._server.server.server_close()
        self._thread.join(timeout=5)


class Ticker:
    """The local scheduler: runs the due jobs every `interval_s` seconds."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        from chalicelib.api.schedules import run_due_jobs

        while not self._stop.wait(self.interval_s):
            run_due_jobs()

    def start(self) -> Ticker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
