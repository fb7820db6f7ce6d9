"""The cases of the hostile-input campaign (``benchmarks/campaign_hostile.py``), generated, never random.

Each case says what it sends and, decided before it is sent, what must come back: the set of
statuses allowed, and optionally a check of the answer (a verdict, a body that must not hold a
disclosed file or an unescaped marker).  Every answer is also held to the campaign's common rules:
no 500, no traceback, no hang, ``nosniff``, no markup injected into HTML (see ``campaign_hostile``).
``{canary}`` in a text is replaced by the loopback canary's URL, ``{port}`` by the server's port.
"""

from __future__ import annotations

import gzip
import json
import urllib.parse
import zlib
from dataclasses import dataclass, field

OK = frozenset({200})
BAD = frozenset({400})
OK_OR_BAD = frozenset({200, 400})
REFUSED = frozenset({400, 403})
NO_500 = frozenset(range(100, 500)) | frozenset(range(501, 600))
RUNAWAY = frozenset({503})  # stopped at the time limit: bounded work, by design
CLIENT_ERROR = frozenset(range(400, 500))
REDIRECT_OR_CLIENT = frozenset(range(300, 500))
MARK = "kgx"  # markup injected by a case is this tag or attribute: it must never come back unescaped
SCRIPT = f"<script>{MARK}(1)</script>"
ESS = "https://w3id.org/esskg/"
PLAN = ESS + "id/plan/pla-impuls-ess-2016-2019"
PREFIXES = ("PREFIX ess: <https://w3id.org/esskg/ontology#> PREFIX esskg: <https://w3id.org/esskg/id/> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ")


@dataclass
class Case:
    """One request (``http``), raw bytes on a socket (``raw``) or a command line (``cli``)."""

    category: str
    name: str
    kind: str = "http"
    method: str = "GET"
    path: str = "/"
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    data: bytes = b""  # raw
    argv: list = field(default_factory=list)  # cli
    files: dict = field(default_factory=dict)  # cli: name -> bytes, written to a temporary folder
    env: dict = field(default_factory=dict)  # cli
    expect: frozenset = NO_500  # statuses (http/raw) or exit codes (cli)
    check: object = None  # (status, headers, body) -> error text or None
    conforms: bool | None = None  # /validate: the verdict decided before sending
    timeout: float = 60.0


# --- SPARQL texts -------------------------------------------------------------------------------

