"""Locate the bundled ontology, data, shapes and queries.

In an installed wheel they live in ``kgserver/_bundle/<part>``; in a source
checkout (editable install, tests) they are the top-level folders of the
repository.  Nothing is read here: these functions only return paths.
"""

from __future__ import annotations

from pathlib import Path

PARTS = ("ontology", "data", "shapes", "queries")

#: File suffixes read as RDF, with the rdflib parser name for each.
RDF_SUFFIXES = {
    ".ttl": "turtle",
    ".n3": "n3",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


def _package_dir() -> Path:
    return Path(__file__).resolve().parent


def bundle_root() -> Path:
    """Return the folder that holds ontology/, data/, shapes/ and queries/."""
    installed = _package_dir() / "_bundle"
    if (installed / "ontology").is_dir():
        return installed
    return _package_dir().parent


def part_dir(part: str) -> Path:
    """Return the folder of one bundled part (``ontology``, ``data``, ``shapes`` or ``queries``)."""
    if part not in PARTS:
        raise ValueError(f"unknown bundle part {part!r}; expected one of {', '.join(PARTS)}")
    return bundle_root() / part


def rdf_files(part: str, *, recursive: bool = False) -> list[Path]:
    """Return the RDF files of a bundled part, sorted by name.

    ``ontology/imports`` is not included for the ontology (see :func:`import_files`).
    """
    folder = part_dir(part)
    pattern = "**/*" if recursive else "*"
    return sorted(p for p in folder.glob(pattern) if p.is_file() and p.suffix in RDF_SUFFIXES)


def ontology_file() -> Path:
    """Return the main ontology file."""
    return part_dir("ontology") / "ess.ttl"


def import_files() -> list[Path]:
    """Return the local copies of external vocabularies (``ontology/imports``)."""
    folder = part_dir("ontology") / "imports"
    return sorted(p for p in folder.glob("*") if p.is_file() and p.suffix in RDF_SUFFIXES)


def query_files(subfolder: str | None = None) -> list[Path]:
    """Return the named SPARQL queries (``*.rq``), recursively, sorted by path."""
    folder = part_dir("queries")
    if subfolder:
        folder = folder / subfolder
    return sorted(folder.rglob("*.rq"))
