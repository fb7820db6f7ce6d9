"""The label index of site search: written once by ``kgserver build``, read by the embedded store.

Search (``/search``) lists the resources under the base IRI whose labels contain every word of the
question, accents and case ignored: a resource matches when every :func:`fold`-ed word is a substring
of its *labels text*, the folded value of each of its ``rdfs:label`` and ``skos:prefLabel`` statements in
the named graphs (one per statement and graph), joined with ``" | "`` (:func:`labels_text`).  Hits come in
IRI order.  Over a store without this index the labels are read with one query (:data:`LABELS_QUERY`,
see :meth:`kgserver.storage.DatasetStore.search_labels`).

The index (:func:`write_index`, :class:`LabelIndex`) is an SQLite file in the build directory:

- ``labels(id, iri, text)``: one row per resource under the base, ``id`` in IRI order;
- ``trigrams``: an FTS5 table (``trigram`` tokenizer, case-sensitive: the text is folded already) over
  the same texts, which narrows a search by its words of three characters or more; every word is then
  checked exactly (``instr``), so short words, and the characters FTS5 reads as syntax, match as substrings;
- ``classes`` and ``members``: the asserted classes of the resources under ``<base>id/``, for ``/browse``
  and the 404 page's suggestions (:mod:`kgserver.browse_index`);
- ``meta``: the index format, the base IRI and the key of the build it belongs to.

It is opened read-only (``immutable``: a build is never changed in place, only replaced), lazily, once
per process and thread, so that it survives the web server's forks.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import unicodedata
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from . import browse_index
from .errors import ConfigurationError
from .namespaces import ID_PATH, PREFIXES

#: The file in a build directory (see :mod:`kgserver.reasoning.builddir`).
INDEX_FILE = "labels.sqlite"
#: Bumped when the file's tables change (2: ``classes`` and ``members``).
FORMAT = "2"
#: The properties whose values search reads.
LABEL_PROPERTIES = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")
SEPARATOR = " | "
#: Shortest word the trigram table can look up.
TRIGRAM = 3
#: The labels of the resources under a base (``{base}``: an N-Triples literal), one row per statement and graph.
LABELS_QUERY = ("SELECT ?s ?l WHERE {{ VALUES ?p {{ " + " ".join(f"<{p}>" for p in LABEL_PROPERTIES) + " }} "
                "GRAPH ?g {{ ?s ?p ?l }} FILTER(isIRI(?s) && STRSTARTS(STR(?s), {base})) }}")


class SearchIndexError(ConfigurationError):
    """The build's search index is missing, unreadable or belongs to another build."""


def fold(text: str) -> str:
    """Return text lower-cased and without accents, for searching and sorting."""
    if text.isascii():  # nothing to decompose (NFKD and casefold change no ASCII character but its case)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def labels_text(folded: list[str]) -> str:
    """Return the labels text of a resource from its folded labels (their order does not change a match)."""
    return SEPARATOR.join(folded)


def matches(words: list[str], text: str) -> bool:
    """Return True if every (folded) word is a substring of ``text``; no word matches nothing."""
    return bool(words) and all(word in text for word in words)


def write_index(store: ox.Store, path: Path, *, base: str, key: str) -> dict:
    """Write the label index of the resources under ``base`` from the named graphs of a built store.

    The labels are read by predicate (two index scans of each named graph, never the whole store) and
    sorted by SQLite on disk, so memory stays flat whatever the size.

    :param store: the build's store (its named graphs are read; its default graph, a merge, is not).
    :param key: the build's key (``manifest.json``), kept to recognise a stale index.
    :returns: ``resources``, ``labels``, ``bytes``, ``seconds`` and ``classes`` (class IRI -> resources under
        ``<base>id/`` with it as an asserted type: :func:`kgserver.browse_index.write_members`).
    """
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    db = sqlite3.connect(str(path), isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA temp_store = FILE")
        db.execute("BEGIN")
        db.execute("CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE labels(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, text TEXT NOT NULL)")
        # contentless: the texts are in labels; a NUL (which FTS5 stops reading at) is indexed as U+FFFD
        db.execute("CREATE VIRTUAL TABLE trigrams USING fts5(text, content='', tokenize='trigram case_sensitive 1')")
        db.execute("CREATE TEMP TABLE staged(iri TEXT NOT NULL, text TEXT NOT NULL)")
        db.executemany("INSERT INTO temp.staged VALUES (?, ?)", _labels(store, base))
        labels = db.execute("SELECT count(*) FROM temp.staged").fetchone()[0]
        rows = db.execute("SELECT iri, text FROM temp.staged ORDER BY iri, text")
        grouped = ((iri, labels_text([text for _, text in group])) for iri, group in groupby(rows, key=_first))
        db.executemany("INSERT INTO labels(iri, text) VALUES (?, ?)", grouped)
        db.execute("DROP TABLE temp.staged")
        texts = db.execute("SELECT id, text FROM labels")
        db.executemany("INSERT INTO trigrams(rowid, text) VALUES (?, ?)",
                       ((rowid, text.replace("\x00", "\ufffd")) for rowid, text in texts))
        db.execute("INSERT INTO trigrams(trigrams) VALUES ('optimize')")
        classes = browse_index.write_members(db, store, under=base + ID_PATH)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", FORMAT), ("base", base), ("key", key)])
        resources = db.execute("SELECT count(*) FROM labels").fetchone()[0]
        db.execute("COMMIT")
    finally:
        db.close()
    return {"file": path.name, "resources": resources, "labels": labels, "bytes": path.stat().st_size,
            "seconds": round(time.perf_counter() - started, 3), "classes": classes}


def _first(row):
    return row[0]


def _labels(store: ox.Store, base: str):
    """Yield (IRI, folded label) for each label statement of a resource under ``base``, in each named graph."""
    for graph in store.named_graphs():
        for predicate in LABEL_PROPERTIES:
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, graph):
                subject = quad.subject
                if type(subject) is ox.NamedNode and subject.value.startswith(base):
                    yield subject.value, fold(quad.object.value)


