"""The paged lists of a resource's links, for the links a page or a description leaves out.

A resource page and its RDF description read at most so many statements of a resource
(:class:`kgserver.web.sources.Bound`).  The statements of a property left out are a list of
their own, paged: ``<resource IRI>?incoming=<property IRI>&page=K`` (``outgoing=`` for the
resource's own statements), dereferenced like the resource (303 to ``.html``, ``.ttl``, ...).
This is Pubby's answer to resources with very many links (a "path page" per property) with the
vocabulary of the Linked Data Fragments' paged fragments (Hydra): the description says, per
property left out, ``<list> a hydra:Collection; hydra:totalItems n; hydra:manages [hydra:property
p; hydra:object <resource>]; hydra:view <first page>``, and each page says where the next is.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from ..namespaces import HYDRA, PREFIXES

_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_XSD_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")
DIRECTIONS = ("incoming", "outgoing")
#: The last page a list serves (beyond it: ask the endpoint; an OFFSET costs what it skips).
MAX_PAGE = 500


def _h(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(HYDRA[name]))


@dataclass(frozen=True)
class LinkList:
    """The statements of ``node`` with ``predicate`` in one direction ("incoming": ``?x p node``), ``per_page`` a page."""

    node: ox.NamedNode
    direction: str
    predicate: ox.NamedNode
    per_page: int = 200

    @property
    def incoming(self) -> bool:
        return self.direction == "incoming"

    def query(self, page: int | None = None) -> str:
        """Return the query string that names the list, or one page of it."""
        return urlencode([(self.direction, self.predicate.value)] + ([("page", str(page))] if page else []))

    def iri(self, page: int | None = None) -> str:
        """Return the list's IRI (the resource's IRI with a query), or one page's."""
        return f"{self.node.value}?{self.query(page)}"

    def pages(self, total: int) -> int:
        """Return how many pages ``total`` links take (at least one, at most :data:`MAX_PAGE`)."""
        return max(1, min(MAX_PAGE, -(-total // self.per_page)))

    def collection_triples(self, total: int) -> list[ox.Triple]:
        """Return what a description says about the list: its size, what it lists, its first page."""
        collection = ox.NamedNode(self.iri())
        manages = ox.BlankNode()
        end = "object" if self.incoming else "subject"
        return [ox.Triple(collection, _RDF_TYPE, _h("Collection")),
                ox.Triple(collection, _h("totalItems"), ox.Literal(str(total), datatype=_XSD_INTEGER)),
                ox.Triple(collection, _h("manages"), manages),
                ox.Triple(manages, _h("property"), self.predicate),
                ox.Triple(manages, _h(end), self.node),
                ox.Triple(collection, _h("view"), ox.NamedNode(self.iri(1)))]

    def view_triples(self, page: int, total: int) -> list[ox.Triple]:
        """Return what a page says about itself: the list it is a view of, and the pages around it."""
        view = ox.NamedNode(self.iri(page))
        last = self.pages(total)
        out = [ox.Triple(view, _RDF_TYPE, _h("PartialCollectionView")),
               ox.Triple(view, _h("first"), ox.NamedNode(self.iri(1))),
               ox.Triple(view, _h("last"), ox.NamedNode(self.iri(last)))]
        if page > 1:
            out.append(ox.Triple(view, _h("previous"), ox.NamedNode(self.iri(page - 1))))
        if page < last:
            out.append(ox.Triple(view, _h("next"), ox.NamedNode(self.iri(page + 1))))
        return out + [t for t in self.collection_triples(total) if t.predicate != _h("view")] + [
            ox.Triple(ox.NamedNode(self.iri()), _h("view"), view)]


def requested_list(node: ox.NamedNode, args, per_page: int) -> tuple[LinkList, int] | None:
    """Return the list and page a request's arguments ask for (None when they ask for none).

    :raises ValueError: for a list or a page that is not well formed (the caller answers 400).
    """
    asked = [d for d in DIRECTIONS if d in args]
    if not asked:
        return None
    if len(asked) > 1:
        raise ValueError("give one of incoming= and outgoing=")
    try:
        predicate = ox.NamedNode(args.get(asked[0], ""))
    except ValueError:
        raise ValueError(f"{asked[0]}= must be the absolute IRI of a property") from None
    page_text = args.get("page", "1")
    if not page_text.isdigit() or not 1 <= int(page_text) <= MAX_PAGE:
        raise ValueError(f"page= must be a whole number from 1 to {MAX_PAGE}")
    return LinkList(node, asked[0], predicate, per_page), int(page_text)
