"""Named SPARQL queries: files with a grlc-style ``#+`` YAML header, found by name and run on a store.

A named query is a ``.rq`` file under the bundled ``queries/`` folder whose first lines are
``#+ key: value`` comments holding YAML (grlc's format)::

    #+ summary: How many actions does measure 15 have?
    #+ description: ...
    #+ tags: [competency, pla-impuls-ess-2016-2019]
    #+ params:
    #+   measure: {type: string, example: "15", description: the measure's number}
    PREFIX ess: <https://w3id.org/esskg/ontology#>
    SELECT ...

The header lines are SPARQL comments, so the whole file is valid SPARQL and error positions
(line:column) refer to lines of the file.  Parameters are bound as typed RDF terms (a trailing
``VALUES`` clause of terms, as rdflib's ``initBindings``), never as user text pasted into the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from . import bundle
from .errors import InputError, LocatedInputError
from .params import bind, param_from_spec

_HEADER_LINE = re.compile(r"^#\+ ?(.*)$")
_ERROR_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)


class QueryNotFoundError(InputError):
    """No named query matches the name or path a user gave (or the name is ambiguous)."""

    http_status = 404


class QuerySyntaxError(LocatedInputError):
    """A query (or its ``#+`` header) does not parse; ``source`` is the query's file or name."""


@dataclass(frozen=True)
class NamedQuery:
    """One named query file: its name (the file stem), path, full text and parsed header."""

    name: str
    path: Path
    text: str
    header: dict = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """Return the header's one-line summary ('' if none)."""
        return str(self.header.get("summary", "") or "")

    @property
    def description(self) -> str:
        """Return the header's description ('' if none)."""
        return str(self.header.get("description", "") or "")

    @property
    def tags(self) -> list[str]:
        """Return the header's tags (a list of strings)."""
        return [str(t) for t in self.header.get("tags", []) or []]

    @property
    def params(self) -> dict[str, dict]:
        """Return the header's parameters: name -> {type, example, description, ...}."""
        return dict(self.header.get("params", {}) or {})


@dataclass
class QueryResult:
    """The result of a query: a table (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE).

    ``rows`` hold pyoxigraph terms (``None`` for an unbound variable), in the order of ``variables``.
    """

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)


#: libyaml's safe loader where PyYAML was built with it: every start-up reads the headers of every named query.
_FAST_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_header(text: str, source: str = "<query>") -> dict:
    """Return the YAML mapping of a query's leading ``#+`` lines ({} when there are none).

    :raises QuerySyntaxError: when the header is not YAML or not a mapping.
    """
    lines = []
    for line in text.splitlines():
        match = _HEADER_LINE.match(line.rstrip())
        if not match:
            break
        lines.append(match.group(1))
    if not lines:
        return {}
    yaml_text = "\n".join(lines)
    try:
        try:
            header = yaml.load(yaml_text, Loader=_FAST_YAML)  # noqa: S506 - a safe loader: libyaml's, ten times faster
        except yaml.YAMLError:
            header = yaml.safe_load(yaml_text)  # raises again, with PyYAML's own message (it shows the character)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        raise QuerySyntaxError(source, f"invalid #+ header (YAML): {problem}", line, column) from None
    if header is None:
        return {}
    if not isinstance(header, dict):
        raise QuerySyntaxError(source, "invalid #+ header: expected 'key: value' lines", 1, 1)
    return header


def read_query(path: Path | str) -> NamedQuery:
    """Read one ``.rq`` file as a :class:`NamedQuery`.

    :raises QueryNotFoundError: when the file cannot be read.
    :raises QuerySyntaxError: when its header is malformed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise QueryNotFoundError(f"{path}: cannot read query file: {getattr(err, 'strerror', None) or err}") from None
    return NamedQuery(name=path.stem, path=path, text=text, header=parse_header(text, str(path)))


def check_parses(query: NamedQuery, prefixes: dict[str, str] | None = None) -> None:
    """Check that a named query's SPARQL parses (on an empty store: no work is done).

    The ``#+`` header lines are comments, so positions are lines of the file.

    :raises QuerySyntaxError: with the file, line and column of the error.
    """
    try:
        result = ox.Store().query(query.text, prefixes=prefixes or {})
    except SyntaxError as err:
        message = str(err)
        match = _ERROR_POSITION.search(message)
        if match:
            raise QuerySyntaxError(
                str(query.path), " ".join(match.group(3).split()), int(match.group(1)), int(match.group(2))
            ) from None
        raise QuerySyntaxError(str(query.path), message) from None
    except (OSError, RuntimeError, ValueError):  # parsed, but an empty store cannot evaluate it: fine here
        return
    if isinstance(result, ox.QuerySolutions | ox.QueryTriples):
        for _ in result:
            break


def load_queries(subfolder: str | None = None) -> list[NamedQuery]:
    """Return every bundled named query (``queries/**/*.rq``), sorted by path."""
    return [read_query(p) for p in bundle.query_files(subfolder)]


def find_query(name_or_path: str) -> NamedQuery:
    """Return the named query a user means: a file path, an exact name, or a unique name prefix.

    ``cq05`` finds ``cq05-goals-of-sectoral-tables-project``; a path to an existing ``.rq`` file is read
    as is.

    :raises QueryNotFoundError: when nothing matches or a prefix matches several queries.
    """
    candidate = Path(name_or_path)
    if name_or_path.endswith(".rq") or "/" in name_or_path or "\\" in name_or_path:
        if candidate.is_file():
            return read_query(candidate)
        if name_or_path.endswith(".rq") and ("/" in name_or_path or "\\" in name_or_path):
            raise QueryNotFoundError(f"no such query file: {name_or_path}")
    name = candidate.stem if name_or_path.endswith(".rq") else name_or_path
    paths = bundle.query_files()
    exact = [p for p in paths if p.stem == name]
    if len(exact) == 1:
        return read_query(exact[0])
    matches = exact or [p for p in paths if p.stem.startswith(name)]
    if len(matches) == 1:
        return read_query(matches[0])
    if not matches:
        known = ", ".join(p.stem for p in paths) or "(none)"
        raise QueryNotFoundError(f"unknown query {name_or_path!r}; known queries: {known}")
    raise QueryNotFoundError(
        f"query name {name_or_path!r} is ambiguous; it matches: {', '.join(p.stem for p in matches)}"
    )


def bind_params(query: NamedQuery, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Return typed RDF terms for a query's parameters, from their string values.

    Each value is converted to the type its header declares, by :func:`kgserver.params.bind` (the
    web API's conversion): ``iri`` (absolute, or a prefixed name such as ``esskg:plan/x``),
    ``string``, ``langString``, ``integer``, ``decimal``, ``double``, ``boolean``, ``date``,
    ``gYear``; a ``lang`` key makes a language-tagged string.

    :raises InputError: for an undeclared parameter or a value that is not of the declared type.
    """
    declared = query.params
    terms: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, value in values.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise InputError(f"query {query.name!r} has no parameter {name!r} (its parameters: {known})")
        terms[name] = bind(param_from_spec(declared[name] or {}, name), value)
    return terms


