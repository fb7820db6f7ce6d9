"""Campaign cases for ``/validate`` (syntaxes, hostile documents, verdicts) and the command line."""

from __future__ import annotations

import json
from pathlib import Path

from campaign_cases import MARK, SCRIPT, Case

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "contributions" / "01-valid-sabadell" / "contribution.ttl"
TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "nq": "application/n-quads", "trig": "application/trig",
         "jsonld": "application/ld+json", "xml": "application/rdf+xml"}
ERR = frozenset({400})
OK_OR_ERR = frozenset({200, 400})
ESS = "https://w3id.org/esskg/"
ID = ESS + "id/"
M2 = f"<{ID}measure/pla-ess-sabadell-2022-2025-2>"
A11 = f"<{ID}action/pla-ess-sabadell-2022-2025-1-1>"
PLAN_S = f"<{ID}plan/pla-ess-sabadell-2022-2025>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

#: (name, N-Triples lines removed (substring), lines added, a SHACL shape is what finds it): each must fail.
MUTATIONS = [
    ("measure-without-parent", "ess:hasMeasure", [], True),
    ("label-without-language", None, [f'{A11} {LABEL} "Sense llengua" .'], True),
    ("year-as-integer", None, [f'{A11} <{ESS}ontology#activeYear> "2024"^^<http://www.w3.org/2001/XMLSchema#integer> .'], True),
    ("dangling-typo-link", None, [f"{A11} <{ESS}ontology#ledBy> <{ID}entity/ajuntament-de-sabadel> ."], False),
    ("nul-in-label", None, [f'{A11} {LABEL} "Nul\\u0000label"@ca .'], False),
    ("bel-in-label", None, [f'{A11} {LABEL} "Bel\\u0007label"@es .'], False),
    ("rtl-override-in-label", None, [f'{A11} {LABEL} "\\u202Egol\\u202C"@en .'], False),
    ("homoglyph-duplicate-label", None,
     [f'<{ID}entity/ajuntament-de-sabadell-2> {TYPE} <{ESS}ontology#PublicAdministration> .',
      f'<{ID}entity/ajuntament-de-sabadell-2> {LABEL} "Ajuntament de S\\u0430badell"@ca .',
      f'<{ID}entity/ajuntament-de-sabadell-2> {LABEL} "Ayuntamiento de S\\u0430badell"@es .',
      f'<{ID}entity/ajuntament-de-sabadell-2> {LABEL} "Sabadell City Counc\\u0456l"@en .',
      f'<{ID}entity/ajuntament-de-sabadell-2> <{ESS}ontology#sourceDocument> <{ID}document/pla-ess-sabadell-2022-2025> .'],
     False),
    ("period-reversed", f"{PLAN_S} <{ESS}ontology#endYear>",
     [f'{PLAN_S} <{ESS}ontology#endYear> "2019"^^<http://www.w3.org/2001/XMLSchema#gYear> .'], False),
    ("dataset-description-edited", None, [f'<{ID}dataset> <http://purl.org/dc/terms/title> "Hijacked"@en .'], False),
    ("ontology-term-redefined", None, [f'<{ESS}ontology#Action> {LABEL} "Not an action"@en .'], False),
    ("same-as", None, [f"{A11} <http://www.w3.org/2002/07/owl#sameAs> <{ID}action/other> ."], False),
    ("measure-number-duplicate", f'{M2} <http://www.w3.org/2004/02/skos/core#notation>',
     [f'{M2} <http://www.w3.org/2004/02/skos/core#notation> "1" .'], False),
    ("javascript-link", None, [f"{A11} <{ESS}ontology#concernsTheme> <javascript:alert(1)> ."], False),
    ("two-disjoint-classes", None, [f"{A11} {TYPE} <{ESS}ontology#Measure> ."], False),
    ("year-outside-period", None, [f'{A11} <{ESS}ontology#activeYear> "2031"^^<http://www.w3.org/2001/XMLSchema#gYear> .'], False),
    ("territory-cycle", None, [f"<{ID}territory/catalunya> <{ESS}ontology#withinTerritory> <{ID}territory/sabadell> ."], False),
    ("wrong-namespace-class", None, [f"<{ID}entity/x> {TYPE} <{ESS}ontologia#Organization> ."], False),
]