def _queries():
    """Yield (name, text, allowed statuses): every query form and the grammar's corners."""
    p = PREFIXES
    yield "select", "SELECT * WHERE { ?s ?p ?o } LIMIT 3", OK
    yield "select-distinct-reduced", "SELECT REDUCED ?p WHERE { ?s ?p ?o } LIMIT 3", OK
    yield "ask-empty", "ASK {}", OK
    yield "ask-where", "ASK WHERE { ?s ?p ?o }", OK
    yield "construct-where", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", OK
    yield "construct-template", "CONSTRUCT { ?s <http://e/p> ?o } WHERE { ?s ?p ?o } LIMIT 5", OK
    yield "construct-bnode", "CONSTRUCT { [] <http://e/p> ?o } WHERE { ?s ?p ?o } LIMIT 5", OK
    yield "construct-empty-template", "CONSTRUCT {} WHERE { ?s ?p ?o }", OK
    yield "describe-iri", f"DESCRIBE <{PLAN}>", OK
    yield "describe-star", "DESCRIBE * WHERE { ?s a ?t } LIMIT 50", OK
    yield "describe-everything", "DESCRIBE ?s WHERE { ?s ?p ?o }", frozenset({200, 503})
    yield "describe-literal-var", "DESCRIBE ?o WHERE { ?s ?p ?o } LIMIT 10", OK
    yield "describe-nothing", "DESCRIBE <http://nowhere.example/x>", OK
    yield "values-inline", "SELECT * WHERE { VALUES ?x { 1 2 3 } }", OK
    yield "values-trailing", "SELECT * WHERE { ?s ?p ?o } LIMIT 1 VALUES ?s { UNDEF }", OK
    yield "values-multi", "SELECT * WHERE { VALUES (?a ?b) { (1 2) (UNDEF 3) (4 UNDEF) } }", OK
    yield "values-arity-mismatch", "SELECT * WHERE { VALUES (?a ?b) { (1) } }", BAD
    yield "values-10k", "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { " + " ".join(str(i) for i in range(10_000)) + " } }", OK
    yield "values-empty", "SELECT * WHERE { VALUES ?x { } }", OK
    yield "values-no-vars", "SELECT * WHERE { VALUES () { () () } }", OK
    yield "bind-twice", "SELECT * WHERE { BIND(1 AS ?x) BIND(2 AS ?x) }", BAD
    yield "bind-in-scope", "SELECT * WHERE { ?x ?p ?o BIND(1 AS ?x) }", BAD
    yield "select-expr-dup", "SELECT (1 AS ?x) (2 AS ?x) WHERE {}", BAD
    yield "select-star-group", "SELECT * WHERE { ?s ?p ?o } GROUP BY ?s", BAD
    yield "group-having", "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p HAVING (COUNT(*) > 100)", OK
    yield "group-by-expr", "SELECT ?l WHERE { ?s ?p ?o } GROUP BY (STRLEN(STR(?o)) AS ?l) LIMIT 5", OK
    yield "aggregates-all", ("SELECT (COUNT(DISTINCT ?o) AS ?a) (SUM(?o) AS ?b) (AVG(?o) AS ?c) (MIN(?o) AS ?d) "
                             "(MAX(?o) AS ?e) (SAMPLE(?o) AS ?f) (GROUP_CONCAT(STR(?o); SEPARATOR='|') AS ?g) "
                             "WHERE { ?s ?p ?o }"), OK
    yield "group-concat-all", "SELECT (GROUP_CONCAT(STR(?o)) AS ?g) WHERE { ?s ?p ?o }", OK
    yield "order-many", "SELECT * WHERE { ?s ?p ?o } ORDER BY " + " ".join(f"DESC(STRLEN(STR(?o))+{i})" for i in range(300)) + " LIMIT 2", OK
    yield "offset-huge", "SELECT * WHERE { ?s ?p ?o } OFFSET 99999999999999999999 LIMIT 1", OK_OR_BAD
    yield "limit-negative", "SELECT * WHERE { ?s ?p ?o } LIMIT -1", BAD
    yield "limit-huge", "SELECT * WHERE { ?s ?p ?o } LIMIT 184467440737095516150", OK_OR_BAD
    yield "limit-zero", "SELECT * WHERE { ?s ?p ?o } LIMIT 0", OK
    for depth in (10, 60, 120):
        text = "SELECT * WHERE { " * depth + "?s ?p ?o" + " }" * depth
        yield f"subquery-depth-{depth}", text, OK
    yield "subquery-depth-300", "SELECT * WHERE { " * 300 + "?s ?p ?o" + " }" * 300, BAD
    yield "group-depth-250", "ASK " + "{" * 250 + "}" * 250, OK
    yield "group-depth-300", "ASK " + "{" * 300 + "}" * 300, BAD
    yield "paren-depth-250", "ASK { FILTER(" + "(" * 250 + "1" + ")" * 250 + ") }", OK_OR_BAD
    yield "paren-depth-5000", "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", BAD
    yield "bnode-depth-300", "ASK { ?s ?p " + "[ ?q " * 300 + "?o" + " ]" * 300 + " }", BAD
    yield "collection-depth-300", "ASK { ?s ?p " + "( " * 300 + "1" + " )" * 300 + " }", BAD
    yield "optional-minus-union", ("SELECT * WHERE { { ?s a ?t } UNION { ?s ?p 1 } OPTIONAL { ?s ?q ?r } "
                                   "MINUS { ?s a <http://e/x> } FILTER NOT EXISTS { ?s <http://e/y> ?z } } LIMIT 3"), OK
    yield "graph-var", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", OK
    yield "graph-unknown", "SELECT * WHERE { GRAPH <http://nowhere.example/g> { ?s ?p ?o } }", OK
    yield "exists-in-select", "SELECT (EXISTS { ?s ?p ?o } AS ?e) WHERE {}", OK
    # property paths
    yield "path-star", p + "SELECT * WHERE { ?s ess:withinTerritory* ?t } LIMIT 5", OK
    yield "path-plus-inverse-negated", "SELECT * WHERE { ?s (^<http://e/a>/!<http://e/b>)+ ?o } LIMIT 5", OK
    yield "path-negated-set", "SELECT * WHERE { ?s !(a|^<http://e/b>) ?o } LIMIT 5", OK
    yield "path-negated-inverse-only", "SELECT * WHERE { ?s !(^a) ?o } LIMIT 5", OK
    yield "path-n", "SELECT * WHERE { ?s <http://e/p>{2} ?o }", BAD
    yield "path-n-m", "SELECT * WHERE { ?s <http://e/p>{1,3} ?o }", BAD
    yield "path-n-open", "SELECT * WHERE { ?s <http://e/p>{2,} ?o }", BAD
    yield "path-zero-or-one", "SELECT * WHERE { ?s (a|<http://e/q>)?/<http://e/r>* ?o } LIMIT 5", OK
    yield "path-both-vars-star", "SELECT (COUNT(*) AS ?n) WHERE { ?s (<http://e/none>)* ?o }", frozenset({200, 503})
    yield "path-1000-alternatives", "SELECT * WHERE { ?s (" + "|".join(f"<http://e/p{i}>" for i in range(1000)) + ") ?o }", OK
    # 9,999 "|": over MAX_CHAIN, refused although a negated set is flat (revised after the first run: 400)
    yield "path-negated-10000", "SELECT * WHERE { ?s !(" + "|".join(f"<http://e/p{i}>" for i in range(10_000)) + ") ?o } LIMIT 1", BAD
    yield "path-inverse-1000", "SELECT * WHERE { ?s " + "^" * 1000 + "a ?o } LIMIT 1", OK_OR_BAD
    yield "path-sequence-2000", "SELECT * WHERE { ?s " + "/".join(["a"] * 2000) + " ?o } LIMIT 1", OK_OR_BAD | RUNAWAY
    yield "path-parens-200", "SELECT * WHERE { ?s " + "(" * 200 + "a" + ")" * 200 + " ?o } LIMIT 1", OK
    yield "path-star-star", "SELECT * WHERE { ?s a** ?o }", BAD
    # huge terms
    yield "iri-1mb", "ASK { <http://e/" + "a" * 1_000_000 + "> ?p ?o }", OK
    yield "literal-5mb", 'ASK { ?s ?p "' + "x" * 5_000_000 + '" }', OK
    yield "long-literal-newlines", 'ASK { ?s ?p """' + "\n" * 100_000 + '""" }', OK
    yield "langtag-long", 'ASK { ?s ?p "x"@' + "a" * 8 + "-" + "-".join(["abcdefgh"] * 2000) + " }", OK_OR_BAD
    yield "langtag-bad", 'ASK { ?s ?p "x"@en- }', BAD
    yield "langtag-direction", 'ASK { ?s ?p "x"@en--rtl }', OK_OR_BAD
    yield "datatype-huge", 'ASK { ?s ?p "x"^^<http://e/' + "d" * 100_000 + "> }", OK
    yield "variable-names-long", "SELECT ?" + "v" * 100_000 + " WHERE {}", OK
    yield "many-variables", "SELECT * WHERE { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(1500)) + " }", OK
    yield "bind-chain-5000", "SELECT * WHERE { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(5000)) + " }", BAD
    yield "minus-chain-30000", "SELECT ((" + "-".join(["1"] * 30000) + ") AS ?x) WHERE {}", BAD
    yield "plus-chain-30000", "SELECT ((" + "+".join(["1"] * 30000) + ") AS ?x) WHERE {}", BAD
    yield "union-chain-10000", "SELECT * WHERE { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(10000)) + " }", BAD
    yield "triples-300", "SELECT * WHERE { " + " ".join(f"?s <http://e/p{i}> ?v{i} ." for i in range(300)) + " }", OK | RUNAWAY
    yield "many-prefixes", "".join(f"PREFIX p{i}: <http://e/{i}#> " for i in range(20_000)) + "ASK {}", OK
    yield "prefix-redefined", "PREFIX e: <http://a/> PREFIX e: <http://b/> ASK { e:x ?p ?o }", OK
    yield "prefix-empty", "PREFIX : <http://e/> ASK { :x ?p ?o }", OK
    yield "prefix-undeclared", "ASK { undeclared:x ?p ?o }", BAD
    # Unicode escapes and odd characters
    yield "escape-u-iri", "ASK { <http://e/\\u0041> ?p ?o }", OK
    yield "escape-U-iri", "ASK { <http://e/\\U0001F600> ?p ?o }", OK
    yield "escape-U-past-max", "ASK { <http://e/\\U00110000> ?p ?o }", BAD
    yield "escape-surrogate-iri", "ASK { <http://e/\\uDC00> ?p ?o }", BAD
    yield "escape-closing-bracket", "ASK { <http://e/\\u003E ?p ?o }", OK_OR_BAD
    yield "escape-space-in-iri", "ASK { <http://e/\\u0020x> ?p ?o }", BAD
    yield "escape-keyword", "\\u0053ELECT * WHERE { ?s ?p ?o } LIMIT 1", OK_OR_BAD
    yield "escape-in-prefix-name", "PREFIX e\\u0078: <http://e/> ASK { ex:a ?p ?o }", OK_OR_BAD
    yield "escape-short", "ASK { <http://e/\\u00> ?p ?o }", BAD
    yield "escape-in-string-quote", 'ASK { FILTER("\\u0022" = "\\"") }', OK
    yield "nul-in-query", "ASK { ?s ?p \"a\x00b\" }", OK_OR_BAD
    yield "nul-in-iri", "ASK { <http://e/a\x00b> ?p ?o }", BAD
    yield "bom-first", "\ufeffASK {}", OK_OR_BAD
    yield "rtl-override-in-string", 'ASK { FILTER("\u202e" != "") }', OK
    yield "non-bmp-variable", "SELECT ?\U0001F600 WHERE {}", OK_OR_BAD
    yield "unicode-variable", "SELECT ?ç WHERE { BIND(1 AS ?ç) }", OK
    yield "lone-surrogate-utf8", None, BAD  # sent as raw bytes below
    # BASE tricks
    yield "base-file", "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }", OK
    yield "base-relative-service-words", "BASE <http://e/> ASK { <service> ?p ?o }", OK
    yield "base-twice", "BASE <http://a/> BASE <b/> ASK { <c> ?p ?o }", OK
    yield "base-relative", "BASE <relative/> ASK { <c> ?p ?o }", OK_OR_BAD
    yield "base-none-relative-iri", "ASK { <../../etc/passwd> ?p ?o }", OK
    yield "base-fragment", "BASE <http://e/#frag> ASK { <#x> ?p ?o }", OK
    yield "base-javascript", "BASE <javascript:alert(1)//> ASK { <x> ?p ?o }", OK_OR_BAD
    # comments in odd places
    yield "comment-everywhere", "SELECT#c\n*#c\nWHERE#c\n{#c\n?s#c\n?p#c\n?o#c\n}#c\nLIMIT#c\n1#c", OK
    yield "comment-cr-only", "SELECT * # comment\rWHERE { ?s ?p ?o } LIMIT 1", OK_OR_BAD
    yield "comment-at-eof", "ASK {} # the end", OK
    yield "comment-hash-in-iri", "ASK { <http://e/#not-a-comment> ?p ?o }", OK
    yield "comment-hash-in-string", 'ASK { FILTER("#}" != "") }', OK
    yield "comment-unicode-line-sep", "ASK {} #\u2028SELECT", OK
    # RDF 1.2 / SPARQL-star
    yield "star-quoted-pattern", "SELECT * WHERE { << ?s ?p ?o >> ?q ?r } LIMIT 1", OK_OR_BAD
    yield "star-triple-term", "SELECT * WHERE { ?s ?p <<( ?a ?b ?c )>> } LIMIT 1", OK_OR_BAD
    yield "star-annotation", "SELECT * WHERE { ?s ?p ?o {| ?q ?r |} } LIMIT 1", OK_OR_BAD
    yield "star-functions", "SELECT (TRIPLE(<http://a>, <http://b>, 1) AS ?t) WHERE {}", OK_OR_BAD
    yield "star-is-triple", "SELECT * WHERE { ?s ?p ?o FILTER(isTRIPLE(?o)) } LIMIT 1", OK_OR_BAD
    yield "star-version", 'VERSION "1.2" ASK {}', OK_OR_BAD
    yield "star-reifier", "SELECT * WHERE { << ?s ?p ?o ~ ?r >> ?q ?x } LIMIT 1", OK_OR_BAD
    yield "star-construct", "CONSTRUCT { << ?s ?p ?o >> <http://e/q> 1 } WHERE { ?s ?p ?o } LIMIT 2", OK_OR_BAD
    yield "star-depth-200", "ASK { " + "<< " * 200 + "?s ?p ?o" + " >> ?p ?o" * 199 + " >> ?p ?o }", OK_OR_BAD | RUNAWAY
    # broken grammar
    yield "empty", "", BAD
    yield "only-spaces", "   \n\t ", BAD
    yield "only-comment", "# nothing", BAD
    yield "unterminated-brace", "SELECT * WHERE { ?s ?p ?o", BAD
    yield "unterminated-string", 'ASK { ?s ?p "abc }', BAD
    yield "unterminated-long-string", "ASK { ?s ?p '''abc }", BAD
    yield "two-queries", "ASK {} ASK {}", BAD
    yield "garbage-binary", "\x01\x02\x03\xff", BAD
    yield "json-instead", '{"query": "ASK {}"}', BAD
    yield "sql-injection-style", "' OR 1=1; --", BAD
    yield "html-as-query", f"<html>{SCRIPT}</html>", BAD
    yield "error-echo-markup", f"SELECT * WHERE {{ ?s ?p {SCRIPT} }}", BAD


