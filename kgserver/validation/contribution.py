"""Read a contribution: files and folders of RDF, parsed completely before anything is validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ..bundle import RDF_SUFFIXES
from ..errors import InputError, RDFSyntaxError
from ..rdfio import format_for_path, load_into_store, parse_bytes, parse_file


@dataclass
class ContributedFile:
    """One contributed document: the name shown in reports, its graph, and its path if it is a file.

    ``graph`` is None when the document was parsed straight into the validation store
    (:func:`load_into`); ``triples`` is then its size, and ``blank_subjects`` the blank nodes it
    describes (as reports write them, ``_:id``) when there are several documents, so that a finding
    on one names its file (an IRI is found in the files by :mod:`.lines`; a blank node's label is not).
    """

    name: str
    graph: Graph | None
    path: Path | None = None
    triples: int = 0
    blank_subjects: frozenset = frozenset()

    def size(self) -> int:
        """Return the number of triples of the document."""
        return len(self.graph) if self.graph is not None else self.triples


def expand_paths(paths) -> list[Path]:
    """Return the RDF files named by ``paths`` (folders are searched recursively), without duplicates.

    :raises InputError: for a path that does not exist, or a folder with no RDF file.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RDF_SUFFIXES)
            if not found:
                raise InputError(f"{path}: no RDF file in this folder (looked for {', '.join(sorted(RDF_SUFFIXES))})")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def load_files(paths, file_base: bool = False) -> list[ContributedFile]:
    """Parse every file named by ``paths``; nothing is returned unless all of them parse.

    JSON-LD relative ``@id``s resolve against the file's own ``file:`` IRI (JSON-LD would
    otherwise drop them silently), so that the report shows them as IRIs outside the graph.

    :param file_base: resolve relative IRIs of every format against the file's ``file:`` IRI (as
        pyshacl and the W3C test suites do); otherwise a relative IRI outside JSON-LD is an error.
    :raises RDFSyntaxError: for the first file that does not parse (with line and column).
    :raises UnsafeInputError: for a file that asks for a network fetch.
    :raises InputError: for a file that holds no triple.
    """
    files = []
    for path in expand_paths(paths):
        fmt = format_for_path(path)
        base = path.resolve().as_uri() if fmt == "json-ld" or file_base else None
        files.append(_non_empty(ContributedFile(str(path), parse_file(path, fmt, base_iri=base), path.resolve())))
    return files


def load_into(paths, store, graph_name: str, file_base: bool = False) -> list[ContributedFile]:
    """Parse every file named by ``paths`` straight into ``store``'s graph ``graph_name`` (no rdflib graph).

    Same errors as :func:`load_files`; after one, the store is to be discarded (nothing is validated).
    """
    from .oxterms import ox_n3

    files = []
    expanded = expand_paths(paths)
    blanks = f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph_name}> {{ ?s ?p ?o }} FILTER(isBlank(?s)) }}"
    seen: set[str] = set()
    for path in expanded:
        fmt = format_for_path(path)
        base = path.resolve().as_uri() if fmt == "json-ld" or file_base else None
        try:
            data = path.read_bytes()
        except OSError as err:
            raise RDFSyntaxError(str(path), f"cannot read file: {err.strerror}") from None
        triples = load_into_store(store, data, fmt, graph_name, source=str(path), base_iri=base)
        item = ContributedFile(str(path), None, path.resolve(), triples)
        if len(expanded) > 1:  # the blank nodes added by this file (each file's are its own)
            new = {ox_n3(row["s"]) for row in store.query(blanks)} - seen
            seen |= new
            item.blank_subjects = frozenset(new)
        if triples == 0:  # nothing new: an empty file, or one saying again what an earlier file says
            _non_empty(ContributedFile(item.name, parse_bytes(data, fmt, source=item.name, base_iri=base)))
        files.append(item)
    return files


def total_bytes(paths) -> int:
    """Return the size in bytes of the RDF files named by ``paths``."""
    return sum(path.stat().st_size for path in expand_paths(paths))


def _non_empty(item: ContributedFile) -> ContributedFile:
    if item.size() == 0:
        raise InputError(
            f"{item.name}: the document holds no triple (JSON-LD keys without an @context mapping, "
            "or an empty file?); nothing to validate"
        )
    return item


def load_document(data: bytes, fmt: str, name: str = "<request>") -> list[ContributedFile]:
    """Parse one document (an HTTP body) as a contribution.

    :raises RDFSyntaxError: when it does not parse.
    """
    return [_non_empty(ContributedFile(name, parse_bytes(data, fmt, source=name)))]
