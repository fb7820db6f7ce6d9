"""Browse and the 404 suggestions: the asserted classes of the resources under ``<base>id/``, by page.

``/browse`` lists the classes with how many resources under ``<base>id/`` have each as an asserted type
(an ``rdf:type`` statement in a named graph other than the inferred graph), then each class's members
in IRI order, a page at a time (keyset paging: the page after the last IRI shown, or before the first); the 404 page suggests typed resources close to the missing IRI in IRI
order (:func:`near_query`).  Both read the same set, two ways with the same answers:

- from the build: :func:`write_members` adds two tables to the search index (:mod:`kgserver.search_index`),
  ``classes(id, iri)`` and ``members(class, iri)`` (primary key: class then IRI, and an index on the IRI),
  and the counts go into the build's figures (``figures["browse"]``, published with the release, so an
  external store serves them too);
- from any SPARQL store: :func:`members_query` (one page: the class's members after (or before) an IRI, sorted
  by ``STR``, with ``LIMIT``; no ``OFFSET``, which Virtuoso refuses past 10,000 sorted rows), :func:`near_query`
  and, for a store published without the figures, :func:`counts_query`.

IRI order is the code-point order of the IRIs: SQLite's binary collation of UTF-8 text, Python's ``str``
order and SPARQL's ``ORDER BY STR(?s)`` on Oxigraph agree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import pyoxigraph as ox

from .namespaces import INFERRED_GRAPH, PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"


def _typed(cls: str, under: str, *also: str) -> str:
    """Return the group matching an asserted type ``cls`` (a variable or an IRI) of an IRI ``?s`` under ``under``."""
    tests = " && ".join(["?g != " + str(ox.NamedNode(str(INFERRED_GRAPH))), "isIRI(?s)", f"isIRI({cls})",
                         f"STRSTARTS(STR(?s), {ox.Literal(under)})", *also])
    return f"GRAPH ?g {{ ?s <{RDF_TYPE}> {cls} }} FILTER({tests})"


def counts_query(under: str) -> str:
    """Return the query counting each class's members under ``under`` (for a store without ``figures["browse"]``)."""
    return f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_typed('?c', under)} }} GROUP BY ?c"


def members_query(cls: str, *, under: str, after: str | None = None, before: str | None = None, limit: int) -> str:
    """Return the query of the first ``limit`` members of ``cls`` under ``under`` after ``after`` in IRI order, or the
    last ``limit`` before ``before`` (answered in descending order: see :func:`members`)."""
    bound = [f"STR(?s) > {ox.Literal(after)}"] if after is not None else []
    bound += [f"STR(?s) < {ox.Literal(before)}"] if before is not None else []
    order = "DESC" if before is not None and after is None else "ASC"
    return (f"SELECT DISTINCT ?s WHERE {{ {_typed(str(ox.NamedNode(cls)), under, *bound)} }} "
            f"ORDER BY {order}(STR(?s)) LIMIT {int(limit)}")


def near_query(iri: str, *, under: str, prefix: str, limit: int, classes: Iterable[str] = ()) -> str:
    """Return the query of the typed resources under ``under`` starting with ``prefix``: ``limit`` just before
    ``iri`` in IRI order, and ``limit`` just after (:func:`near` answers the same from the index).

    :param classes: the classes with members under ``under`` (``figures["browse"]``): the store then reads the
        members of each instead of every type statement (the inferred ones too); 3 times less CPU on Oxigraph at 1M.
    """
    values = "VALUES ?c { " + " ".join(str(ox.NamedNode(c)) for c in classes) + " } " if classes else ""

    def side(op: str, order: str) -> str:
        group = _typed("?c", under, f"STRSTARTS(STR(?s), {ox.Literal(prefix)})", f"STR(?s) {op} {ox.Literal(iri)}")
        return f"{{ SELECT DISTINCT ?s WHERE {{ {values}{group} }} ORDER BY {order}(STR(?s)) LIMIT {int(limit)} }}"
    return f"SELECT ?s WHERE {{ {side('<', 'DESC')} UNION {side('>', 'ASC')} }}"