def _functions():
    """Yield (name, expression text): SPARQL functions fed odd or huge arguments (each in a SELECT)."""
    big = '"' + "a" * 1_000_000 + '"'
    yield "regex-catastrophic", 'REGEX("' + "a" * 50_000 + '!", "^(a+)+$")'
    yield "regex-nested-quantifiers", 'REGEX("' + "a" * 30_000 + '", "((a*)*)*b")'
    yield "regex-backref", 'REGEX("aaaa", "(a)\\\\1")'
    yield "regex-invalid", 'REGEX("a", "(")'
    yield "regex-huge-repeat", 'REGEX("a", "a{1000}{1000}{1000}")'
    yield "regex-huge-class", 'REGEX("a", "[' + "a-z" * 20_000 + ']")'
    yield "regex-lookahead", 'REGEX("a", "(?=a)a")'
    yield "regex-flags-junk", 'REGEX("a", "a", "xyzq")'
    yield "regex-all-flags", 'REGEX("A\\nB", "a.b", "ismxq")'
    yield "regex-on-all-objects", None  # replaced below with a WHERE clause
    yield "replace-dollars", 'REPLACE("abc", "(b)", "' + "$1" * 10_000 + '")'
    yield "replace-empty-match", 'REPLACE("abc", "", "x")'
    yield "replace-huge", f'REPLACE({big}, "a", "bb")'
    yield "replace-bad-group", 'REPLACE("abc", "b", "$9")'
    yield "strdt-bad-integer", 'STRDT("x", xsd:integer)'
    yield "strdt-huge-datatype", 'STRDT("x", IRI("http://e/' + "d" * 100_000 + '"))'
    yield "strdt-langstring", 'STRDT("x", <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>)'
    yield "strlang-bad-tag", 'STRLANG("x", "not a tag!")'
    yield "strlang-empty", 'STRLANG("x", "")'
    yield "iri-javascript", 'IRI("javascript:alert(1)")'
    yield "iri-file", 'IRI("file:///etc/passwd")'
    yield "iri-canary", 'IRI("{canary}/iri")'
    yield "iri-space", 'IRI("a b")'
    yield "iri-relative", 'IRI("../x")'
    yield "uri-empty", 'URI("")'
    yield "iri-of-literal-with-lang", 'IRI("x"@en)'
    yield "bnode-string", 'BNODE("x")'
    yield "bnode-huge", f"BNODE({big})"
    yield "concat-huge", f"CONCAT({big}, {big}, {big})"
    yield "concat-mixed-langs", 'CONCAT("a"@en, "b"@ca, 1)'
    yield "substr-negative", f"SUBSTR({big}, -9223372036854775808, 9223372036854775807)"
    yield "substr-nan", 'SUBSTR("abc", 0/0, 1)'
    yield "substr-inf", 'SUBSTR("abc", 1e0/0, 1)'
    yield "substr-astral", 'SUBSTR("\U0001F600\U0001F600", 2, 1)'
    yield "encode-for-uri-huge", f"ENCODE_FOR_URI({big})"
    yield "encode-for-uri-astral", 'ENCODE_FOR_URI("\U0001F600/?#")'
    yield "strlen-huge", f"STRLEN({big})"
    yield "ucase-eszett", 'UCASE("ß\u0149")'
    yield "lcase-dotted", 'LCASE("İ")'
    yield "contains-huge", f"CONTAINS({big}, {big})"
    yield "strbefore-empty", 'STRBEFORE("abc", "")'
    yield "strafter-lang-mismatch", 'STRAFTER("abc"@en, "b"@ca)'
    yield "integer-overflow-add", "9223372036854775807 + 1"
    yield "integer-overflow-mul", "9223372036854775807 * 9223372036854775807"
    yield "integer-huge-literal", "1" + "0" * 400
    yield "decimal-huge-literal", "1" + "0" * 400 + ".5"
    yield "double-overflow", "1e308 * 10"
    yield "double-huge-literal", "1e99999"
    yield "integer-div-zero", "1 / 0"
    yield "decimal-div-zero", "1.0 / 0.0"
    yield "double-div-zero", "1e0 / 0"
    yield "abs-min", "ABS(-9223372036854775808)"
    yield "round-huge", "ROUND(1e400)"
    yield "ceil-nan", "CEIL(0e0/0)"
    yield "cast-integer-huge", 'xsd:integer("' + "9" * 5000 + '")'
    yield "cast-decimal-junk", 'xsd:decimal("1e5")'
    yield "cast-boolean-junk", 'xsd:boolean("maybe")'
    yield "cast-datetime-far", 'xsd:dateTime("99999999999-01-01T00:00:00Z")'
    yield "cast-datetime-negative", 'xsd:dateTime("-999999999-01-01T00:00:00Z")'
    yield "cast-date-feb30", 'xsd:date("2020-02-30")'
    yield "datetime-plus-duration", 'xsd:dateTime("2020-01-01T00:00:00Z") + "P99999999999999Y"^^xsd:duration'
    yield "datetime-minus", 'xsd:dateTime("9999-12-31T23:59:59Z") - xsd:dateTime("-9999-01-01T00:00:00Z")'
    yield "year-of-far-date", 'YEAR("-999999999-01-01"^^xsd:date)'
    yield "timezone-bad", 'TIMEZONE("2020-01-01T00:00:00+15:00"^^xsd:dateTime)'
    yield "tz-of-date", 'TZ("2020-01-01"^^xsd:date)'
    yield "gyear-plus", 'xsd:gYear("+2020")'
    yield "duration-huge", '"P' + "9" * 400 + 'Y"^^xsd:duration'
    yield "now-rand-uuid", "CONCAT(STR(NOW()), STR(RAND()), STRUUID(), STR(UUID()))"
    yield "hashes-huge", f"CONCAT(MD5({big}), SHA1({big}), SHA256({big}), SHA384({big}), SHA512({big}))"
    yield "lang-matches-star", 'LANGMATCHES("", "*")'
    yield "coalesce-errors", "COALESCE(1/0, ?unbound, 2)"
    yield "if-error", 'IF(1/0, "a", "b")'
    yield "in-huge-list", "1 IN (" + ", ".join(str(i) for i in range(20_000)) + ")"
    yield "sameterm-nan", "sameTerm(0e0/0, 0e0/0)"
    yield "str-of-bnode", "STR(BNODE())"
    yield "datatype-of-unbound", "DATATYPE(?unbound)"


