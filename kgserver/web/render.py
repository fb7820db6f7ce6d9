"""Build what a resource page shows: its title, types, statements, incoming links and notes.

The template (``templates/pages/resource.html``) only lays this out; every decision about
labels, languages, order and inferred facts is made here.
"""

from __future__ import annotations

import importlib
from typing import Callable

import pyoxigraph as ox

from ..namespaces import ESS, PREFIXES
from .facts import PropertyRelations, one_row_per_fact
from .paging import LinkList
from .resource import (
    NAMING_PROPERTIES,
    RDF_TYPE,
    SKOS_NOTE,
    Labeller,
    Sources,
    Statement,
    compact,
    incoming,
    outgoing,
    pick_literal,
)

SOURCE_DOCUMENT = ox.NamedNode(str(ESS.sourceDocument))
SOURCE_FILE = ox.NamedNode(str(ESS.sourceFile))
#: Properties shown first, in this order; the rest follow by label.
PRIORITY = [
    PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "altLabel", str(ESS.acronym),
    PREFIXES["skos"] + "notation", PREFIXES["dcterms"] + "description", PREFIXES["rdfs"] + "comment",
    PREFIXES["skos"] + "definition", str(ESS.motivation), str(ESS.potentialActions), str(ESS.startYear),
    str(ESS.endYear), str(ESS.activeYear),
]
#: Shown elsewhere on the page (header, source box), not in the property table.
SHOWN_APART = {RDF_TYPE, SOURCE_DOCUMENT, SKOS_NOTE}
MAX_INCOMING_PER_PROPERTY = 200

Href = Callable[[str], str]


def _web_iri(iri: str) -> bool:
    """Tell whether an IRI may be rendered as a link: http(s) only (never ``javascript:``)."""
    return iri[:8].lower().startswith(("http://", "https://"))


def explainer():
    """Return ``kgserver.reasoning.explain.explain`` when the reasoning package provides it, else None."""
    try:
        module = importlib.import_module("kgserver.reasoning.explain")
    except ImportError:
        return None
    return getattr(module, "explain", None)


def nt(term) -> str:
    """Return the N-Triples form of a pyoxigraph term (what ``/explain`` takes)."""
    return str(term)