def _graph_lines() -> list[str]:
    """The valid contribution as sorted N-Triples lines (rdflib is a benchmark-side dependency here)."""
    from rdflib import Graph

    graph = Graph().parse(VALID)
    return sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())


def _serialise(lines: list[str], fmt: str) -> bytes:
    from rdflib import ConjunctiveGraph, Graph

    nt = "\n".join(lines) + "\n"
    if fmt == "nt":
        return nt.encode()
    if fmt == "nq":
        return "".join(line[:-1] + f"<{ID}graph-of-contribution> .\n" for line in lines).encode()
    graph = Graph().parse(data=nt, format="nt")
    if fmt == "trig":
        dataset = ConjunctiveGraph()
        dataset.get_context(f"{ID}graph-of-contribution").parse(data=nt, format="nt")
        return dataset.serialize(format="trig").encode()
    return graph.serialize(format={"ttl": "turtle", "jsonld": "json-ld", "xml": "xml"}[fmt]).encode()


def _verdict(expected: bool):
    def check(status, headers, body):
        try:
            got = json.loads(body)["conforms"]
        except (ValueError, KeyError, TypeError):
            return f"no verdict in the answer: {body[:200]!r}"
        return None if got is expected else f"wrong verdict: conforms={got}, expected {expected}"
    return check


def verdict_cases():
    """The valid contribution and each mutation, in every syntax and with text tricks: verdicts decided first."""
    lines = _graph_lines()
    cases = []
    variants = {"plain": lambda b: b, "bom": lambda b: b"\xef\xbb\xbf" + b, "crlf": lambda b: b.replace(b"\n", b"\r\n")}
    for fmt, ctype in TYPES.items():
        for vname, variant in variants.items():
            if vname == "bom" and fmt == "xml":
                continue
            body = variant(_serialise(lines, fmt))
            cases.append(Case("validate-verdict", f"valid/{fmt}/{vname}", method="POST", path="/validate", body=body,
                              headers={"Content-Type": ctype}, expect=frozenset({200}), conforms=True,
                              check=_verdict(True)))
    for name, remove, add, shacl in MUTATIONS:
        changed = [line for line in lines if not (remove and remove.replace("ess:", f"<{ESS}ontology#") in line
                                                   .replace(f"<{ESS}ontology#hasMeasure> {M2}", "ess:hasMeasure"))]
        if remove == "ess:hasMeasure":
            changed = [line for line in lines if not (f"hasMeasure> {M2}" in line)]
        changed += add
        for fmt, ctype in TYPES.items():
            cases.append(Case("validate-verdict", f"{name}/{fmt}", method="POST", path="/validate",
                              body=_serialise(changed, fmt), headers={"Content-Type": ctype}, expect=frozenset({200}),
                              conforms=False, check=_verdict(False)))
            cases[-1].shacl = shacl
            cases[-1].nt = "\n".join(changed) + "\n"
    # text tricks on the Turtle form: the same graph, so the same verdict
    text = VALID.read_text(encoding="utf-8")
    tricks = {
        "escaped-iris": text.replace("<measure/", "<measure\\u002F"),
        "sparql-style-prefixes": text.replace("@prefix", "PREFIX").replace("@base", "BASE").replace("> .\n", ">\n", 5),
        "base-changed-midway": text.replace("<action/", "<../id/action/"),
        "rdf-type-written-out": text.replace(" a ess:", " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ess:"),
        "comments-everywhere": text.replace(" ;\n", " ; # ; . }\n"),
        "mixed-line-endings": text.replace(";\n", ";\r\n", 10).replace(".\n", ".\r", 3),
    }
    for name, body in tricks.items():
        cases.append(Case("validate-verdict", f"valid-trick/{name}", method="POST", path="/validate",
                          body=body.encode(), headers={"Content-Type": "text/turtle"}, expect=frozenset({200}),
                          conforms=True, check=_verdict(True)))
        broken = body.replace("ess:hasMeasure <measure/pla-ess-sabadell-2022-2025-1> , <measure/pla-ess-sabadell-2022-2025-2>",
                              "ess:hasMeasure <measure/pla-ess-sabadell-2022-2025-1>")
        broken = broken.replace("ess:hasMeasure <measure\\u002Fpla-ess-sabadell-2022-2025-1> , <measure\\u002Fpla-ess-sabadell-2022-2025-2>",
                                "ess:hasMeasure <measure\\u002Fpla-ess-sabadell-2022-2025-1>")
        cases.append(Case("validate-verdict", f"invalid-trick/{name}", method="POST", path="/validate",
                          body=broken.encode(), headers={"Content-Type": "text/turtle"}, expect=frozenset({200}),
                          conforms=False, check=_verdict(False)))
    return cases


