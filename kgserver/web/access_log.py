"""Log one line per request: method, path, status, duration, response size.

The method and path come from the client: control characters (a ``%0a`` in a path) and
backslashes are written as escapes, so one request is always one line.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("kgserver.access")

_ESCAPES = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
_ESCAPES.update({ord("\\"): "\\\\", 0x2028: "\\u2028", 0x2029: "\\u2029", 0x85: "\\x85"})


def escape(text: str) -> str:
    """Return ``text`` with control characters and backslashes escaped (one log line stays one line)."""
    return text.translate(_ESCAPES)


def _start() -> None:
    g.kgserver_started = time.perf_counter()


def _log(response: Response) -> Response:
    started = g.get("kgserver_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else float("nan")
    size = response.content_length
    log.info(
        "%s %s %d %.2f ms %s B",
        escape(request.method),
        escape(request.path),
        response.status_code,
        duration,
        "-" if size is None else size,
    )
    return response


def init_access_log(app: Flask) -> None:
    """Install the per-request log line on every route of ``app``."""
    app.before_request(_start)
    app.after_request(_log)
