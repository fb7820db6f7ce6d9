"""Log one line per request: method, path, status, duration, response size."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("kgserver.access")


def _start() -> None:
    g.kgserver_started = time.perf_counter()


def _log(response: Response) -> Response:
    started = g.get("kgserver_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else float("nan")
    size = response.content_length
    log.info(
        "%s %s %d %.2f ms %s B",
        request.method,
        request.path,
        response.status_code,
        duration,
        "-" if size is None else size,
    )
    return response


def init_access_log(app: Flask) -> None:
    """Install the per-request log line on every route of ``app``."""
    app.before_request(_start)
    app.after_request(_log)
