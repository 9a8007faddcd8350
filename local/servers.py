"""Starts the Chalice app on a local HTTP server in a background thread."""

from __future__ import annotations

import logging
import threading

from chalice.config import Config
from chalice.local import (
    CustomLocalChalice,
    LocalChalice,
    LocalDevServer,
    ThreadedHTTPServer,
)

LISTEN_BACKLOG = 512


class BackloggedHTTPServer(ThreadedHTTPServer):
    """Chalice's threaded server with a listen backlog that holds a burst of a few
    hundred concurrent clients (http.server's default of 5 drops the rest)."""

    request_queue_size = LISTEN_BACKLOG


class AppServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from app import app

        from .gateway_errors import DocumentedErrorsHandler

        config = Config.create(chalice_stage="local", app_name="miniloop")
        if not isinstance(app, LocalChalice):  # thread-safe, as chalice's create_local_server does
            CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
            app.__class__ = CustomLocalChalice
        self._server = LocalDevServer(
            app,
            config,
            host,
            port,
            handler_cls=DocumentedErrorsHandler,
            server_cls=BackloggedHTTPServer,
        )
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


log = logging.getLogger(__name__)


class Ticker:
    """The local scheduler: runs the due jobs every `interval_s` seconds. A
    round that fails is logged and the next one runs on time: the ticker
    thread never dies (a parked projection does not even fail a round)."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        from chalicelib.api.schedules import run_due_jobs

        while not self._stop.wait(self.interval_s):
            try:
                run_due_jobs()
            except Exception as error:  # e.g. a store locked too long: the next round retries
                log.error("scheduled round failed: %r", error, exc_info=error)

    def start(self) -> Ticker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