def document_cases():
    """Hostile documents in every syntax: each is a report (200) or a 4xx with a message, never more."""
    c = []

    def add(name, ctype, body, expect=OK_OR_ERR):
        c.append(Case("validate-documents", name, method="POST", path="/validate",
                      body=body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass"),
                      headers={"Content-Type": ctype, "Accept": "application/json"}, expect=frozenset(expect)))

    t = "text/turtle"
    triple = "<http://e/s> <http://e/p> "
    add("ttl-huge-literal", t, triple + '"' + "x" * 5_000_000 + '" .')
    add("ttl-huge-iri", t, triple + "<http://e/" + "i" * 2_000_000 + "> .")
    add("ttl-huge-langtag", t, triple + '"x"@' + "-".join(["abcdefgh"] * 5000) + " .")
    add("ttl-deep-bnodes", t, "<http://e/s> <http://e/p> " + "[ <http://e/p> " * 5000 + "1" + " ]" * 5000 + " .")
    add("ttl-deep-collection", t, "<http://e/s> <http://e/p> " + "( " * 5000 + "1" + " )" * 5000 + " .")
    add("ttl-long-list", t, "<http://e/s> <http://e/p> ( " + " ".join(str(i) for i in range(100_000)) + " ) .")
    add("ttl-many-prefixes", t, "".join(f"@prefix p{i}: <http://e/{i}#> .\n" for i in range(50_000)) + "p1:a p1:b p1:c .")
    add("ttl-many-objects", t, "<http://e/s> <http://e/p> " + ", ".join(f'"{i}"' for i in range(100_000)) + " .")
    add("ttl-invalid-utf8", t, b"<http://e/s> <http://e/p> \"\xff\xfe\" .", {400})
    add("ttl-overlong-utf8", t, b"<http://e/s> <http://e/p> \"\xc0\xaf\" .", {400})
    add("ttl-lone-surrogate", t, b"<http://e/s> <http://e/p> \"\xed\xa0\x80\" .", {400})
    add("ttl-escape-past-max", t, triple + '"\\U00110000" .', {400})
    add("ttl-escape-surrogate", t, triple + '"\\uD800" .', {200, 400})
    add("ttl-nul", t, b"<http://e/s> <http://e/p> \"a\x00b\" .")
    add("ttl-utf16", t, (triple + '"x" .').encode("utf-16"), {400})
    add("ttl-only-bom", t, b"\xef\xbb\xbf", {400})
    add("ttl-bom-twice", t, b"\xef\xbb\xbf\xef\xbb\xbf" + (triple + '"x" .').encode(), {400})
    add("ttl-cr-only", t, "@prefix e: <http://e/> .\re:s e:p e:o .\r")
    add("ttl-relative-no-base", t, "<s> <p> <o> .")
    add("ttl-base-javascript", t, "@base <javascript:alert(1)//> . <s> <p> <o> .")
    add("ttl-base-file", t, "@base <file:///etc/> . <passwd> <p> <o> .")
    add("ttl-star-quoted", t, "<http://e/s> <http://e/p> << <http://e/a> <http://e/b> <http://e/c> >> .")
    add("ttl-star-annotation", t, "<http://e/s> <http://e/p> <http://e/o> {| <http://e/q> 1 |} .")
    add("ttl-triple-term-subject", t, "<<( <http://e/a> <http://e/b> <http://e/c> )>> <http://e/p> 1 .")
    add("ttl-reifier", t, "<http://e/s> <http://e/p> <http://e/o> ~ <http://e/r> .")
    add("ttl-version", t, 'VERSION "1.2"\n<http://e/s> <http://e/p> <http://e/o> .')
    add("ttl-n3-formula", t, "{ <http://e/a> <http://e/b> <http://e/c> } <http://e/p> 1 .", {400})
    add("ttl-markup", t, f'<http://e/s> <http://e/p> "{SCRIPT}" .\n<http://e/{MARK}> <http://e/p> <javascript:{MARK}()> .')
    add("ttl-markup-syntax-error", t, f"<http://e/s> <http://e/p> {SCRIPT}", {400})
    add("ttl-syntax-error-late", t, (triple + '"x" .\n') * 50_000 + "<oops")
    add("ttl-bnode-label-huge", t, "_:" + "b" * 1_000_000 + " <http://e/p> 1 .")
    add("ttl-literal-newlines", t, triple + '"""' + "\n" * 500_000 + '""" .')
    add("ttl-datatype-huge", t, triple + '"x"^^<http://e/' + "d" * 1_000_000 + "> .")
    add("ttl-decimal-huge", t, triple + "1" + "0" * 100_000 + ".5 .")
    add("ttl-bad-xsd", t, triple + '"abc"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    add("ttl-bad-date", t, triple + '"2020-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .')
    add("ttl-gyear-far", t, triple + '"99999999999999999999"^^<http://www.w3.org/2001/XMLSchema#gYear> .')
    add("ttl-empty", t, b"", {400})
    add("ttl-only-prefixes", t, "@prefix e: <http://e/> .", {200, 400})
    n = "application/n-triples"
    add("nt-bom-crlf", n, b"\xef\xbb\xbf" + (triple + '"x" .\r\n').encode() * 10)
    add("nt-prefix-not-allowed", n, "@prefix e: <http://e/> .\ne:s e:p e:o .", {400})
    add("nt-relative", n, "<s> <p> <o> .", {400})
    add("nt-a-million-lines", n, (triple + '"x" .\n') * 300_000)
    add("nt-triple-term", n, "<http://e/s> <http://e/p> <<( <http://e/a> <http://e/b> <http://e/c> )>> .")
    q = "application/n-quads"
    add("nq-graph-ours", q, f"<http://e/s> <http://e/p> <http://e/o> <{ESS}graph/inferred> .")
    add("nq-graph-ontology", q, f"<{ESS}ontology#Action> {LABEL} \"x\"@en <{ESS}ontology> .")
    add("nq-graph-bnode", q, "<http://e/s> <http://e/p> <http://e/o> _:g .")
    add("nq-graph-literal", q, '<http://e/s> <http://e/p> <http://e/o> "g" .', {400})
    add("nq-graph-javascript", q, "<http://e/s> <http://e/p> <http://e/o> <javascript:alert(1)> .")
    add("nq-5000-graphs", q, "".join(f"<http://e/s> <http://e/p> <http://e/o> <http://e/g{i}> .\n" for i in range(5000)))
    g = "application/trig"
    add("trig-default-and-named", g, "{ <http://e/a> <http://e/b> 1 } <http://e/g> { <http://e/a> <http://e/b> 2 }")
    add("trig-graph-keyword", g, "GRAPH <http://e/g> { <http://e/a> <http://e/b> 1 }")
    add("trig-nested-graph", g, "<http://e/g> { <http://e/h> { <http://e/a> <http://e/b> 1 } }", {400})
    add("trig-bnode-graph", g, "_:g { <http://e/a> <http://e/b> 1 }")
    add("trig-unterminated", g, "<http://e/g> { <http://e/a> <http://e/b> 1 ", {400})
    j = "application/ld+json"
    add("jsonld-deep", j, '{"@id": "http://e/s", "http://e/p": ' + '{"http://e/p": ' * 3000 + '"x"' + "}" * 3000 + "}")
    add("jsonld-deep-arrays", j, '{"@id": "http://e/s", "http://e/p": ' + "[" * 100_000 + '"x"' + "]" * 100_000 + "}")
    add("jsonld-huge-number", j, '{"@id": "http://e/s", "http://e/p": 1' + "0" * 100_000 + "}")
    add("jsonld-nan", j, '{"@id": "http://e/s", "http://e/p": NaN}')
    add("jsonld-list-of-everything", j, json.dumps({"@id": "http://e/s", "http://e/p": {"@list": list(range(50_000))}}))
    add("jsonld-vocab-javascript", j, json.dumps({"@context": {"@vocab": "javascript:"}, "@id": "http://e/s", "x": "y"}))
    add("jsonld-protected-redefine", j, json.dumps({"@context": [{"p": {"@id": "http://e/p", "@protected": True}},
                                                                {"p": "http://e/q"}], "@id": "http://e/s", "p": 1}))
    add("jsonld-graph-container", j, json.dumps({"@id": "http://e/s", "http://e/p": {"@graph": {"@id": "http://e/t",
                                                                                                  "http://e/q": 1}}}))
    add("jsonld-not-json", j, "{'single': 'quotes'}", {400})
    add("jsonld-top-string", j, '"just a string"', {400})
    add("jsonld-empty-object", j, "{}", {200, 400})
    add("jsonld-duplicate-keys", j, '{"@id": "http://e/a", "@id": "http://e/b", "http://e/p": 1}')
    add("jsonld-context-null-chain", j, json.dumps({"@context": [None, None, {"@base": "file:///etc/"}],
                                                    "@id": "passwd", "http://e/p": 1}))
    add("jsonld-type-scoped-loop", j, json.dumps({"@context": {"T": {"@id": "http://e/T", "@context": {"T": {"@id": "http://e/T",
                                                  "@context": {}}}}}, "@id": "http://e/s", "@type": "T"}))
    add("jsonld-lone-surrogate", j, b'{"@id": "http://e/s", "http://e/p": "\\ud800"}')
    x = "application/rdf+xml"
    rdf = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
    add("xml-billion-laughs", x, '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9)) + "]>" + rdf +
        '<rdf:Description rdf:about="http://e/s"><e:p>&j;</e:p></rdf:Description></rdf:RDF>', {400})
    add("xml-quadratic-blowup", x, '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + "a" * 50_000 + '">]>' + rdf +
        '<rdf:Description rdf:about="http://e/s"><e:p>' + "&a;" * 5000 + "</e:p></rdf:Description></rdf:RDF>", {400})
    add("xml-internal-entity-ok", x, '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "http://e/">]>' + rdf +
        '<rdf:Description rdf:about="&e;s"><e:p>x</e:p></rdf:Description></rdf:RDF>')
    add("xml-deep", x, '<?xml version="1.0"?>' + rdf + '<rdf:Description rdf:about="http://e/s">' +
        '<e:p><rdf:Description>' * 3000 + "</rdf:Description></e:p>" * 3000 + "</rdf:Description></rdf:RDF>")
    add("xml-many-attributes", x, '<?xml version="1.0"?>' + rdf + '<rdf:Description rdf:about="http://e/s" ' +
        " ".join(f'e:a{i}="v"' for i in range(20_000)) + "/></rdf:RDF>")
    add("xml-encoding-lie", x, '<?xml version="1.0" encoding="UTF-16"?>' + rdf + "</rdf:RDF>", {200, 400})
    add("xml-latin1", x, ('<?xml version="1.0" encoding="ISO-8859-1"?>' + rdf +
                          '<rdf:Description rdf:about="http://e/s"><e:p>é</e:p></rdf:Description></rdf:RDF>').encode("latin-1"))
    add("xml-parse-type-literal-script", x, '<?xml version="1.0"?>' + rdf + '<rdf:Description rdf:about="http://e/s">'
        f'<e:p rdf:parseType="Literal">{SCRIPT}</e:p></rdf:Description></rdf:RDF>')
    add("xml-not-rdf", x, "<html><body>hello</body></html>", {200, 400})
    add("xml-unclosed", x, '<?xml version="1.0"?>' + rdf, {400})
    add("xml-pi-and-comments", x, '<?xml version="1.0"?><!-- x --><?pi data?>' + rdf + "<!-- -- --></rdf:RDF>", {200, 400})
    for ctype in ("text/n3", "application/sparql-query", "text/plain", "application/octet-stream", "", "text/turtle; charset=latin-1",
                  "text/turtle; charset=utf-16", "TEXT/TURTLE", "text/turtle;;;", "application/x-www-form-urlencoded",
                  "multipart/form-data; boundary=z", "text/html", f"text/{MARK}"):
        add(f"ctype-{ctype[:30]!r}", ctype, triple + '"x" .', {200, 400, 415})
    add("form-xml", "application/x-www-form-urlencoded", b"format=xml&document=%3Crdf%3ARDF%2F%3E", {200, 400})
    add("form-unknown-format", "application/x-www-form-urlencoded", f"format={SCRIPT}&document=x".encode(), {415})
    add("form-empty", "application/x-www-form-urlencoded", b"format=turtle&document=", {400})
    add("form-html-answer", "application/x-www-form-urlencoded",
        f"format=turtle&document=<http://e/s> <http://e/p> \"{SCRIPT}\" .".encode())
    c[-1].headers["Accept"] = "text/html"
    add("html-answer-syntax-error", t, f"<http://e/{SCRIPT}> <p>")
    c[-1].headers["Accept"] = "text/html"
    c[-1].expect = frozenset({400})
    for lang in (SCRIPT, "xx", "ca" * 500):
        c.append(Case("validate-documents", f"lang-{lang[:8]!r}", method="POST",
                      path="/validate?lang=" + __import__("urllib.parse").parse.quote(lang), body=(triple + '"x" .').encode(),
                      headers={"Content-Type": t, "Accept": "text/html"}, expect=frozenset({200})))
    return c


def cli_cases():
    """``kgserver validate``, ``query``, ``explain``, ``build`` and ``serve`` with hostile files, arguments and env."""
    c = []
    good = b"<http://e/s> <http://e/p> \"x\" .\n"

    def add(name, argv, expect, files=None, env=None, timeout=120.0):
        c.append(Case("cli", name, kind="cli", argv=argv, files=files or {}, env=env or {}, expect=frozenset(expect),
                      timeout=timeout))

    add("validate-missing", ["validate", "{dir}/nope.ttl"], {2})
    add("validate-empty", ["validate", "{dir}/e.ttl"], {2}, {"e.ttl": b""})
    add("validate-devnull", ["validate", "/dev/null"], {2})
    add("validate-dev-zero", ["validate", "/dev/zero"], {2}, timeout=60)
    add("validate-fifo", ["validate", "{dir}/fifo.ttl"], {2}, {"fifo.ttl": "FIFO"}, timeout=60)
    add("validate-directory-loop", ["validate", "{dir}/loop"], {2}, {"loop": "SYMLINK-LOOP"})
    add("validate-newline-name", ["validate", "{dir}/a\nb\x1b[31m.ttl"], {0, 1, 2}, {"a\nb\x1b[31m.ttl": good})
    add("validate-non-utf8-name", ["validate", b"{dir}/\xff\xfe.ttl"], {0, 1, 2}, {b"\xff\xfe.ttl": good})
    add("validate-invalid-utf8", ["validate", "{dir}/bad.ttl"], {2}, {"bad.ttl": b"<http://e/s> <http://e/p> \"\xff\" .\n"})
    add("validate-utf16", ["validate", "{dir}/u16.ttl"], {2}, {"u16.ttl": good.decode().encode("utf-16")})
    add("validate-star", ["validate", "{dir}/s.ttl"], {2}, {"s.ttl": b"<http://e/s> <http://e/p> << <http://e/a> <http://e/b> <http://e/c> >> .\n"})
    add("validate-unknown-suffix", ["validate", "{dir}/x.exe"], {2}, {"x.exe": good})
    add("validate-n3", ["validate", "{dir}/x.n3"], {0, 1}, {"x.n3": good})
    add("validate-xxe", ["validate", "{dir}/x.rdf"], {2}, {"x.rdf": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>'})
    add("validate-jsonld-remote", ["validate", "{dir}/x.jsonld"], {2}, {"x.jsonld": b'{"@context": "{canary}/c", "@id": "http://e/s", "http://e/p": 1}'})
    add("validate-owl-imports", ["validate", "{dir}/x.ttl"], {0, 1, 2}, {"x.ttl": b"<http://e/o> <http://www.w3.org/2002/07/owl#imports> <{canary}/o.ttl> .\n"})
    add("validate-format-junk", ["validate", "--format", "html", "{dir}/x.ttl"], {2}, {"x.ttl": good})
    add("validate-lang-junk", ["validate", "--lang", "xx", "{dir}/x.ttl"], {2}, {"x.ttl": good})
    add("validate-output-dev-full", ["validate", "-o", "/dev/full", "{dir}/x.ttl"], {1, 2}, {"x.ttl": good})
    add("validate-output-directory", ["validate", "-o", "{dir}", "{dir}/x.ttl"], {1, 2}, {"x.ttl": good})
    add("validate-output-missing-dir", ["validate", "-o", "{dir}/no/such/r.json", "{dir}/x.ttl"], {1, 2}, {"x.ttl": good})
    add("validate-shapes-remote", ["validate", "--shapes", "{canary}/shapes.ttl", "--no-bundle", "{dir}/x.ttl"], {2}, {"x.ttl": good})
    add("validate-shapes-hostile", ["validate", "--shapes", "{dir}/sh.ttl", "--no-bundle", "{dir}/x.ttl"], {0, 1, 2},
        {"x.ttl": good, "sh.ttl": b"@prefix sh: <http://www.w3.org/ns/shacl#> . <http://e/S> a sh:NodeShape ; sh:targetNode <http://e/s> ; sh:sparql [ sh:select \"SELECT $this WHERE { SERVICE <{canary}/x> { ?a ?b ?c } }\" ] .\n"})
    # --shapes are trusted like code: a sh:pattern with catastrophic backtracking runs unbounded (docs/security.md)
    add("query-unknown", ["query", "no-such-query"], {2})
    add("query-param-injection", ["query", "territories-within", "--param", "territory=<x> } ; DROP ALL #"], {2})
    add("query-param-unknown", ["query", "territories-within", "--param", "nope=1"], {2})
    add("query-param-no-equals", ["query", "territories-within", "--param", "territory"], {2})
    add("query-format-junk", ["query", "plan-periods", "--format", "yaml"], {2})
    add("query-path-traversal", ["query", "../../../etc/passwd"], {2})
    add("explain-junk", ["explain", "<<( <a> <b> <c> )>>", "<b>", "<c>"], {2})
    add("explain-literal-subject", ["explain", '"x"', "ess:withinTerritory", "esskg:territory/catalunya"], {1, 2})
    add("explain-unknown-prefix", ["explain", "nope:x", "nope:y", "nope:z"], {1, 2})
    for key, value in [("KGSERVER_QUERY_TIMEOUT", "abc"), ("KGSERVER_QUERY_TIMEOUT", "-1"), ("KGSERVER_QUERY_WORKERS", "0"),
                       ("KGSERVER_MAX_CONTENT_LENGTH", "-5"), ("KGSERVER_TRUSTED_PROXIES", "many"),
                       ("KGSERVER_URL_PREFIX", "//evil.example"), ("KGSERVER_HEADER_TIMEOUT", "nan"),
                       ("KGSERVER_MAX_CONNECTIONS_PER_CLIENT", "-1"), ("KGSERVER_ENGINE", "evil"),
                       ("KGSERVER_STORE", "file:///etc/passwd"), ("KGSERVER_QUERY_ISOLATION", "maybe"),
                       ("KGSERVER_QUERY_TIMEOUT", "nan"), ("KGSERVER_IDLE_TIMEOUT", "inf")]:
        add(f"serve-env-{key[9:]}={value}", ["serve", "--port", "{freeport}"], {2}, env={key: value}, timeout=120)
    add("serve-port-huge", ["serve", "--port", "99999"], {2})
    add("serve-host-bogus", ["serve", "--host", "999.1.1.1", "--port", "{freeport}"], {2})
    add("serve-workers-zero", ["serve", "--workers", "0"], {2})
    add("serve-engine-junk", ["serve", "--engine", "virtuoso"], {2})
    add("serve-store-remote-closed", ["serve", "--store", "http://127.0.0.1:9/sparql", "--port", "{freeport}"], {2})
    add("build-dir-devnull", ["build"], {2}, env={"KGSERVER_BUILD_DIR": "/dev/null/x"})
    add("build-dir-is-a-file", ["build"], {2}, env={"KGSERVER_BUILD_DIR": "/dev/null"})
    add("unknown-verb", ["frobnicate"], {2})
    return c