class PageBuilder:
    """Turn statements into the plain values a template shows."""

    def __init__(self, sources: Sources, labeller: Labeller, href: Href, explain_href: Callable | None = None,
                 relations: PropertyRelations | None = None):
        self.sources = sources
        self.labeller = labeller
        self.href = href
        self.explain_href = explain_href  # (s, p, o) -> URL of the explanation of an inferred triple
        self.relations = relations  # with them, a fact and its inverse or super-property are one row

    def value(self, term, inferred: bool = False, depth: int = 0) -> dict:
        """Return a template value for an RDF term (a link, a literal or a nested blank node)."""
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value if term.datatype else None
            plain = datatype in (None, PREFIXES["xsd"] + "string", PREFIXES["rdf"] + "langString")
            return {"kind": "literal", "label": term.value, "lang": term.language, "inferred": inferred,
                    "datatype": None if plain else compact(datatype)}
        if isinstance(term, ox.BlankNode):
            nested = self.properties(outgoing(self.sources, term), depth + 1) if depth < 2 else []
            return {"kind": "bnode", "label": "", "nested": nested, "inferred": inferred}
        if not _web_iri(term.value):  # javascript:, data:, ... : shown as text, never as a link
            return {"kind": "literal", "label": term.value, "lang": None, "inferred": inferred, "datatype": None}
        label, lang = self.labeller.label_and_language(term)
        return {"kind": "iri", "iri": term.value, "href": self.href(term.value), "label": label, "lang": lang,
                "inferred": inferred}

    def _predicate_key(self, predicate: ox.NamedNode) -> tuple:
        iri = predicate.value
        rank = PRIORITY.index(iri) if iri in PRIORITY else len(PRIORITY)
        return (rank, self.labeller.label(predicate).casefold(), iri)

    def _value_key(self, statement: Statement) -> tuple:
        term = statement.value
        if isinstance(term, ox.Literal):
            lang = (term.language or "").split("-")[0]
            order = self.labeller.languages
            return (0, order.index(lang) if lang in order else len(order), term.value)
        if isinstance(term, ox.NamedNode):
            return (1, *self.labeller.sort_key(term))
        return (2, str(term))

    def properties(self, statements: list[Statement], depth: int = 0, *, skip=frozenset(), node=None,
                   incoming: bool = False) -> list[dict]:
        """Group statements by property, in a reading order, for the property table.

        :param node: the resource the statements are about; with it, inferred values link to their explanation.
        :param incoming: the statements point at ``node`` (their value is the subject).
        """
        groups: dict = {}
        for statement in statements:
            if statement.predicate in skip:
                continue
            groups.setdefault(statement.predicate, []).append(statement)
        out = []
        for predicate in sorted(groups, key=self._predicate_key):
            values = sorted(self._one_language(groups[predicate]), key=self._value_key)
            shown = []
            for statement in values:
                value = self.value(statement.value, statement.inferred, depth)
                if statement.inferred and node is not None and self.explain_href is not None:
                    triple = (statement.value, predicate, node) if incoming else (node, predicate, statement.value)
                    value["explain"] = self.explain_href(*triple)
                shown.append(value)
            out.append({
                "iri": predicate.value,
                "href": self.href(predicate.value) if _web_iri(predicate.value) else "",
                "label": self.labeller.label(predicate),
                "values": shown,
            })
        return out

    def _one_language(self, statements: list[Statement]) -> list[Statement]:
        """Keep, of a property's language-tagged texts, those in the best language there is (one language per page)."""
        tagged = [s for s in statements if isinstance(s.value, ox.Literal) and s.value.language]
        if not tagged:
            return statements
        best = pick_literal((s.value for s in tagged), self.labeller.languages).language
        return [s for s in statements if not (isinstance(s.value, ox.Literal) and s.value.language)
                or s.value.language == best]

    def incoming_groups(self, statements: list[Statement], node=None) -> list[dict]:
        """Group incoming links by property; each value is the resource that points here."""
        groups = self.properties([s for s in statements if isinstance(s.value, ox.NamedNode)], node=node, incoming=True)
        for group in groups:
            group["total"] = len(group["values"])
            group["values"] = group["values"][:MAX_INCOMING_PER_PROPERTY]
        return groups

    def page(self, node: ox.NamedNode) -> dict:
        """Return the template context of a resource page (without the figures)."""
        out_statements = outgoing(self.sources, node)
        in_statements = incoming(self.sources, node)
        self.prefetch_linked(node, in_statements)
        label, lang = self.labeller.label_and_language(node)
        types = sorted((s for s in out_statements if s.predicate == RDF_TYPE),
                       key=lambda s: (s.inferred, self.labeller.label(s.value).casefold()))
        notes = self._one_language([s for s in out_statements if s.predicate == SKOS_NOTE and not s.inferred])
        sources_docs = sorted((s for s in out_statements if s.predicate == SOURCE_DOCUMENT),
                              key=lambda s: (s.inferred, str(s.value)))  # not in the store's order
        facts_out = [s for s in out_statements if s.predicate != RDF_TYPE]
        if self.relations is not None:
            facts_out, in_statements = one_row_per_fact(facts_out, in_statements, self.relations, node)
        properties = self.properties(facts_out, skip=SHOWN_APART, node=node)
        incoming_groups = self.incoming_groups(in_statements, node=node)
        self.mark_cut(node, properties, incoming_groups)
        return {
            "iri": node.value,
            "title": label,
            "title_lang": lang,
            "notation": self.labeller.notation(node),
            "types": [self.type_value(node, s) for s in types],
            "source_documents": [self.source_document(s) for s in sources_docs],
            "notes": [self.value(s.value, s.inferred) for s in notes],
            "properties": properties,
            "incoming": incoming_groups,
            "has_inferred": any(s.inferred for s in out_statements + in_statements),  # types included
        }

    def mark_cut(self, node: ox.NamedNode, outgoing_groups: list[dict], incoming_groups: list[dict]) -> None:
        """Give each group whose property was not read whole (:attr:`Sources.cut`) its size and its list's link.

        An incoming property with an inverse is shown as its inverse's outgoing group (:mod:`.facts`).
        """
        shown: dict = {}
        for (cut_node, direction), cut in self.sources.cut.items():
            if cut_node != node:
                continue
            for predicate, total in cut.items():
                links = (LinkList(node, direction, predicate, self.sources.bound.per_property), total)
                shown[(direction, predicate)] = links
                inverse = self.relations.inverse.get(predicate) if self.relations is not None else None
                if inverse is not None:
                    shown.setdefault(("outgoing" if direction == "incoming" else "incoming", inverse), links)
        marked = set()
        for direction, groups in (("outgoing", outgoing_groups), ("incoming", incoming_groups)):
            for group in groups:
                found = shown.get((direction, ox.NamedNode(group["iri"])))
                if found is not None:
                    links, total = found
                    group["total"] = max(total, len(group["values"]))
                    group["more"] = self.href(links.iri(1))
                    marked.add(links)
        for links, total in dict.fromkeys(shown.values()):  # none of its statements read: a row with the link alone
            if links not in marked:
                predicate = links.predicate
                (incoming_groups if links.incoming else outgoing_groups).append({
                    "iri": predicate.value, "href": self.href(predicate.value) if _web_iri(predicate.value) else "",
                    "label": self.labeller.label(predicate), "values": [], "total": total,
                    "more": self.href(links.iri(1))})

    def prefetch_linked(self, node: ox.NamedNode, in_statements: list[Statement]) -> None:
        """Fetch, in one query, the names of every IRI the page of ``node`` links to (and the files of its sources)."""
        linked, queue, seen = {node}, [node], set()
        while queue:  # the resource's statements and those of the blank nodes they reach (fetched already)
            subject = queue.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for quad in self.sources.quads(subject, None, None):
                linked.update((quad.predicate, quad.object))
                if isinstance(quad.object, ox.BlankNode):
                    queue.append(quad.object)
        for statement in in_statements:
            linked.update((statement.predicate, statement.value))
        self.sources.prefetch(sorted((n for n in linked if isinstance(n, ox.NamedNode)), key=str),
                              (*NAMING_PROPERTIES, SOURCE_FILE))

    def type_value(self, node: ox.NamedNode, statement: Statement) -> dict:
        """Return a type badge (classes of other vocabularies are named by :mod:`kgserver.web.term_labels`,
        whose names say the vocabulary where they would equal ours: "entitat PROV")."""
        value = self.value(statement.value, statement.inferred)
        if statement.inferred and self.explain_href:
            value["explain"] = self.explain_href(node, RDF_TYPE, statement.value)
        return value

    def source_document(self, statement: Statement) -> dict:
        """Return a source document link with its file name (``ess:sourceFile``), when known."""
        value = self.value(statement.value, statement.inferred)
        files = [q.object.value for q in self.sources.quads(statement.value, SOURCE_FILE, None)]
        value["files"] = sorted(files)
        return value
