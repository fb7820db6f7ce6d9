"""The project's own exceptions, each knowing its CLI exit code and HTTP status.

Modelled on Click's ``exceptions.py``: callers raise the most specific class and
the command line and the web application map them once, in one place each.
"""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error kgserver reports to a user."""

    exit_code = 2
    http_status = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(KGError):
    """The user's input (a file, a query, a request) is unusable."""

    exit_code = 2
    http_status = 400


class LocatedInputError(InputError):
    """Input is unusable at a known place: the message starts with ``source:line:column``.

    :param source: file name (or ``<request>``) the text came from.
    :param message: what is wrong, kept alone as ``detail``.
    :param line: 1-based line of the error, when known.
    :param column: 1-based column of the error, when known.
    """

    def __init__(self, source: str, message: str, line: int | None = None, column: int | None = None):
        self.source = source
        self.line = line
        self.column = column
        self.detail = message
        where = source
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # errors cross process boundaries (the query workers) by pickle
        return (type(self), (self.source, self.detail, self.line, self.column))


class RDFSyntaxError(LocatedInputError):
    """An RDF file or document does not parse (see :class:`LocatedInputError` for the parameters)."""


class UnsafeInputError(InputError):
    """Input asked kgserver to fetch something from the network (remote context, entity, import)."""


class ConfigurationError(KGError):
    """kgserver is configured in a way it cannot run with."""

    exit_code = 2
    http_status = 500


class InconsistentGraphError(KGError):
    """The graph contradicts the ontology (found by reasoning)."""

    exit_code = 1
    http_status = 500
