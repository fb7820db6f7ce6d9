"""What every answer and every request goes through: proxy trust, required headers, method limits.

* **Proxy headers are trusted only when configured.**  ``TRUSTED_PROXIES`` (default 0) is
  the number of reverse proxies in front of kgserver; with 0, ``X-Forwarded-*`` headers are
  ignored and ``SCRIPT_NAME`` is always ``URL_PREFIX`` (default empty), whatever the request
  or the WSGI server says: no client can move the URLs kgserver builds (redirects, links)
  to another host.  With N > 0, Werkzeug's ``ProxyFix`` reads the last N hops of
  ``X-Forwarded-For/-Proto/-Host/-Prefix``; a prefix must be a path (``/x``), never ``//host``.
* A request without ``Host`` is a ``400`` (HTTP/1.1 requires it; URLs are built from it).
* ``405`` answers list in ``Allow`` only the methods really served (``TRACE`` included).
* Every answer carries ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

from flask import Flask, Request, Response, request

#: Methods some routes accept only to refuse them with a message (never "allowed").
_REFUSED = {"PUT", "DELETE", "PATCH", "TRACE", "CONNECT"}


class _PrefixGuard:
    """Set ``SCRIPT_NAME`` to the configured prefix unless a trusted proxy gave a valid one."""

    def __init__(self, app, prefix: str, trusted: int):
        self.app, self.prefix, self.trusted = app, prefix, trusted

    def __call__(self, environ, start_response):
        script = environ.get("SCRIPT_NAME", "")
        if not self.trusted or not script.startswith("/") or script.startswith("//") or "\\" in script:
            environ["SCRIPT_NAME"] = self.prefix
        return self.app(environ, start_response)


def init_hardening(app: Flask) -> None:
    """Install proxy trust, the Host check, the Allow filter and ``nosniff`` on ``app``.

    :raises ConfigurationError: for a negative ``TRUSTED_PROXIES`` or a ``URL_PREFIX`` that is no path.
    """
    from werkzeug.middleware.proxy_fix import ProxyFix

    from ..errors import ConfigurationError

    try:
        trusted = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    except (TypeError, ValueError):
        raise ConfigurationError("TRUSTED_PROXIES must be a number of proxies (0: none)") from None
    prefix = str(app.config.get("URL_PREFIX", "") or "").rstrip("/")
    if trusted < 0 or (prefix and (not prefix.startswith("/") or prefix.startswith("//"))):
        raise ConfigurationError("TRUSTED_PROXIES must be 0 or more; URL_PREFIX a path such as /kg")
    wsgi = _PrefixGuard(app.wsgi_app, prefix, trusted)
    if trusted:
        wsgi = ProxyFix(wsgi, x_for=trusted, x_proto=trusted, x_host=trusted, x_prefix=trusted)
    app.wsgi_app = wsgi
    app.before_request(_require_host)
    app.after_request(_harden_answer)


def _require_host() -> Response | None:
    if not request.environ.get("HTTP_HOST"):
        return Response(
            "a request needs a Host header (HTTP/1.1)\n", status=400, content_type="text/plain; charset=utf-8"
        )
    return None


def _harden_answer(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.status_code == 405 and "Allow" in response.headers:
        allowed = [m.strip() for m in response.headers["Allow"].split(",") if m.strip().upper() not in _REFUSED]
        response.headers["Allow"] = ", ".join(allowed)
    return response


def client_of(req: Request) -> dict:
    """Return who sent ``req`` and how to tell it has gone, as keyword arguments for the query pool."""
    return {"client": req.remote_addr, "gone": req.environ.get("waitress.client_disconnected")}
