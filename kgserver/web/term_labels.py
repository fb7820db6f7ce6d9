"""Our own Catalan, Spanish and English names of the reused vocabulary terms the pages show.

Reused vocabularies (RDF, RDFS, OWL, SKOS, Dublin Core, PROV, GeoSPARQL, ORG, FOAF, DCAT, VoID,
the Spanish territory ontology) mostly name their terms in English only, and some of their names
equal ours ("Entity", "Plan").  A page speaks one language, so it names these terms with our own
names and never with the vocabulary's.  The names are editorial data, published in their own graph:
``data/editorial/term-labels.ttl`` (``ess:translatedLabel``, as the translations are marked), read here
once, at first use.
"""

from __future__ import annotations

import functools

from .. import bundle
from ..namespaces import ESS
from ..rdfio import parse_file

LANGUAGES = ("ca", "es", "en")
#: The file of our names of reused terms (loaded into graph ``editorial/term-labels`` like every data file).
FILE = ("editorial", "term-labels.ttl")


@functools.cache
def term_labels() -> dict[str, tuple[str, str, str]]:
    """Return full IRI -> (ca, es, en) for every reused term we name, read from the editorial file once.

    :raises ValueError: when a term lacks a name in one of the three languages (or has two).
    """
    graph = parse_file(bundle.part_dir("data").joinpath(*FILE))
    names: dict[str, dict[str, str]] = {}
    for term, _, label in graph.triples((None, ESS.translatedLabel, None)):
        by_language = names.setdefault(str(term), {})
        if label.language in by_language:
            raise ValueError(f"{'/'.join(FILE)}: <{term}> has two names in {label.language!r}")
        by_language[label.language] = str(label)
    out = {}
    for term, by_language in names.items():
        if set(by_language) != set(LANGUAGES):
            raise ValueError(f"{'/'.join(FILE)}: <{term}> needs one name in each of {', '.join(LANGUAGES)}, "
                             f"has {', '.join(sorted(filter(None, by_language))) or 'none'}")
        out[term] = tuple(by_language[lang] for lang in LANGUAGES)
    return out


def term_label(iri: str, language: str) -> str | None:
    """Return our name of a reused term in ``language`` (ca, es or en), or None if we give it none."""
    names = term_labels().get(iri)
    if names is None or language not in LANGUAGES:
        return None
    return names[LANGUAGES.index(language)]