def _amplifiers():
    """Yield (name, text, allowed): queries that ask for much work or memory from little text."""
    doubling = 'BIND("' + "x" * 100 + '" AS ?a0) ' + " ".join(
        f"BIND(CONCAT(?a{i}, ?a{i}, ?a{i}, ?a{i}, ?a{i}, ?a{i}, ?a{i}, ?a{i}, ?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(7))
    yield "concat-tenfold-1gb", f"SELECT (STRLEN(?a7) AS ?n) WHERE {{ {doubling} }}", frozenset({200, 400, 503})
    yield "cross-product-count", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }", frozenset({200, 503})
    yield "cross-product-group-concat", ("SELECT (GROUP_CONCAT(CONCAT(STR(?c), STR(?f))) AS ?g) WHERE "
                                         "{ ?a ?b ?c . ?d ?e ?f }"), frozenset({200, 503})
    # sorts 10^9 rows in memory: past the worker's 3 GiB cap, a 400 (503 at the time limit before the cap)
    yield "cross-product-order", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1", frozenset({200, 400, 503})
    # the same cross product under CONSTRUCT: Oxigraph's evaluation can pass the worker's 3 GiB cap before
    # the row limit is reached (seen on the final run of 2026-12-07: a 400 after 6.7 s, the worker replaced)
    yield "construct-cross-product", "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }", frozenset({200, 400, 503})
    yield "path-any-star-count", "SELECT (COUNT(*) AS ?n) WHERE { ?s (<http://www.w3.org/2000/01/rdf-schema#label>|!a)* ?o }", frozenset({200, 503})