def values_clause(bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Return a trailing ``VALUES`` clause binding each variable to one RDF term.

    This is how rdflib implements ``initBindings``: the terms are pyoxigraph terms written in
    their N-Triples form (escaped by pyoxigraph), never user text.  A trailing ``VALUES`` is joined
    after grouping and ``HAVING`` but before projection (SPARQL 1.1, 18.2.4.3): a parameter need not
    be projected, but it must be a variable of the query's pattern (and, in an aggregate query, of its
    ``GROUP BY``); one used only inside a ``FILTER`` would not restrict anything.
    """
    names = [name.lstrip("?$") for name in bindings]
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"invalid parameter name {name!r}")
    terms = []
    for term in bindings.values():
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise InputError(f"a parameter must be an IRI or a literal, not {term!r}")
        terms.append(str(term))
    return "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(terms) + ") }\n"


def run_query(
    text: str,
    store: ox.Store,
    *,
    bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
    source: str = "<query>",
    union: bool = True,
) -> QueryResult:
    """Run a SPARQL query on a store and return its result with every row materialised.

    :param text: the SPARQL text (a ``#+`` header is fine: it is made of comments).
    :param store: the Oxigraph store (see :func:`kgserver.store.open_store`).
    :param bindings: variable name (without ``?``) -> RDF term, joined as a trailing ``VALUES``
        clause (see :func:`values_clause`); the query must not end with its own ``VALUES``.
    :param source: name used in error messages.
    :param union: query the union of the named graphs as the default graph (what the endpoint does).
    :raises QuerySyntaxError: with line and column when the query does not parse.
    :raises ServiceRefused: for ``SERVICE`` (nothing is ever fetched), QueryRefused for an update.
    """
    from .engine import check_query

    check_query(text)  # no SERVICE, no update, no nesting that would overflow the parser: here too
    if bindings:
        text = text.rstrip() + "\n" + values_clause(bindings)
    try:
        result = store.query(text, use_default_graph_as_union=union)
    except SyntaxError as err:
        message = str(err)
        match = _ERROR_POSITION.search(message)
        if match:
            raise QuerySyntaxError(source, " ".join(match.group(3).split()), int(match.group(1)), int(match.group(2))) from None
        raise QuerySyntaxError(source, message) from None
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [tuple(solution[v] for v in variables) for solution in result]
        return QueryResult("select", variables=variables, rows=rows)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    return QueryResult("graph", triples=list(result))


def run_named_query(query: NamedQuery, store: ox.Store, params: dict[str, str] | None = None) -> QueryResult:
    """Run a :class:`NamedQuery` on a store, binding its parameters from strings."""
    bindings = bind_params(query, params or {})
    return run_query(query.text, store, bindings=bindings, source=str(query.path))


def serialize(result: QueryResult, fmt: str) -> bytes:
    """Serialise a result with :mod:`kgserver.results` (``json``, ``xml``, ``csv``, ``tsv`` for tables and
    booleans; ``turtle``, ``ntriples``, ``jsonld``, ``rdfxml`` for triples).

    :raises InputError: when the format does not fit the kind of result.
    """
    from . import results

    if result.kind == "graph":
        if fmt not in results.GRAPH_FORMATS:
            raise InputError(f"a graph result cannot be written as {fmt!r}; use one of {', '.join(results.GRAPH_FORMATS)}")
        return results.write_graph(fmt, result.triples)
    if fmt not in results.RESULT_FORMATS:
        raise InputError(f"a {result.kind.upper()} result cannot be written as {fmt!r}; use one of {', '.join(results.RESULT_FORMATS)}")
    if result.kind == "ask":
        return results.write_ask(fmt, bool(result.boolean))
    return results.write_select(fmt, result.variables, result.rows)
