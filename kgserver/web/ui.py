"""Words of the page interface in Catalan, Spanish and English, chosen by ``Accept-Language``."""

from __future__ import annotations

from flask import request

from .resource import language_preference

UI: dict[str, dict[str, str]] = {
    "ca": {
        "site": "Graf de coneixement ESS",
        "browse": "Explora",
        "search": "Cerca",
        "search_placeholder": "Cerca per nom…",
        "sparql": "Consulta SPARQL",
        "api": "API de consultes",
        "dataset": "Conjunt de dades",
        "dumps": "Descàrregues",
        "ontology": "Ontologia",
        "properties": "Propietats",
        "incoming": "Enllaços entrants",
        "source": "Document font",
        "notes": "Notes editorials",
        "inferred": "inferit",
        "inferred_help": "Fet deduït pel raonador (no és a les dades font)",
        "why": "per què?",
        "formats": "Aquest recurs en altres formats",
        "structure": "Estructura del pla",
        "timeline": "Calendari de les accions",
        "territory": "Territori: on és i què conté",
        "project": "Línies i fites a les quals contribueix",
        "not_found": "No hi ha cap recurs amb aquest IRI",
        "not_found_text": "Aquest IRI no és al graf. Potser buscàveu:",
        "no_results": "Cap resultat.",
        "results": "resultats",
        "type": "Tipus",
        "explanation": "Explicació de la inferència",
        "counts": "Xifres",
        "located": "Hi són o s'hi apliquen",
        "in_graph": "al graf",
    },
    "es": {
        "site": "Grafo de conocimiento ESS",
        "browse": "Explora",
        "search": "Busca",
        "search_placeholder": "Busca por nombre…",
        "sparql": "Consulta SPARQL",
        "api": "API de consultas",
        "dataset": "Conjunto de datos",
        "dumps": "Descargas",
        "ontology": "Ontología",
        "properties": "Propiedades",
        "incoming": "Enlaces entrantes",
        "source": "Documento fuente",
        "notes": "Notas editoriales",
        "inferred": "inferido",
        "inferred_help": "Hecho deducido por el razonador (no está en los datos fuente)",
        "why": "¿por qué?",
        "formats": "Este recurso en otros formatos",
        "structure": "Estructura del plan",
        "timeline": "Calendario de las acciones",
        "territory": "Territorio: dónde está y qué contiene",
        "project": "Líneas y metas a las que contribuye",
        "not_found": "No hay ningún recurso con este IRI",
        "not_found_text": "Este IRI no está en el grafo. Quizás buscaba:",
        "no_results": "Ningún resultado.",
        "results": "resultados",
        "type": "Tipo",
        "explanation": "Explicación de la inferencia",
        "counts": "Cifras",
        "located": "Están o se aplican aquí",
        "in_graph": "en el grafo",
    },
    "en": {
        "site": "ESS Knowledge Graph",
        "browse": "Browse",
        "search": "Search",
        "search_placeholder": "Search by name…",
        "sparql": "SPARQL query",
        "api": "Query API",
        "dataset": "Dataset",
        "dumps": "Downloads",
        "ontology": "Ontology",
        "properties": "Properties",
        "incoming": "Incoming links",
        "source": "Source document",
        "notes": "Editorial notes",
        "inferred": "inferred",
        "inferred_help": "Fact derived by the reasoner (not in the source data)",
        "why": "why?",
        "formats": "This resource in other formats",
        "structure": "Structure of the plan",
        "timeline": "Timeline of the actions",
        "territory": "Territory: where it lies and what it contains",
        "project": "Lines and goals it contributes to",
        "not_found": "No resource has this IRI",
        "not_found_text": "This IRI is not in the graph. Perhaps you were looking for:",
        "no_results": "No results.",
        "results": "results",
        "type": "Type",
        "explanation": "Explanation of the inference",
        "counts": "Figures",
        "located": "Located or applying here",
        "in_graph": "in the graph",
    },
}


def request_languages() -> list[str]:
    """Return the languages to show labels in: the client's (``Accept-Language``), then ca, es, en."""
    return language_preference(lang for lang, _q in request.accept_languages)


def ui_strings(languages: list[str]) -> tuple[str, dict[str, str]]:
    """Return the interface language (the first of ``languages`` that has words) and its words."""
    for lang in languages:
        if lang in UI:
            return lang, UI[lang]
    return "ca", UI["ca"]
