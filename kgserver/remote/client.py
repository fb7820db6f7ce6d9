"""A small SPARQL 1.1 Protocol and Graph Store Protocol client (standard library only).

One :class:`SparqlClient` knows a store's three addresses (queries, updates, graph store),
derived from the one URL a publisher gives (:func:`endpoints_for`), and the credentials
found in the environment (``KGSERVER_STORE_USER`` / ``KGSERVER_STORE_PASSWORD``; HTTP digest
or basic, as the store asks).  Credentials are never logged and never part of an error
message: errors name the store by its URL without any user information.

Every request has a deadline: the socket waits at most the time left, the body is read in
chunks that each check the deadline, and a request past it is abandoned (its connection
closed, so the store sees the client go).  Where the store has a limit of its own, the
request carries it too (Virtuoso's ``timeout`` parameter, in milliseconds).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import socket
import time
import urllib.parse
from dataclasses import dataclass

from ..engine.errors import QueryEvaluationError, QueryTimeout
from ..errors import ConfigurationError

USER_VARIABLE = "KGSERVER_STORE_USER"
PASSWORD_VARIABLE = "KGSERVER_STORE_PASSWORD"

#: Bytes read from the store at a time (each read checks the deadline).
CHUNK = 1 << 16


class StoreUnavailable(ConfigurationError):
    """The store cannot be reached, refused the credentials, or answered with a fault (exit code 2)."""


@dataclass(frozen=True)
class Endpoints:
    """Where a store answers queries, updates and the Graph Store Protocol, and which store it is.

    :ivar kind: ``virtuoso`` or ``oxigraph`` (the Oxigraph server).
    """

    kind: str
    query: str
    update: str
    graphs: str
    graph_param: str  # the Graph Store Protocol's graph parameter as the store spells it

    @property
    def display(self) -> str:
        """Return the query URL without any user information (for messages)."""
        return _without_userinfo(self.query)


def _without_userinfo(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def endpoints_for(url: str) -> Endpoints:
    """Derive a store's addresses from its query endpoint URL.

    ``http://host:8890/sparql`` is Virtuoso (updates and graphs on ``/sparql-auth`` and
    ``/sparql-graph-crud-auth``, behind digest authentication); ``http://host:7878/query``
    (or the bare ``http://host:7878``) is the Oxigraph server (``/update``, ``/store``).

    :raises ConfigurationError: for a URL that is not http(s), carries credentials, or names no known layout.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"--store must be an http(s) URL of a SPARQL endpoint, not {url!r}")
    if parts.username or parts.password:
        raise ConfigurationError(
            f"--store must not carry credentials; set {USER_VARIABLE} and {PASSWORD_VARIABLE} in the environment"
        )
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    path = parts.path.rstrip("/")
    if path.endswith("/sparql"):
        root = base + path[: -len("/sparql")]
        return Endpoints("virtuoso", root + "/sparql", root + "/sparql-auth", root + "/sparql-graph-crud-auth",
                         "graph-uri")
    if path in ("", "/query") or path.endswith("/query"):
        root = base + (path[: -len("/query")] if path.endswith("/query") else path)
        return Endpoints("oxigraph", root + "/query", root + "/update", root + "/store", "graph")
    raise ConfigurationError(
        f"cannot tell which store {_without_userinfo(url)} is: give Virtuoso's endpoint (…/sparql) "
        "or the Oxigraph server's (…/query)"
    )