class LabelIndex:
    """A build's label index, read-only (see the module docstring).

    :param path: the SQLite file.
    :param base: the base IRI the build indexed.
    :param key: the build's key: an index written for another build is refused.
    """

    def __init__(self, path: Path, *, base: str, key: str):
        self.path, self.base, self.key = Path(path), base, key
        self._local = threading.local()

    def covers(self, base: str) -> bool:
        """Return True if the index lists the resources under ``base``."""
        return base == self.base

    def covers_members(self, under: str) -> bool:
        """Return True if the index lists the typed resources under ``under`` (``<base>id/``)."""
        return under == self.base + ID_PATH

    def members(self, cls: str, *, after: str | None = None, before: str | None = None, limit: int) -> list[str]:
        """Return a page of the members of ``cls`` (:func:`kgserver.browse_index.members`).

        :raises SearchIndexError: if the file is missing, unreadable or another build's.
        """
        return self._read(browse_index.members, cls, after=after, before=before, limit=limit)

    def near(self, iri: str, *, prefix: str, limit: int) -> list[str]:
        """Return the typed resources close to ``iri`` in IRI order (:func:`kgserver.browse_index.near`).

        :raises SearchIndexError: if the file is missing, unreadable or another build's.
        """
        return self._read(browse_index.near, iri, prefix=prefix, limit=limit)

    def _read(self, function, *args, **kwargs):
        try:
            return function(self._connection(), *args, **kwargs)
        except sqlite3.DatabaseError as err:
            raise self._error(f"cannot be read ({err})") from None

    def search(self, words: list[str], limit: int) -> tuple[int, list[str]]:
        """Return how many resources match every word (see :func:`matches`), and the first ``limit`` IRIs.

        :raises SearchIndexError: if the file is missing, unreadable or another build's.
        """
        if not words or not all(_encodable(word) for word in words):
            return 0, []  # a lone surrogate is in no label
        checks = " AND ".join("instr(labels.text, ?) > 0" for _ in words)
        long = [word for word in words if len(word) >= TRIGRAM and "\x00" not in word]
        if long:  # the rows in the trigram table's rowid order (IRI order): the first ones found stop the list
            tables = f"trigrams JOIN labels ON labels.id = trigrams.rowid WHERE trigrams MATCH ? AND {checks}"
            order, params = "trigrams.rowid", [" AND ".join(_phrase(word) for word in long), *words]
        else:  # no word the trigrams can look up: every text is checked, still without reading the store
            tables, order, params = f"labels WHERE {checks}", "labels.id", words
        try:
            db = self._connection()
            first = [iri for iri, in db.execute(f"SELECT labels.iri FROM {tables} ORDER BY {order} LIMIT ?",
                                                [*params, limit])]
            if len(first) < limit:  # every hit is listed: nothing more to count
                return len(first), first
            return db.execute(f"SELECT count(*) FROM {tables}", params).fetchone()[0], first
        except sqlite3.DatabaseError as err:
            raise self._error(f"cannot be read ({err})") from None

    def _connection(self) -> sqlite3.Connection:
        """Return this process's and thread's connection, opening and checking the file on first use."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.db, local.pid = self._open(), os.getpid()
        return local.db

    def _open(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise self._error("is missing")
        try:
            db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
            meta = dict(db.execute("SELECT name, value FROM meta"))
        except sqlite3.DatabaseError as err:
            raise self._error(f"cannot be read ({err})") from None
        if meta.get("format") != FORMAT or meta.get("key") != self.key or meta.get("base") != self.base:
            db.close()
            raise self._error("was written for another build")
        return db

    def _error(self, what: str) -> SearchIndexError:
        return SearchIndexError(f"the search index {self.path} {what}; rebuild with `kgserver build --force`")


def _phrase(word: str) -> str:
    """Return ``word`` as an FTS5 string (its characters literal, never query syntax)."""
    return '"' + word.replace('"', '""') + '"'


def _encodable(word: str) -> bool:
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