def write_members(db: sqlite3.Connection, store: ox.Store, *, under: str) -> dict[str, int]:
    """Write ``classes`` and ``members`` (see the module docstring) into ``db``, in its open transaction.

    The types are read by predicate, graph by graph (an index scan each, never the whole store).

    :returns: class IRI -> members, in class order (the build's ``figures["browse"]["classes"]``).
    """
    db.execute("CREATE TABLE classes(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE)")
    db.execute("CREATE TABLE members(class INTEGER NOT NULL, iri TEXT NOT NULL, PRIMARY KEY (class, iri)) WITHOUT ROWID")
    db.execute("CREATE TEMP TABLE typed(class TEXT NOT NULL, iri TEXT NOT NULL)")
    db.executemany("INSERT INTO temp.typed VALUES (?, ?)", _memberships(store, under))
    db.execute("INSERT INTO classes(iri) SELECT DISTINCT class FROM temp.typed ORDER BY class")
    db.execute("INSERT OR IGNORE INTO members SELECT classes.id, typed.iri FROM temp.typed "
               "JOIN classes ON classes.iri = typed.class ORDER BY 1, 2")
    db.execute("DROP TABLE temp.typed")
    db.execute("CREATE INDEX members_by_iri ON members(iri)")
    return dict(db.execute("SELECT classes.iri, count(*) FROM members JOIN classes ON classes.id = members.class "
                           "GROUP BY classes.iri ORDER BY classes.iri"))


def _memberships(store: ox.Store, under: str):
    """Yield (class, resource) for each asserted ``rdf:type`` of an IRI under ``under`` to an IRI."""
    rdf_type, inferred = ox.NamedNode(RDF_TYPE), ox.NamedNode(str(INFERRED_GRAPH))
    for graph in store.named_graphs():
        if graph == inferred:
            continue
        for quad in store.quads_for_pattern(None, rdf_type, None, graph):
            subject, cls = quad.subject, quad.object
            if type(subject) is ox.NamedNode and type(cls) is ox.NamedNode and subject.value.startswith(under):
                yield cls.value, subject.value


def members(db: sqlite3.Connection, cls: str, *, after: str | None = None, before: str | None = None,
            limit: int) -> list[str]:
    """Return the first ``limit`` members of ``cls`` after ``after`` in IRI order, or the last ``limit`` before
    ``before`` (in descending order then, as :func:`members_query` answers): a range of the primary key."""
    where, params = ["classes.iri = ?"], [cls]
    if after is not None:
        where.append("members.iri > ?"), params.append(after)
    if before is not None:
        where.append("members.iri < ?"), params.append(before)
    order = "DESC" if before is not None and after is None else "ASC"
    return [iri for iri, in db.execute(
        f"SELECT members.iri FROM members JOIN classes ON classes.id = members.class WHERE {' AND '.join(where)} "
        f"ORDER BY members.iri {order} LIMIT ?", (*params, limit))]


def near(db: sqlite3.Connection, iri: str, *, prefix: str, limit: int) -> list[str]:
    """Return the members starting with ``prefix`` among the ``limit`` just before ``iri`` and the ``limit`` just after.

    Those starting with ``prefix`` are contiguous in IRI order and ``iri`` starts with it (or every member
    does), so filtering after the limit keeps what :func:`near_query` keeps before it.
    """
    before = db.execute("SELECT DISTINCT iri FROM members WHERE iri < ? ORDER BY iri DESC LIMIT ?", (iri, limit))
    after = db.execute("SELECT DISTINCT iri FROM members WHERE iri > ? ORDER BY iri LIMIT ?", (iri, limit))
    return [found for found, in [*before, *after] if found.startswith(prefix)]