class Response:
    """An upstream answer being read: status, headers, and a body read under the deadline."""

    def __init__(self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse,
                 deadline: float, limit: float):
        self._connection, self._response = connection, response
        self.status = response.status
        self.headers = response.headers
        self._deadline, self._limit = deadline, limit

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes (all if negative), abandoning the request at the deadline."""
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
        left = self._deadline - time.monotonic()
        if left <= 0:
            self.close()
            raise _timeout(self._limit)
        try:
            if self._connection.sock is not None:  # None once the answer was read to its end
                self._connection.sock.settimeout(left)
            return self._response.read1(size) if hasattr(self._response, "read1") else self._response.read(size)
        except (TimeoutError, socket.timeout):
            self.close()
            raise _timeout(self._limit) from None
        except (OSError, http.client.HTTPException) as err:
            self.close()
            raise QueryEvaluationError(f"the store's answer was cut off ({type(err).__name__})") from None

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        """Abandon the request: close the connection (the store sees its client go)."""
        try:
            self._connection.close()
        except OSError:
            pass


def _timeout(limit: float) -> QueryTimeout:
    return QueryTimeout(
        f"the query was stopped after {limit:g} s, the time limit of this endpoint "
        "(QUERY_TIMEOUT); simplify it or add a LIMIT"
    )


class SparqlClient:
    """Send SPARQL queries, updates and Graph Store requests to one store.

    :param url: the store's query endpoint (see :func:`endpoints_for`).
    :param user: user name (default ``$KGSERVER_STORE_USER``); None sends no credentials.
    :param password: password (default ``$KGSERVER_STORE_PASSWORD``).
    """

    def __init__(self, url: str, user: str | None = None, password: str | None = None):
        self.endpoints = endpoints_for(url)
        self._user = user if user is not None else os.environ.get(USER_VARIABLE)
        self._password = password if password is not None else os.environ.get(PASSWORD_VARIABLE, "")
        self._challenge: dict | None = None  # the last digest challenge (reused: one round trip per request)

    def __repr__(self) -> str:  # never shows the credentials
        return f"SparqlClient({self.endpoints.display!r})"

    # --- the SPARQL protocol ----------------------------------------------------------------

    def query(self, text: str, accept: str, *, timeout: float, default_graphs=(), named_graphs=(),
              max_rows: int | None = None) -> Response:
        """POST a query (form-encoded) and return the open answer, its status checked.

        :param timeout: seconds for the whole exchange; also sent as the store's own limit where it has one.
        :param max_rows: rows the caller reads at most; Virtuoso, which computes a whole answer before
            sending it, is asked for one more (its ``maxrows`` parameter) so that a cut is still seen.
        :raises QueryTimeout: when the store did not answer in time (the request is abandoned).
        :raises StoreUnavailable: when the store cannot be reached.
        :raises QueryEvaluationError: when the store answered with an error.
        """
        fields = [("query", text)]
        fields += [("default-graph-uri", g) for g in default_graphs]
        fields += [("named-graph-uri", g) for g in named_graphs]
        if self.endpoints.kind == "virtuoso":
            fields.append(("timeout", str(max(1, int(timeout * 1000)))))
            if max_rows is not None:
                fields.append(("maxrows", str(max_rows + 1)))
        body = urllib.parse.urlencode(fields).encode()
        response = self.request("POST", self.endpoints.query, body, timeout=timeout, authenticate=False,
                                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        if response.status != 200:
            detail = _detail(response)
            raise QueryEvaluationError(f"the store {self.endpoints.display} failed the query "
                                       f"(HTTP {response.status}: {detail})")
        if response.headers.get("X-SQL-State") == "S1TAT":  # Virtuoso's partial answer at its own limit
            response.close()
            raise _timeout(timeout)
        return response

    def update(self, text: str, *, timeout: float) -> None:
        """Run a SPARQL Update (publishing only; the web server never calls this).

        :raises StoreUnavailable: when the store is unreachable, refuses the credentials or the update.
        """
        body = urllib.parse.urlencode([("update", text)]).encode()
        response = self.request("POST", self.endpoints.update, body, timeout=timeout, authenticate=True,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.expect_success(response, "the update")

    def put_graph(self, graph: str, data: bytes, media_type: str, *, timeout: float, method: str = "PUT") -> None:
        """Replace one graph with ``data`` by the Graph Store Protocol (``PUT``; ``POST`` adds to it)."""
        url = self.endpoints.graphs + "?" + urllib.parse.urlencode({self.endpoints.graph_param: graph})
        response = self.request(method, url, data, timeout=timeout, authenticate=True,
                                headers={"Content-Type": media_type})
        self.expect_success(response, f"loading graph {graph}")

    def expect_success(self, response: Response, what: str) -> None:
        if 200 <= response.status < 300:
            response.read()
            response.close()
            return
        detail = _detail(response)
        if response.status in (401, 403):
            raise StoreUnavailable(
                f"the store {self.endpoints.display} refused {what} (HTTP {response.status}): check "
                f"{USER_VARIABLE} and {PASSWORD_VARIABLE} (the user needs write access)"
            )
        raise StoreUnavailable(f"the store {self.endpoints.display} failed {what} (HTTP {response.status}: {detail})")

    # --- HTTP -----------------------------------------------------------------------------

    def request(self, method: str, url: str, body: bytes | None, *, timeout: float, headers: dict,
                authenticate: bool) -> Response:
        """Send one request (answering a digest or basic challenge once) and return the open response.

        :raises StoreUnavailable: when the store cannot be reached.
        :raises QueryTimeout: when it does not answer before ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        headers = dict(headers)
        if authenticate and self._user is not None and self._challenge is None and body and len(body) > CHUNK:
            # a store asking for credentials answers 401 before reading a body and closes the connection, which
            # breaks the sending of a large one: learn its challenge first, with a GET of the same address
            probe = self._send("GET", url, None, {}, deadline, timeout)
            if probe.status == 401:
                self._challenge = _parse_challenge(probe.headers.get("WWW-Authenticate", ""))
            probe.read()
            probe.close()
        if authenticate and self._user is not None and self._challenge is not None:
            headers["Authorization"] = self._authorization(method, url)
        response = self._send(method, url, body, headers, deadline, timeout)
        if response.status == 401 and authenticate and self._user is not None:
            challenge = response.headers.get("WWW-Authenticate", "")
            response.read()
            response.close()
            self._challenge = _parse_challenge(challenge)
            headers["Authorization"] = self._authorization(method, url)
            response = self._send(method, url, body, headers, deadline, timeout)
        return response

    def _send(self, method, url, body, headers, deadline, limit) -> Response:
        parts = urllib.parse.urlsplit(url)
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        left = deadline - time.monotonic()
        if left <= 0:
            raise _timeout(limit)
        connection = cls(parts.hostname, parts.port, timeout=left)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            try:
                connection.request(method, target, body=body, headers=headers)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the store answered (a refusal) before reading the whole body: that answer is read below
            response = connection.getresponse()
        except (TimeoutError, socket.timeout):
            connection.close()
            raise _timeout(limit) from None
        except (OSError, http.client.HTTPException) as err:
            connection.close()
            reason = getattr(err, "strerror", None) or type(err).__name__
            raise StoreUnavailable(f"cannot reach the store at {self.endpoints.display}: {reason}") from None
        return Response(connection, response, deadline, limit)

    def _authorization(self, method: str, url: str) -> str:
        challenge = self._challenge or {}
        if challenge.get("scheme") != "digest":
            token = base64.b64encode(f"{self._user}:{self._password}".encode()).decode()
            return f"Basic {token}"
        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
        algorithm = challenge.get("algorithm", "MD5")
        digest = hashlib.sha256 if algorithm.upper().startswith("SHA-256") else hashlib.md5

        def h(text: str) -> str:
            return digest(text.encode()).hexdigest()

        ha1, ha2 = h(f"{self._user}:{realm}:{self._password}"), h(f"{method}:{uri}")
        fields = {"username": self._user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
        if "auth" in [q.strip() for q in challenge.get("qop", "").split(",")]:
            cnonce = os.urandom(8).hex()
            nc = "00000001"
            fields.update(qop="auth", nc=nc, cnonce=cnonce, response=h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
        else:
            fields["response"] = h(f"{ha1}:{nonce}:{ha2}")
        if "opaque" in challenge:
            fields["opaque"] = challenge["opaque"]
        unquoted = {"qop", "nc", "algorithm"}
        return "Digest " + ", ".join(f'{k}={v}' if k in unquoted else f'{k}="{v}"' for k, v in fields.items())


def _parse_challenge(header: str) -> dict:
    """Return a ``WWW-Authenticate`` challenge as a dict (``scheme`` lower-cased, then its parameters)."""
    scheme, _, rest = header.strip().partition(" ")
    out = {"scheme": scheme.lower()}
    for item in _split_params(rest):
        key, _, value = item.partition("=")
        out[key.strip().lower()] = value.strip().strip('"')
    return out


def _split_params(text: str) -> list[str]:
    items, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    if current:
        items.append("".join(current))
    return [item for item in items if item.strip()]


def _detail(response: Response) -> str:
    """Return the start of an error answer's text, on one line (never the request, never credentials)."""
    try:
        text = response.read(2048).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the status alone is enough
        text = ""
    response.close()
    return " ".join(text.split())[:300] or "no detail"