def sparql_cases():
    """The query texts, each sent GET, POST form-encoded and POST ``application/sparql-query``."""
    cases = []
    transports = ("get", "form", "direct")
    for name, text, allowed in _queries():
        if text is None:
            body = b"ASK { ?s ?p \"\xed\xa0\x80\" }"  # a UTF-8-encoded lone surrogate: not UTF-8
            cases.append(Case("sparql-grammar", name, method="POST", path="/sparql", body=body,
                              headers={"Content-Type": "application/sparql-query"}, expect=allowed))
            continue
        for transport in transports:
            if transport == "get" and len(urllib.parse.quote(text)) > 7000:
                continue  # a GET that long is a 414, covered in the protocol cases
            cases.append(_sparql(f"sparql-grammar", f"{name}/{transport}", text, transport, allowed))
    for name, expr in _functions():
        if expr is None:
            text = PREFIXES + 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "^(\\\\w+\\\\s?)+$", "i")) }'
        else:
            text = PREFIXES + f"SELECT (({expr}) AS ?x) (DATATYPE(({expr})) AS ?t) WHERE {{}}"
        for transport in ("form", "direct"):
            cases.append(_sparql("sparql-functions", f"{name}/{transport}", text, transport, OK))
    for name, expr in [("unknown-function", "<http://e/fn>(1)"), ("xsd-cast-unknown", 'xsd:hexBinary("zz")')]:
        text = PREFIXES + f"SELECT (({expr}) AS ?x) WHERE {{}}"  # Oxigraph refuses what it does not implement
        for transport in ("form", "direct"):
            cases.append(_sparql("sparql-functions", f"{name}/{transport}", text, transport, BAD))
    for name, text, allowed in _amplifiers():
        cases.append(_sparql("sparql-amplifiers", name, text, "direct", allowed))
    return cases


