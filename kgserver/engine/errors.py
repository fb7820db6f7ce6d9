"""Errors a query can end with, each knowing its HTTP status (see :mod:`kgserver.errors`)."""

from __future__ import annotations

from ..errors import InputError, KGError


class QuerySyntaxError(InputError):
    """The query text does not parse.

    :param detail: the engine's message.
    :param line: 1-based line of the error, when known.
    :param column: 1-based column of the error, when known.
    :param text: the offending line of the query, when known.
    """

    def __init__(self, detail: str, line: int | None = None, column: int | None = None, text: str | None = None):
        self.detail, self.line, self.column, self.text = detail, line, column, text
        where = f" at line {line}, column {column}" if line is not None and column is not None else ""
        message = f"Query syntax error{where}: {detail}"
        if text is not None:
            message += f"\n{text}"
            if column is not None:
                message += "\n" + " " * max(column - 1, 0) + "^"
        super().__init__(message)

    def __reduce__(self):
        return (type(self), (self.detail, self.line, self.column, self.text))


class QueryRefused(KGError):
    """The request asks for something this read-only endpoint never does (an update)."""

    exit_code = 2
    http_status = 403


class InvalidQuery(InputError):
    """The query parses but asks for something impossible (an invalid regular expression, ...)."""


class QueryTooDeep(InputError):
    """The query nests brackets deeper than the endpoint parses (a 400, not a crashed worker)."""


class QueryTooHeavy(InputError):
    """The query made the worker running it die (out of stack or memory): the query's fault, a 400."""


class ServiceRefused(InputError):
    """The query uses ``SERVICE``; federated queries are off (no outbound requests)."""


class NotAcceptable(KGError):
    """No result format the client accepts exists for this kind of query."""

    exit_code = 2
    http_status = 406


class QueryTimeout(KGError):
    """The query was stopped because it ran longer than the time limit."""

    exit_code = 2
    http_status = 503


class EndpointBusy(KGError):
    """No query worker became free before the time limit."""

    exit_code = 2
    http_status = 503


class QueryEvaluationError(KGError):
    """The engine failed while evaluating a query (a fault on the server's side)."""

    exit_code = 2
    http_status = 500


class ClientGone(KGError):
    """The client closed its connection while its query ran: the work was stopped (nobody to answer)."""

    exit_code = 2
    http_status = 499
