"""The reasoner's rules in words, in Catalan, Spanish and English, for the explanation pages.

Keys are the OWL 2 RL rule names :mod:`kgserver.reasoning.explain` gives; a rule not listed here
is shown by its name.
"""

from __future__ import annotations

#: rule -> (ca, es, en)
RULE_TEXTS: dict[str, tuple[str, str, str]] = {
    "cax-sco": ("subclasse: una instància d'una classe ho és també de les seves superclasses",
                "subclase: una instancia de una clase lo es también de sus superclases",
                "subclass: an instance of a class is an instance of its superclasses"),
    "prp-dom": ("domini: el subjecte d'una propietat és una instància del seu domini",
                "dominio: el sujeto de una propiedad es una instancia de su dominio",
                "domain: the subject of a property is an instance of its domain"),
    "prp-rng": ("rang: l'objecte d'una propietat és una instància del seu rang",
                "rango: el objeto de una propiedad es una instancia de su rango",
                "range: the object of a property is an instance of its range"),
    "prp-spo1": ("subpropietat: els valors d'una subpropietat ho són també de la seva superpropietat",
                 "subpropiedad: los valores de una subpropiedad lo son también de su superpropiedad",
                 "sub-property: a sub-property's values are values of its super-property"),
    "prp-inv": ("inversa: el que diu una propietat val en sentit contrari per a la seva inversa",
                "inversa: lo que dice una propiedad vale en sentido contrario para su inversa",
                "inverse: a property's values hold backwards for its inverse"),
    "prp-symp": ("propietat simètrica: el valor val en tots dos sentits",
                 "propiedad simétrica: el valor vale en ambos sentidos",
                 "symmetric property: the value holds both ways"),
    "prp-trp": ("propietat transitiva: dos passos en fan un",
                "propiedad transitiva: dos pasos hacen uno",
                "transitive property: two steps make one"),
    "eq-sym": ("owl:sameAs és simètrica", "owl:sameAs es simétrica", "owl:sameAs is symmetric"),
    "eq-trans": ("owl:sameAs és transitiva", "owl:sameAs es transitiva", "owl:sameAs is transitive"),
    "eq-rep-s": ("igualtat: el que val d'un recurs val del mateix recurs amb un altre nom",
                 "igualdad: lo que vale de un recurso vale del mismo recurso con otro nombre",
                 "equality: what holds of a resource holds of the same resource under another name"),
    "eq-rep-o": ("igualtat: un valor es pot substituir pel mateix recurs amb un altre nom",
                 "igualdad: un valor se puede sustituir por el mismo recurso con otro nombre",
                 "equality: a value can be replaced by the same resource under another name"),
}
_INDEX = {"ca": 0, "es": 1, "en": 2}


def rule_text(rule: str | None, language: str) -> str | None:
    """Return the rule in words in ``language``, or None for an unknown rule."""
    texts = RULE_TEXTS.get(rule or "")
    return texts[_INDEX.get(language, 0)] if texts else None