def _sparql(category, name, text, transport, allowed, accept="application/sparql-results+json", extra=None):
    extra = extra or {}
    if transport == "get":
        params = urllib.parse.urlencode({"query": text, **extra})
        return Case(category, name, path="/sparql?" + params, headers={"Accept": accept}, expect=allowed)
    if transport == "form":
        return Case(category, name, method="POST", path="/sparql",
                    body=urllib.parse.urlencode({"query": text, **extra}).encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}, expect=allowed)
    path = "/sparql" + ("?" + urllib.parse.urlencode(extra) if extra else "")
    return Case(category, name, method="POST", path=path, body=text.encode("utf-8", "surrogatepass"),
                headers={"Content-Type": "application/sparql-query", "Accept": accept}, expect=allowed)


# --- fetch attempts -----------------------------------------------------------------------------

TARGETS = ["{canary}/x", "{canary}/sparql", "http://127.0.0.1:{port}/sparql", "http://localhost:{port}/health",
           "http://169.254.169.254/latest/meta-data/", "http://[::1]:{cport}/v6", "http://0x7f000001:{cport}/hex",
           "http://2130706433:{cport}/decimal", "file:///etc/passwd", "https://example.org/", "ftp://127.0.0.1:{cport}/"]


def fetch_cases():
    """SERVICE in every form, FROM, graph parameters, IRIs in every input that could be fetched."""
    cases = []
    for i, target in enumerate(TARGETS):
        service = [
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
            f"select * where {{ service <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ \\u0053\\u0045\\u0052\\u0056\\u0049\\u0043\\u0045 <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
            f"SELECT * WHERE {{ ?x ?y ?z MINUS {{ SERVICE <{target}> {{ ?x ?y ?z }} }} }} LIMIT 1",
            f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
            f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
            f"PREFIX t: <{target}#> SELECT * WHERE {{ SERVICE t: {{ ?s ?p ?o }} }}",
            f"BASE <{target}> SELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE#comment\n<{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE/**/ <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ FILTER('<'<'>')SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f'SELECT * WHERE {{ FILTER("#" != "\\"")SERVICE <{target}> {{ ?s ?p ?o }} }}',
            f"SELECT * WHERE {{ GRAPH <x> {{ }} SERVICE\t<{target}>{{?s ?p ?o}} }}",
            f"CONSTRUCT WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"DESCRIBE ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        ]
        for j, text in enumerate(service):
            transport = ("get", "form", "direct")[(i + j) % 3]
            cases.append(_sparql("fetch-service", f"{i}-{j}/{transport}", text, transport, frozenset({400})))
        graph_texts = [
            (f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}", OK),
            (f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", OK),
            (f"SELECT * WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}", OK),
            (f"ASK {{ FILTER(IRI(\"{target}\") = <{target}>) }}", OK),
            (f"DESCRIBE <{target}>", OK),
        ]
        for j, (text, allowed) in enumerate(graph_texts):
            cases.append(_sparql("fetch-graphs", f"{i}-{j}", text, "form", allowed))
        for param in ("default-graph-uri", "named-graph-uri"):
            cases.append(_sparql("fetch-graphs", f"{i}-{param}/get", "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                                 "get", OK, extra={param: target}))
            cases.append(_sparql("fetch-graphs", f"{i}-{param}/direct", "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                                 "direct", OK, extra={param: target}))
        for j, (ctype, doc) in enumerate(_fetching_documents(target)):
            cases.append(Case("fetch-documents", f"{i}-{j}", method="POST", path="/validate", body=doc.encode(),
                              headers={"Content-Type": ctype}, expect=frozenset({200, 400})))
        cases.append(Case("fetch-documents", f"{i}-explain", path="/explain?" + urllib.parse.urlencode(
            {"s": f"<{target}>", "p": "<http://www.w3.org/2002/07/owl#sameAs>", "o": f"<{target}>"}),
            expect=frozenset({200, 400, 404})))
        cases.append(Case("fetch-documents", f"{i}-api", path="/api/queries/territories-within?" +
                          urllib.parse.urlencode({"territory": target}), expect=frozenset({200, 400})))
    return cases


def _fetching_documents(target):
    yield "application/ld+json", json.dumps({"@context": target, "@id": "http://e/x", "http://e/p": "v"})
    yield "application/ld+json", json.dumps({"@context": [{"@vocab": "http://e/"}, target], "@id": "http://e/x", "p": "v"})
    yield "application/ld+json", json.dumps({"@context": {"@import": target}, "@id": "http://e/x", "http://e/p": "v"})
    yield "application/ld+json", json.dumps({"@context": {"p": {"@id": "http://e/p", "@context": target}},
                                             "@id": "http://e/x", "p": {"@id": "http://e/y"}})
    yield "application/ld+json", json.dumps({"@id": "http://e/x", "http://e/p": {"@context": target, "@value": "v"}})
    yield "application/rdf+xml", (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{target}">]>'
                                  '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>')
    yield "application/rdf+xml", f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "{target}"><rdf:RDF/>'
    yield "application/rdf+xml", (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "{target}"> %p;]>'
                                  '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>')
    yield "application/rdf+xml", (f'<?xml version="1.0"?><?xml-stylesheet href="{target}"?>'
                                  '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                                  f'xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="{target}"/></rdf:RDF>')
    yield "text/turtle", f"@base <{target}> . <x> <http://www.w3.org/2002/07/owl#imports> <> ."
    yield "text/turtle", f"<http://e/x> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{target}> ."
    yield "application/trig", f"<{target}> {{ <http://e/x> <http://e/p> <{target}> . }}"


# --- updates ------------------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <http://e/x> <http://e/p> 1 }",
    "DELETE DATA { <http://e/x> <http://e/p> 1 }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "INSERT { ?s <http://e/p> 1 } WHERE { ?s ?p ?o }",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <{canary}/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://e/g>",
    "CLEAR ALL", "CLEAR DEFAULT", "CLEAR SILENT GRAPH <http://e/g>",
    "CREATE GRAPH <http://e/g>", "DROP ALL", "DROP NAMED",
    "COPY DEFAULT TO <http://e/g>", "MOVE <http://e/a> TO DEFAULT", "ADD DEFAULT TO <http://e/g>",
    "PREFIX e: <http://e/> INSERT DATA { e:x e:p 1 } ; DROP ALL",
    "# a comment first\nDROP ALL",
    "\\u0044ROP ALL",
    "drop all",
    "BASE <http://e/> DROP GRAPH <g>",
    "INSERT DATA { GRAPH <https://w3id.org/esskg/graph/inferred> { <http://e/x> <http://e/p> 1 } }",
]


def update_cases():
    """Every update form, by every route an update can take: all must be refused."""
    cases = []
    for i, text in enumerate(UPDATES):
        routes = [
            ("update-param-form", "POST", "/sparql", urllib.parse.urlencode({"update": text}).encode(),
             {"Content-Type": "application/x-www-form-urlencoded"}),
            ("update-body", "POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-update"}),
            ("query-param-get", "GET", "/sparql?" + urllib.parse.urlencode({"query": text}), None, {}),
            ("query-body", "POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query"}),
            ("update-param-get", "GET", "/sparql?" + urllib.parse.urlencode({"update": text}), None, {}),
            ("update-to-validate", "POST", "/validate", text.encode(), {"Content-Type": "application/sparql-update"}),
        ]
        for route, method, path, body, headers in routes:
            cases.append(Case("update", f"{i}/{route}", method=method, path=path, body=body, headers=headers,
                              expect=frozenset({400, 403, 405, 415})))
    both = urllib.parse.urlencode({"query": "ASK {}", "update": "DROP ALL"}).encode()
    cases.append(Case("update", "query-and-update", method="POST", path="/sparql", body=both,
                      headers={"Content-Type": "application/x-www-form-urlencoded"}, expect=frozenset({400, 403})))
    for method in ("PUT", "DELETE", "PATCH"):
        cases.append(Case("update", f"graph-store-{method}", method=method, path="/sparql?default",
                          body=b"<http://e/x> <http://e/p> 1 .", headers={"Content-Type": "text/turtle"},
                          expect=frozenset({403, 405})))
    return cases
