"""Named-query parameters: the types a ``#+ params`` header may declare and how a value is bound.

One table and one conversion serve the command line (``kgserver query --param``) and the web API
(``/api/queries/<name>``): a value becomes a typed RDF term (pyoxigraph), checked against its type,
never text pasted into a query.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import InputError
from .namespaces import PREFIXES

XSD = PREFIXES["xsd"]

#: Parameter type -> (JSON Schema for OpenAPI, what a valid value looks like).
PARAM_TYPES: dict[str, tuple[dict, str]] = {
    "iri": ({"type": "string", "format": "iri"}, "an absolute IRI, or a prefixed name such as esskg:plan/x"),
    "string": ({"type": "string"}, "any text"),
    "langString": ({"type": "string"}, "text, optionally with a language tag: text@ca"),
    "integer": ({"type": "integer"}, "an integer such as 42"),
    "decimal": ({"type": "number"}, "a decimal number such as 3.5"),
    "double": ({"type": "number"}, "a number such as 3.5e2"),
    "boolean": ({"type": "boolean"}, "true or false"),
    "date": ({"type": "string", "format": "date"}, "a date YYYY-MM-DD"),
    "gYear": ({"type": "string", "pattern": "^-?[0-9]{4}$"}, "a year of four digits such as 2018"),
}
#: Aliases seen in grlc-style headers -> our type names.
TYPE_ALIASES = {"uri": "iri", "str": "string", "literal": "string", "int": "integer", "number": "decimal",
                "float": "double", "bool": "boolean", "year": "gYear", "xsd:gyear": "gYear",
                "xsd:integer": "integer", "xsd:string": "string", "xsd:date": "date", "rdf:langstring": "langString",
                "langstring": "langString", "gyear": "gYear"}
MAX_VALUE_LENGTH = 2000


class ParamError(InputError):
    """A parameter value is missing or not valid; the message names the parameter and says why."""

    def __init__(self, param: str, reason: str):
        super().__init__(f"parameter {param!r}: {reason}")
        self.param = param
        self.reason = reason


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str = "string"
    description: str = ""
    example: str | None = None
    required: bool = True
    enum: tuple[str, ...] = ()
    lang: str | None = None


def _get(spec, *names, default=None):
    """Return the value of the first of ``names`` a header entry has (``default`` if none)."""
    for name in names:
        if isinstance(spec, dict) and name in spec:
            return spec[name]
    return default


def param_from_spec(spec, fallback_name: str | None = None) -> Param:
    """Return the :class:`Param` a ``#+ params`` entry declares (grlc-style type aliases allowed)."""
    name = str(_get(spec, "name", default=fallback_name) or "").lstrip("?$")
    raw_type = str(_get(spec, "type", "datatype", default="string") or "string")
    kind = raw_type if raw_type in PARAM_TYPES else TYPE_ALIASES.get(raw_type.lower(), TYPE_ALIASES.get(raw_type, raw_type))
    if kind.startswith(XSD):
        kind = TYPE_ALIASES.get("xsd:" + kind[len(XSD):].lower(), "string")
    enum = _get(spec, "enum", default=()) or ()
    example = _get(spec, "example", default=None)
    return Param(name=name, type=kind, description=str(_get(spec, "description", default="") or ""),
                 example=None if example is None else str(example),
                 required=bool(_get(spec, "required", default=_get(spec, "default", default=None) is None)),
                 enum=tuple(str(v) for v in enum), lang=_get(spec, "lang", "language", default=None))


def bind(param: Param, value: str):
    """Return the RDF term for one parameter value.

    :raises ParamError: when the value does not fit the parameter's type or enumeration.
    """
    if len(value) > MAX_VALUE_LENGTH:
        raise ParamError(param.name, f"value longer than {MAX_VALUE_LENGTH} characters")
    if param.enum and value not in param.enum:
        raise ParamError(param.name, f"{value!r} is not one of {', '.join(param.enum)}")
    kind = param.type

    def typed(datatype: str) -> ox.Literal:
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))

    if kind == "iri":
        prefix, colon, rest = value.partition(":")
        if colon and prefix in PREFIXES and not rest.startswith("//"):
            value = PREFIXES[prefix] + rest
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", value):
            raise ParamError(param.name, f"{value!r} is not an absolute IRI (expected {PARAM_TYPES['iri'][1]})")
        try:
            return ox.NamedNode(value)
        except ValueError as err:
            raise ParamError(param.name, f"{value!r} is not a valid IRI: {err}") from None
    if kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise ParamError(param.name, f"{value!r} is not an integer")
        return typed("integer")
    if kind == "decimal":
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", value):
            raise ParamError(param.name, f"{value!r} is not a decimal number")
        return typed("decimal")
    if kind == "double":
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|INF|-INF|NaN", value):
            raise ParamError(param.name, f"{value!r} is not a number")
        return typed("double")
    if kind == "boolean":
        if value not in ("true", "false", "1", "0"):
            raise ParamError(param.name, f"{value!r} is not a boolean (true or false)")
        return typed("boolean")
    if kind == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ParamError(param.name, f"{value!r} is not a date YYYY-MM-DD") from None
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ParamError(param.name, f"{value!r} is not a date YYYY-MM-DD")
        return typed("date")
    if kind == "gYear":
        if not re.fullmatch(r"-?[0-9]{4}", value):
            raise ParamError(param.name, f"{value!r} is not a year of four digits (xsd:gYear)")
        return typed("gYear")
    if kind == "langString":
        text, at, lang = value.rpartition("@")
        if at and re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
            return ox.Literal(text, language=lang.lower())
        if param.lang:
            return ox.Literal(value, language=param.lang)
        raise ParamError(param.name, f"{value!r} has no language tag (expected text@ca)")
    if kind == "string":
        return ox.Literal(value, language=param.lang) if param.lang else ox.Literal(value)
    raise ParamError(param.name, f"the query declares an unknown type {kind!r}")
