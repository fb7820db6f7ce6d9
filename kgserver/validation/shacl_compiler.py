"""Compile SHACL Core shapes to SPARQL queries for Oxigraph: the fast engine for large graphs.

pyshacl evaluates shapes node by node in Python (about 15 s for the bundled shapes on a
100k-triple graph here, and so do the Rust engines measured in docs/validation.md); the same
constraints as one SPARQL query per constraint run on Oxigraph in a fraction of that.

Every SHACL Core constraint component and target is compiled (the W3C SHACL Core test suite runs
in the tests on both engines).  What is not SHACL Core (SHACL-SPARQL ``sh:sparql``, custom
targets, rules) and shapes that refer to themselves (recursion, which SHACL leaves undefined) are
refused by name *before* anything runs, with a :class:`ConfigurationError`: nothing is skipped.

Each compiled query returns ``?focus`` and, when the result has one, ``?value`` (and ``?rpath``
for ``sh:closed``, whose result path is the offending predicate).  Nested shapes (``sh:node``,
``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:qualifiedValueShape``) become ``EXISTS``
tests on a pattern that has a solution when the node violates the shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from ..errors import ConfigurationError
from .shacl_core import CORE, NODE_KINDS, NOT_CONSTRAINTS, REFUSED, TYPE_PATH, component, datatype_test, term


@dataclass(frozen=True)
class Query:
    """One compiled constraint: its shape, component, severity, result path and SPARQL text."""

    shape: URIRef | BNode
    component: str
    severity: URIRef
    path: object  # the shape's sh:path node (rdflib), None for a node shape
    text: str
    has_value: bool
    has_path: bool = False  # sh:closed: the result path is the offending predicate, ``?rpath``
    #: the pattern binding ``?focus`` to the focus nodes the query judges (every row's ``?focus`` is one of them)
    focus: str = ""

    @property
    def component_iri(self):
        return URIRef(self.component)


class Compiler:
    """Compile the shapes of one shapes graph."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.fresh = count()

    # -- structure ---------------------------------------------------------------------------
    def var(self, name: str = "v") -> str:
        return f"?{name}{next(self.fresh)}_"  # the "_" keeps ?v1_ from being a prefix of ?v10_

    def list(self, node) -> list:
        return list(Collection(self.graph, node))

    def path(self, node) -> str:
        """Return a SHACL path as a SPARQL property path."""
        g = self.graph
        if isinstance(node, URIRef):
            return f"<{node}>"
        if g.value(node, RDF.first) is not None:
            return "(" + "/".join(self.path(p) for p in self.list(node)) + ")"
        for predicate, template in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                                    (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = g.value(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(p) for p in self.list(alternatives)) + ")"
        raise ConfigurationError(f"not a SHACL path: {node!r}")

    def check_parameters(self, shape) -> None:
        """Refuse, by name, anything on ``shape`` that is not SHACL Core."""
        for predicate in set(self.graph.predicates(shape, None)):
            if predicate in REFUSED:
                raise ConfigurationError(f"{REFUSED[predicate]} on {shape} are not supported by the fast engine; "
                                         "use --shacl-engine pyshacl")
            if str(predicate).startswith(str(SH)) and predicate not in CORE | NOT_CONSTRAINTS:
                raise ConfigurationError(f"unsupported SHACL parameter {predicate} on {shape}; use --shacl-engine pyshacl")

    def boolean(self, shape, parameter) -> bool:
        """Return a boolean parameter; anything but ``true`` or ``false`` is an ill-formed shapes graph."""
        value = self.graph.value(shape, parameter)
        if value is None:
            return False
        if not (isinstance(value, Literal) and value.datatype == XSD.boolean and str(value) in ("true", "false")):
            raise ConfigurationError(f"{parameter} on {shape} must be true or false, not {value.n3()}")
        return str(value) == "true"

    def deactivated(self, shape) -> bool:
        return self.boolean(shape, SH.deactivated)

    # -- violations of one shape, as patterns ---------------------------------------------------
    def violations(self, shape, focus: str, stack=(), targets: str | None = None, skip_nested: bool = False):
        """Return (parameter, pattern, value var, result-path var, extra projection) for each way ``focus``
        violates ``shape`` (the extra projection keeps results apart that differ in what it projects).

        A pattern has a solution exactly when the constraint is violated (binding the value var).
        ``targets``, at the top level only, binds ``?focus``: counts are then grouped per focus node.
        ``skip_nested`` leaves out the ``sh:property`` shapes (reported with their own results).
        """
        if shape in stack:
            raise ConfigurationError(f"the shape {shape} refers to itself (recursive shapes are not supported)")
        stack = (*stack, shape)
        self.check_parameters(shape)
        if self.deactivated(shape):
            return []
        g = self.graph
        path_node = g.value(shape, SH.path)
        v = self.var()
        if path_node is None:
            values = f"BIND({focus} AS {v})"
        else:
            values = f"{focus} {self.path(path_node)} {v} ."
        out = []

        def per_value(parameter, condition):
            out.append((parameter, f"{values} FILTER({condition})", v, None, ""))

        for parameter, argument in sorted(g.predicate_objects(shape), key=lambda po: str(po[0])):
            if parameter == SH["class"]:
                per_value(parameter, f"NOT EXISTS {{ {v} {TYPE_PATH} {term(argument)} }}")
            elif parameter == SH.datatype:
                per_value(parameter, "!(" + datatype_test(v, argument) + ")")
            elif parameter == SH.nodeKind:
                per_value(parameter, "!(" + NODE_KINDS[argument].format(v=v) + ")")
            elif parameter in (SH.minExclusive, SH.minInclusive, SH.maxExclusive, SH.maxInclusive):
                op = {SH.minExclusive: ">", SH.minInclusive: ">=", SH.maxExclusive: "<", SH.maxInclusive: "<="}[parameter]
                per_value(parameter, f"!COALESCE({v} {op} {term(argument)}, false)")
            elif parameter in (SH.minLength, SH.maxLength):
                op = "<" if parameter == SH.minLength else ">"
                per_value(parameter, f"isBlank({v}) || STRLEN(STR({v})) {op} {int(argument)}")
            elif parameter == SH.pattern:
                flags = g.value(shape, SH.flags)
                regex = term(Literal(str(argument))) + (f", {term(Literal(str(flags)))}" if flags is not None else "")
                per_value(parameter, f"isBlank({v}) || !REGEX(STR({v}), {regex})")
            elif parameter == SH.languageIn:
                tests = " || ".join(f'langMatches(LANG({v}), "{str(x)}")' for x in self.list(argument))
                per_value(parameter, f'!(isLiteral({v}) && LANG({v}) != "" && ({tests or "false"}))')
            elif parameter == SH["in"]:
                members = " || ".join(f"sameTerm({v}, {term(m)})" for m in self.list(argument))
                per_value(parameter, f"!({members or 'false'})")
            elif parameter == SH.hasValue:
                if path_node is None:
                    out.append((parameter, f"FILTER(!sameTerm({focus}, {term(argument)}))", None, None, ""))
                else:
                    out.append((parameter, f"FILTER NOT EXISTS {{ {focus} {self.path(path_node)} {term(argument)} }}",
                                None, None, ""))
            elif parameter in (SH.minCount, SH.maxCount) and path_node is not None:
                out.append((parameter, self.counted(focus, values, v, parameter == SH.minCount, int(argument),
                                                    "true", targets), None, None, ""))
            elif parameter == SH.uniqueLang and self.boolean(shape, parameter) and path_node is not None:
                other = self.var("o")
                out.append((parameter, f"{values} {focus} {self.path(path_node)} {other} . "
                            f'FILTER(!sameTerm({v}, {other}) && LANG({v}) != "" && LANG({v}) = LANG({other}))',
                            None, None, f"(LANG({v}) AS ?lang)"))
            elif parameter == SH.equals and path_node is None:
                p2 = term(argument)
                out.append((parameter, f"{focus} {p2} {v} . FILTER(!sameTerm({v}, {focus}))", v, None, ""))
                out.append((parameter, f"BIND({focus} AS {v}) FILTER NOT EXISTS {{ {focus} {p2} {focus} }}", v, None, ""))
            elif parameter == SH.equals:
                p2 = term(argument)
                out.append((parameter, f"{values} FILTER NOT EXISTS {{ {focus} {p2} {v} }}", v, None, ""))
                out.append((parameter, f"{focus} {p2} {v} . FILTER NOT EXISTS {{ {values} }}", v, None, ""))
            elif parameter == SH.disjoint:
                out.append((parameter, f"{values} {focus} {term(argument)} {v} .", v, None, ""))
            elif parameter in (SH.lessThan, SH.lessThanOrEquals):
                op = "<" if parameter == SH.lessThan else "<="
                w = self.var("w")
                out.append((parameter, f"{values} {focus} {term(argument)} {w} . FILTER(!COALESCE({v} {op} {w}, false))",
                            v, None, w))
            elif parameter == SH["not"]:
                per_value(parameter, f"!({self.violated(argument, v, stack)})")
            elif parameter == SH["and"]:
                per_value(parameter, " || ".join(self.violated(s, v, stack) for s in self.list(argument)) or "false")
            elif parameter == SH["or"]:
                per_value(parameter, " && ".join(self.violated(s, v, stack) for s in self.list(argument)) or "true")
            elif parameter == SH.xone:
                ones = " + ".join(f"IF({self.violated(s, v, stack)}, 0, 1)" for s in self.list(argument))
                per_value(parameter, f"({ones or '0'}) != 1")
            elif parameter == SH.node:
                per_value(parameter, self.violated(argument, v, stack))
            elif parameter == SH.closed and self.boolean(shape, parameter):
                allowed = {p for s in g.objects(shape, SH.property) for p in [g.value(s, SH.path)]
                           if isinstance(p, URIRef)}
                ignored = g.value(shape, SH.ignoredProperties)
                allowed |= set(self.list(ignored)) if ignored is not None else set()
                p, x = self.var("p"), self.var("x")
                keep = f"FILTER({p} NOT IN ({', '.join(term(a) for a in sorted(allowed))}))" if allowed else ""
                out.append((parameter, f"{values} {v} {p} {x} . {keep}", x, p, ""))
            elif parameter == SH.qualifiedValueShape and path_node is not None:
                out += self.qualified(shape, focus, values, v, argument, stack, targets)
        if not skip_nested:
            for nested in g.objects(shape, SH.property):
                for _, pattern, _, _, _ in self.violations(nested, v, stack):
                    out.append((SH.property, f"{values} {pattern}", None, None, ""))
        return out

    def violated(self, shape, v: str, stack) -> str:
        """Return an expression true when ``v`` violates ``shape`` (a nested shape)."""
        patterns = [pattern for _, pattern, _, _, _ in self.violations(shape, v, stack)]
        if not patterns:
            return "false"
        return "EXISTS { " + " UNION ".join(f"{{ {p} }}" for p in patterns) + " }"

    def counted(self, focus, values, v, at_least: bool, bound: int, test: str, targets) -> str:
        """Return a pattern with a solution when ``focus`` has fewer (``at_least``) or more than ``bound``
        value nodes passing ``test``: grouped per focus node at the top level, else as EXISTS on
        ``bound`` (or ``bound + 1``) distinct values, which also sees a focus node with none."""
        if targets is not None:
            n = self.var("n")
            return (f"{{ SELECT ?focus (COUNT(DISTINCT {v}) AS {n}) WHERE {{ {{ {targets} }} "
                    f"OPTIONAL {{ {values} FILTER({test}) }} }} GROUP BY ?focus }} "
                    f"FILTER({n} {'<' if at_least else '>'} {bound})")
        wanted = bound if at_least else bound + 1
        if wanted <= 0:
            return "FILTER(false)" if at_least else ""
        names = [self.var("d") for _ in range(wanted)]
        parts = [values.replace(v, name) + f" FILTER({test.replace(v, name)})" for name in names]
        distinct = " && ".join(f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1:])
        exists = "EXISTS { " + " ".join(parts) + (f" FILTER({distinct})" if distinct else "") + " }"
        return f"FILTER({'!' if at_least else ''}{exists})"

    def qualified(self, shape, focus, values, v, qualified, stack, targets):
        g = self.graph
        test = f"!({self.violated(qualified, v, stack)})"
        if self.boolean(shape, SH.qualifiedValueShapesDisjoint):
            siblings = {q for parent in g.subjects(SH.property, shape) for s in g.objects(parent, SH.property)
                        for q in g.objects(s, SH.qualifiedValueShape) if s != shape}
            for sibling in siblings:
                test += f" && {self.violated(sibling, v, stack)}"
        out = []
        for parameter, op in ((SH.qualifiedMinCount, "<"), (SH.qualifiedMaxCount, ">")):
            bound = g.value(shape, parameter)
            if bound is None:
                continue
            out.append((parameter, self.counted(focus, values, v, op == "<", int(bound), test, targets), None, None, ""))
        return out

    # -- top level -------------------------------------------------------------------------------
    def targets(self, shape) -> str | None:
        """Return a pattern binding ``?focus`` to the focus nodes of ``shape``, None if it has none."""
        g = self.graph
        parts = []
        nodes = sorted(g.objects(shape, SH.targetNode), key=str)
        if nodes:
            parts.append("VALUES ?focus { " + " ".join(term(n) for n in nodes) + " }")
        classes = set(g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g:
            classes.add(shape)
        for cls in sorted(classes, key=str):
            parts.append(f"?focus {TYPE_PATH} {term(cls)} .")
        for predicate in sorted(g.objects(shape, SH.targetSubjectsOf), key=str):
            parts.append(f"?focus {term(predicate)} [] .")
        for predicate in sorted(g.objects(shape, SH.targetObjectsOf), key=str):
            parts.append(f"[] {term(predicate)} ?focus .")
        if not parts:
            return None
        return " UNION ".join(f"{{ SELECT DISTINCT ?focus WHERE {{ {p} }} }}" for p in parts)  # see sparql_shacl.TARGET_OPENING

    def compile(self) -> list[Query]:
        """Return one query per constraint of every shape with a target (and the property shapes below it)."""
        g = self.graph
        for node in set(g.subjects()):
            if isinstance(node, (URIRef, BNode)) and ((node, RDF.type, SH.NodeShape) in g or
                                                      (node, RDF.type, SH.PropertyShape) in g or
                                                      (node, SH.path, None) in g):
                self.check_parameters(node)
        queries: list[Query] = []
        shapes = {s for p in (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
                  for s in g.subjects(p, None)}
        shapes |= {s for s in g.subjects(RDF.type, RDFS.Class) if (s, RDF.type, SH.NodeShape) in g
                   or (s, RDF.type, SH.PropertyShape) in g}
        # a property shape shared by several node shapes (labels, provenance) runs once, on the union
        # of their focus nodes, not once per node shape: same results, a fraction of the queries
        shared: dict = {}
        for shape in sorted(shapes, key=str):
            targets = self.targets(shape)
            if not targets:
                continue
            if g.value(shape, SH.path) is None and not self.deactivated(shape):
                self.report(shape, targets, queries, (), with_properties=False)
                for child in g.objects(shape, SH.property):
                    shared.setdefault(child, []).append(targets)
            else:
                self.report(shape, targets, queries, ())
        for child, patterns in sorted(shared.items(), key=lambda item: str(item[0])):
            self.report(child, " UNION ".join(f"{{ {p} }}" for p in dict.fromkeys(patterns)), queries, ())
        return queries

    def report(self, shape, focus_pattern: str, queries: list[Query], stack, outers: str = "",
               with_properties: bool = True) -> None:
        """Add the queries reporting the results of ``shape`` on the focus nodes ``focus_pattern`` binds."""
        if shape in stack:
            raise ConfigurationError(f"the shape {shape} refers to itself (recursive shapes are not supported)")
        self.check_parameters(shape)
        if self.deactivated(shape):
            return
        g = self.graph
        severity = g.value(shape, SH.severity) or SH.Violation
        path_node = g.value(shape, SH.path)
        for parameter, pattern, value, rpath, extra in self.violations(shape, "?focus", stack, focus_pattern, True):
            select = "?focus" + (f" ({value} AS ?value)" if value else "") + (f" ({rpath} AS ?rpath)" if rpath else "")
            select += f" {extra} {outers}"
            grouped = pattern.startswith("{ SELECT ?focus (COUNT")  # already joins the focus nodes
            text = f"SELECT DISTINCT {select} WHERE {{ {'' if grouped else '{ ' + focus_pattern + ' }'} {pattern} }}"
            queries.append(Query(shape, component(parameter), severity, path_node, text, value is not None,
                                 rpath is not None, focus_pattern))
        for nested in g.objects(shape, SH.property) if with_properties else ():
            if path_node is None:
                self.report(nested, focus_pattern, queries, (*stack, shape), outers)
            else:  # the value nodes are the focus nodes, each once per focus node it is a value of
                outer = self.var("outer")
                inner = f"{{ SELECT DISTINCT ?focus {outer} {outers} WHERE {{ {{ {focus_pattern.replace('?focus', outer)} }} " \
                        f"{outer} {self.path(path_node)} ?focus . }} }}"
                self.report(nested, inner, queries, (*stack, shape), f"{outers} {outer}")


def compile_shapes(graph: Graph) -> list[Query]:
    """Compile every shape of ``graph``.

    :raises ConfigurationError: naming the first parameter or shape that is not SHACL Core.
    """
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return Compiler(copy).compile()
