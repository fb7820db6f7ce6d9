"""Campaign cases for HTTP itself, path traversal and the linked-data routes (see ``campaign_cases``)."""

from __future__ import annotations

import gzip
import urllib.parse
import zlib

from campaign_cases import (CLIENT_ERROR, MARK, NO_500, OK, OK_OR_BAD, PLAN, REDIRECT_OR_CLIENT, SCRIPT, Case)

ASK = b"ASK {}"


def _raw(name, data, expect, check=None, category="protocol"):
    return Case(category, name, kind="raw", data=data, expect=frozenset(expect), check=check)


def _head(line, *headers, body=b""):
    def encode(text):
        try:
            return text.encode("latin-1")
        except UnicodeEncodeError:
            return text.encode("utf-8")
    return encode(line) + b"\r\n" + b"".join(encode(h) + b"\r\n" for h in headers) + b"\r\n" + body


def _responses(count):
    def check(status, headers, body):
        found = body.count(b"HTTP/1.1 ") + body.count(b"HTTP/1.0 ")
        return None if found == count else f"expected {count} answers, got {found}"
    return check


def _not_processed(marker):
    def check(status, headers, body):
        return f"a smuggled request ({marker}) was answered" if marker.encode() in body else None
    return check


def protocol_cases():
    """Methods, versions, framing (smuggling), headers, encodings, parameters: raw HTTP."""
    c = []
    post_sparql = "POST /sparql HTTP/1.1"
    host = "Host: x"
    ctype = "Content-Type: application/sparql-query"
    # methods and versions
    for method, expect in [("HEAD", {200}), ("OPTIONS", {200, 204}), ("TRACE", {405}), ("PUT", {403, 405}),
                           ("DELETE", {403, 405}), ("PATCH", {403, 405}), ("PROPFIND", {405, 501, 400}),
                           ("FOO", {405, 501, 400}), ("get", {400, 405, 501}), ("G\x01T", {400, 405, 501}),
                           ("X" * 5000, {400, 405, 501})]:
        for path in ("/", "/sparql", "/id/plan/pla-impuls-ess-2016-2019", "/validate", "/dumps/esskg.ttl.gz"):
            if method in ("HEAD", "OPTIONS") and path == "/validate":
                expect_here = {200, 204, 405}
            else:
                expect_here = expect if method != "HEAD" or path != "/id/plan/pla-impuls-ess-2016-2019" else {303}
            c.append(_raw(f"method-{method[:10]}{path}", _head(f"{method} {path} HTTP/1.1", host, "Connection: close"),
                          expect_here))
    c.append(_raw("connect-authority", _head("CONNECT 127.0.0.1:22 HTTP/1.1", host, "Connection: close"), {400, 405}))
    c.append(_raw("connect-canary", _head("CONNECT {chost} HTTP/1.1", host, "Connection: close"), {400, 405}))
    c.append(_raw("options-star", _head("OPTIONS * HTTP/1.1", host, "Connection: close"), {200, 204, 400, 404}))
    c.append(_raw("http10-no-host", _head("GET /health HTTP/1.0"), {200, 400}))
    c.append(_raw("http10-keepalive", _head("GET /health HTTP/1.0", "Connection: keep-alive", host), {200}))
    c.append(_raw("http09", b"GET /health\r\n\r\n", {400}))
    c.append(_raw("http2-preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", {400, 505}))
    c.append(_raw("http-version-9", _head("GET /health HTTP/9.9", host, "Connection: close"), {200, 400, 505}))
    c.append(_raw("http-version-junk", _head("GET /health HTTP/1.1x", host, "Connection: close"), {400, 505}))
    c.append(_raw("no-version", _head("GET /health", host), {200, 400}))  # waitress reads it as HTTP/1.0
    c.append(_raw("three-spaces", _head("GET  /health  HTTP/1.1", host, "Connection: close"), {200, 400, 404}))
    c.append(_raw("bare-lf", b"GET /health HTTP/1.1\nHost: x\nConnection: close\n\n", {0, 200, 400}))  # 0: waits for CRLF
    c.append(_raw("bare-cr", b"GET /health HTTP/1.1\rHost: x\rConnection: close\r\r", {0, 400}))
    # request targets
    for target, expect in [("http://evil.example/health", {200, 400}), ("http://{chost}/x", {400, 404, 200}),
                           ("https://127.0.0.1/id/", {200, 303, 400, 404}), ("*", {400, 404}),
                           ("health", {200, 400, 404}), ("//evil.example/health", {400, 404}),
                           ("/health#frag", {200, 400, 404}), ("/%", {400, 404}), ("/%zz", {400, 404}),
                           ("/\x7f", {400, 404}), ("/caf\xc3\xa9", {400, 404}), ("/" + "a/" * 3000, {404, 414})]:
        c.append(_raw(f"target-{target[:30]}", _head(f"GET {target} HTTP/1.1", host, "Connection: close"), expect))
    # Host
    for value, expect in [("evil.example", {200}), ("x:99999", {200, 400}), ("[::1", {200, 400}),
                          ("a b", {200, 400}), ("x" * 4000, {200, 400}), ("", {400}), ("\x00", {200, 400}),
                          ("127.0.0.1:{cport}", {200}), ("évil.example", {200, 400})]:
        c.append(_raw(f"host-{value[:20]!r}", _head("GET /health HTTP/1.1", f"Host: {value}", "Connection: close"),
                      expect))
    c.append(_raw("host-twice", _head("GET /health HTTP/1.1", "Host: a", "Host: b", "Connection: close"), {200, 400}))
    c.append(_raw("host-303-lie", _head("GET /id/plan/pla-impuls-ess-2016-2019 HTTP/1.1", "Host: evil.example",
                                        "Connection: close"), {303}))
    # framing and smuggling
    smuggled = b"GET /api/queries/smuggled-marker HTTP/1.1\r\nHost: x\r\n\r\n"
    chunked_ask = b"6\r\nASK {}\r\n0\r\n\r\n"
    c.append(_raw("cl-and-te", _head(post_sparql, host, ctype, "Content-Length: 6", "Transfer-Encoding: chunked",
                                     body=b"0\r\n\r\n" + smuggled), {200, 400}, _not_processed("smuggled-marker")))
    c.append(_raw("te-and-cl", _head(post_sparql, host, ctype, "Transfer-Encoding: chunked",
                                     "Content-Length: %d" % (len(chunked_ask) + len(smuggled)),
                                     body=chunked_ask + smuggled), {200, 400}, _not_processed("smuggled-marker")))
    c.append(_raw("cl-twice-different", _head(post_sparql, host, ctype, "Content-Length: 6", "Content-Length: 60",
                                              "Connection: close", body=ASK), {400}))
    c.append(_raw("cl-twice-same", _head(post_sparql, host, ctype, "Content-Length: 6", "Content-Length: 6",
                                         "Connection: close", body=ASK), {200, 400}))
    c.append(_raw("cl-list", _head(post_sparql, host, ctype, "Content-Length: 6, 6", "Connection: close", body=ASK),
                  {200, 400}))
    for value in ("-1", "+6", "0x6", " 6", "6 ", "6.0", "99999999999999999999999", "abc", "١"):
        c.append(_raw(f"cl-{value!r}", _head(post_sparql, host, ctype, f"Content-Length: {value}",
                                             "Connection: close", body=ASK), {200, 400, 413}))
    for te in ("chunked, identity", "identity, chunked", "xchunked", "chunked ", "CHUNKED", "gzip, chunked",
               "chunked\x0b", "chunked;q=1", "identity"):
        c.append(_raw(f"te-{te!r}", _head(post_sparql, host, ctype, f"Transfer-Encoding: {te}", "Connection: close",
                                          body=chunked_ask), {200, 400, 501}))
    c.append(_raw("te-space-before-colon", _head(post_sparql, host, ctype, "Transfer-Encoding : chunked",
                                                 "Content-Length: 6", "Connection: close", body=ASK), {200, 400}))
    c.append(_raw("te-obs-fold", _head(post_sparql, host, ctype, "Transfer-Encoding:", " chunked",
                                       "Connection: close", body=chunked_ask), {200, 400}))
    c.append(_raw("te-http10", (_head("POST /sparql HTTP/1.0", host, ctype, "Transfer-Encoding: chunked",
                                      body=chunked_ask)), {200, 400}))
    for name, chunks in [("ext", b"6;ext=1\r\nASK {}\r\n0\r\n\r\n"), ("leading-space", b" 6\r\nASK {}\r\n0\r\n\r\n"),
                         ("0x", b"0x6\r\nASK {}\r\n0\r\n\r\n"), ("negative", b"-6\r\nASK {}\r\n0\r\n\r\n"),
                         ("huge", b"ffffffffffffffffffff\r\nASK {}\r\n0\r\n\r\n"),
                         ("trailers", b"6\r\nASK {}\r\n0\r\nX-Trailer: 1\r\n\r\n"),
                         ("short", b"9\r\nASK {}\r\n0\r\n\r\n"), ("long", b"3\r\nASK {}\r\n0\r\n\r\n"),
                         ("bare-lf", b"6\nASK {}\n0\n\n"), ("many-tiny", b"".join(b"1\r\n%c\r\n" % ch for ch in ASK) + b"0\r\n\r\n"),
                         ("ext-huge", b"6;" + b"e" * 70000 + b"\r\nASK {}\r\n0\r\n\r\n")]:
        c.append(_raw(f"chunk-{name}", _head(post_sparql, host, ctype, "Transfer-Encoding: chunked",
                                             "Connection: close", body=chunks), {0, 200, 400, 413, 431}))  # 0: the body is not over
    # pipelining and Expect
    three = b"".join(_head(f"GET {p} HTTP/1.1", host) for p in ("/health", "/sparql?query=ASK%7B%7D", "/health"))
    c.append(_raw("pipeline-3", three + _head("GET /health HTTP/1.1", host, "Connection: close"), {200},
                  _responses(4)))
    c.append(_raw("pipeline-post-get", _head(post_sparql, host, ctype, "Content-Length: 6", body=ASK)
                  + _head("GET /health HTTP/1.1", host, "Connection: close"), {200}, _responses(2)))
    c.append(_raw("expect-continue", _head(post_sparql, host, ctype, "Content-Length: 6", "Expect: 100-continue",
                                           "Connection: close", body=ASK), {100, 200}))
    c.append(_raw("expect-continue-too-large", _head("POST /validate HTTP/1.1", host, "Content-Type: text/turtle",
                                                     "Content-Length: 999999999", "Expect: 100-continue",
                                                     "Connection: close"), {100, 413}))  # 100: waitress, left
    c.append(_raw("expect-junk", _head(post_sparql, host, ctype, "Content-Length: 6", "Expect: 200-ok",
                                       "Connection: close", body=ASK), {200, 417}))
    # headers
    c.append(_raw("header-100k", _head("GET /health HTTP/1.1", host, "X-Big: " + "a" * 100_000, "Connection: close"),
                  {200, 400, 431}))
    c.append(_raw("headers-2000", _head("GET /health HTTP/1.1", host, *[f"X-H{i}: {i}" for i in range(2000)],
                                        "Connection: close"), {200, 400, 431}))
    c.append(_raw("header-nul", _head("GET /health HTTP/1.1", host, "X-A: a\x00b", "Connection: close"), {200, 400}))
    c.append(_raw("header-name-space", _head("GET /health HTTP/1.1", host, "X A: b", "Connection: close"), {200, 400}))
    c.append(_raw("header-no-colon", _head("GET /health HTTP/1.1", host, "garbage", "Connection: close"), {200, 400}))
    c.append(_raw("header-utf8", _head("GET /health HTTP/1.1", host, "X-A: \u00e9\u00e9", "Connection: close"),
                  {200, 400}))
    c.append(_raw("header-crlf-in-value", _head("GET /health HTTP/1.1", host, "X-A: a\rb", "Connection: close"),
                  {200, 400}))
    c.append(_raw("script-name", _head("GET /id/plan/pla-impuls-ess-2016-2019 HTTP/1.1", host,
                                       "SCRIPT_NAME: //evil.example", "Script-Name: //evil.example",
                                       "X-Forwarded-Prefix: //evil.example", "X-Forwarded-Host: evil.example",
                                       "X-Forwarded-Proto: javascript", "Forwarded: host=evil.example;proto=https",
                                       "X-Original-URL: /validate", "X-Rewrite-URL: /validate",
                                       "X-HTTP-Method-Override: DELETE", "Connection: close"), {303},
                  lambda s, h, b: "a proxy header moved the redirect" if b"evil" in b or b"javascript" in b else None))
    # encodings and charsets of bodies
    for name, body, headers, expect in _bodies():
        c.append(_raw(f"body-{name}", _head(post_sparql, host, *headers, f"Content-Length: {len(body)}",
                                            "Connection: close", body=body), expect))
    # parameters
    ask = urllib.parse.quote("ASK {}")
    for name, qs, expect in [("query-twice", f"query={ask}&query={ask}", {400}), ("query-empty", "query=", {400}),
                             ("query-and-update", f"query={ask}&update=DROP%20ALL", {400, 403}),
                             ("format-twice", f"query={ask}&format=json&format=xml", {200, 400}),
                             ("format-junk", f"query={ask}&format={urllib.parse.quote(SCRIPT)}", {200, 400, 406}),
                             ("format-every", f"query={ask}&format=csv", {200, 400}),
                             ("dgu-1000", f"query={ask}&" + "&".join(f"default-graph-uri=http://e/{i}" for i in range(300)), {414}),  # a GET line over 8,190 bytes
                             ("param-no-value", "query", {400}), ("bad-percent", "query=%zz%", {400}),
                             ("latin1-percent", "query=ASK%20%7B%20FILTER(%22%E9%22)%20%7D", {200, 400}),
                             ("overlong-utf8", "query=ASK%20%7B%20FILTER(%22%C0%AF%22)%20%7D", {200, 400}),
                             ("plus-space", "query=ASK+{}", {200}), ("semicolon", f"query={ask};x=1", {200, 400}),
                             ("timeout-param", f"query={ask}&timeout=99999999", {200}),
                             ("nul", "query=ASK%00%7B%7D", {400})]:
        c.append(_raw(f"param-{name}", _head(f"GET /sparql?{qs} HTTP/1.1", host, "Connection: close"), expect))
    c.append(_raw("get-line-9000", _head("GET /sparql?query=" + "a" * 9000 + " HTTP/1.1", host), {414}))
    c.append(_raw("get-line-1mb", _head("GET /" + "a" * 1_000_000 + " HTTP/1.1", host), {414, 400, 431}))
    # Accept, Accept-Language, Range, conditional
    for name, value in [("1000-types", ", ".join(f"application/x-{i};q=0.{i % 10}" for i in range(1000))),
                        ("q-over-1", "application/sparql-results+json;q=1.0000001"), ("q-negative", "text/csv;q=-1"),
                        ("q-nan", "text/csv;q=nan"), ("q-junk", "text/csv;q=abc"), ("star-zero", "*/*;q=0"),
                        ("only-junk", "garbage"), ("params-many", "text/csv;" + ";".join(f"a{i}=b" for i in range(2000))),
                        ("empty", ""), ("html-and-zero", "text/html, */*;q=0")]:
        c.append(_raw(f"accept-{name}", _head(f"GET /sparql?query={ask} HTTP/1.1", host, f"Accept: {value}",
                                              "Connection: close"), {200, 400, 406}))
        c.append(_raw(f"accept-page-{name}", _head("GET /id/plan/pla-impuls-ess-2016-2019 HTTP/1.1", host,
                                                   f"Accept: {value}", "Connection: close"), {303, 400, 406}))
    for name, value in [("1000-tags", ", ".join(f"x{i};q=0.5" for i in range(1000))), ("star-zero", "*;q=0"),
                        ("q-junk", "ca;q=abc"), ("script", SCRIPT), ("long-tag", "a" * 5000), ("empty", "")]:
        c.append(_raw(f"accept-language-{name}", _head("GET /browse HTTP/1.1", host, f"Accept-Language: {value}",
                                                       "Connection: close"), {200}))
    for value in ("bytes=0-0", "bytes=-1", "bytes=999999999-", "bytes=" + ",".join(f"{i}-{i}" for i in range(2000)),
                  "bytes=5-1", "lines=1-2", "bytes=0-0,-1"):
        c.append(_raw(f"range-{value[:24]}", _head("GET /dumps/esskg.ttl.gz HTTP/1.1", host, f"Range: {value}",
                                                   "Connection: close"), {200, 206, 400, 416}))
    for name, header in [("inm-junk", "If-None-Match: " + "x" * 5000), ("ims-junk", "If-Modified-Since: never"),
                         ("ims-future", "If-Modified-Since: Fri, 31 Dec 9999 23:59:59 GMT"),
                         ("ius", "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT"), ("if-range", "If-Range: x")]:
        c.append(_raw(f"conditional-{name}", _head("GET /dumps/esskg.ttl.gz HTTP/1.1", host, header,
                                                   "Connection: close"), {200, 304, 400, 412}))
    c.append(_raw("no-host-validate", _head("POST /validate HTTP/1.1", "Content-Type: text/turtle",
                                            "Content-Length: 6", "Connection: close", body=b"<a> <b"), {400}))
    return c


def _bodies():
    """(name, body, headers, allowed): bodies whose encoding or media type is not what it says."""
    text = "ASK { FILTER(\"é\" = \"é\") }"
    bomb = gzip.compress(b"\x00" * 50_000_000)
    yield "gzip-query", gzip.compress(ASK), ["Content-Type: application/sparql-query", "Content-Encoding: gzip"], {200, 400, 415}
    yield "gzip-bomb", bomb, ["Content-Type: application/sparql-query", "Content-Encoding: gzip"], {400, 413, 415}
    yield "deflate-query", zlib.compress(ASK), ["Content-Type: application/sparql-query", "Content-Encoding: deflate"], {200, 400, 415}
    yield "br-junk", b"\x8b\x02\x80" + ASK, ["Content-Type: application/sparql-query", "Content-Encoding: br"], {400, 415}
    yield "latin1-declared", text.encode("latin-1"), ["Content-Type: application/sparql-query; charset=latin-1"], {200, 400, 415}
    yield "latin1-undeclared", text.encode("latin-1"), ["Content-Type: application/sparql-query"], {400}
    yield "utf16-bom", text.encode("utf-16"), ["Content-Type: application/sparql-query; charset=utf-16"], {200, 400, 415}
    yield "utf8-bom", b"\xef\xbb\xbf" + ASK, ["Content-Type: application/sparql-query"], {200, 400}
    yield "charset-junk", ASK, ["Content-Type: application/sparql-query; charset=x-junk"], {200, 400, 415}
    yield "overlong-utf8", b"ASK { FILTER(\"\xc0\xaf\") }", ["Content-Type: application/sparql-query"], {400}
    yield "ctype-json-lie", ASK, ["Content-Type: application/json"], {400, 415}
    yield "ctype-missing", ASK, [], {400, 415}
    yield "ctype-empty", ASK, ["Content-Type: "], {400, 415}
    yield "ctype-params-many", ASK, ["Content-Type: application/sparql-query;" + ";".join(f"a{i}=b" for i in range(2000))], {200, 400, 415}
    yield "ctype-turtle", b"<a> <b> <c> .", ["Content-Type: text/turtle"], {400, 415}
    yield "form-utf16", "query=ASK {}".encode("utf-16"), ["Content-Type: application/x-www-form-urlencoded; charset=utf-16"], {200, 400, 415}
    yield "form-no-query", b"foo=bar", ["Content-Type: application/x-www-form-urlencoded"], {400}
    yield "form-10000-fields", "&".join(f"f{i}=v" for i in range(10_000)).encode() + b"&query=ASK%7B%7D", ["Content-Type: application/x-www-form-urlencoded"], {200, 400, 413}
    yield "multipart-no-boundary", b"--x\r\n\r\nASK {}\r\n--x--", ["Content-Type: multipart/form-data"], {400, 415}
    part = b'--b\r\nContent-Disposition: form-data; name="query"\r\n\r\nASK {}\r\n'
    yield "multipart-query", part + b"--b--\r\n", ["Content-Type: multipart/form-data; boundary=b"], {200, 400, 415}
    yield "multipart-5000-parts", part * 5000 + b"--b--\r\n", ["Content-Type: multipart/form-data; boundary=b"], {400, 413, 415}
    file_part = (b'--b\r\nContent-Disposition: form-data; name="query"; filename="../../etc/passwd"\r\n'
                 b"Content-Type: application/sparql-query\r\n\r\nASK {}\r\n--b--\r\n")
    yield "multipart-filename", file_part, ["Content-Type: multipart/form-data; boundary=b"], {200, 400, 415}


# --- path traversal -----------------------------------------------------------------------------

_ESCAPES = ["../", "..%2f", "%2e%2e/", "%2e%2e%2f", "..%252f", "..%c0%af", "%c0%ae%c0%ae/", "....//", "..\\",
            "..%5c", "..;/", "%2e%2e%5c", ".%2e/", "%uff0e%uff0e/", "\uff0e\uff0e/", "..%00/", "%252e%252e%252f"]
_FILES = {"etc/passwd": b"root:x:0:0", "proc/self/environ": b"PATH=", "proc/self/cmdline": b"kgserver",
          "pyproject.toml": b"[project]", "kgserver/__init__.py": b"__version__", ".git/config": b"[core]"}


def traversal_cases():
    """Every route that takes a path, climbed out of in every encoding; no file may come back."""
    cases = []
    routes = ["/static/", "/dumps/", "/id/", "/page/", "/doc/", "/api/queries/", "/ontology/", "/static/yasgui/",
              "/graph/", "/"]
    for route in routes:
        for i, escape in enumerate(_ESCAPES):
            for name, marker in _FILES.items():
                if (i + len(name)) % 2 and route not in ("/static/", "/dumps/", "/"):
                    continue  # every escape and file on the file-serving routes, half of them elsewhere
                path = route + escape * 8 + urllib.parse.quote(name, safe="/%")
                cases.append(Case("traversal", f"{route}{escape}{name}", path=path, expect=REDIRECT_OR_CLIENT | {200},
                                  check=_no_disclosure(marker)))
        for suffix in ("%00.ttl", "/%00", "\x00", "%2f%2fetc%2fpasswd", "file:///etc/passwd", "//etc/passwd",
                       "~root/.ssh/id_rsa", "%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd"):
            cases.append(Case("traversal", f"{route}{suffix}", path=route + suffix.replace("\x00", "%00"),
                              expect=REDIRECT_OR_CLIENT | {200}, check=_no_disclosure(b"root:x:0:0")))
    return cases


def _no_disclosure(marker):
    def check(status, headers, body):
        return f"disclosed a file ({marker!r})" if marker in body else None
    return check


# --- linked-data routes -------------------------------------------------------------------------

def linked_data_cases():
    """Resources, documents, dumps, VoID, the named-query API, explain, search, browse, with odd input."""
    c = []
    stem = "/id/plan/pla-impuls-ess-2016-2019"
    for suffix in ("", ".ttl", ".nt", ".jsonld", ".rdf", ".html", ".xml", ".csv", ".foo", ".ttl.ttl", ".", ".%00",
                   "/", ".html/", "%2ettl", ".TTL"):
        c.append(Case("linked-data", f"resource{suffix}", path=stem + suffix, expect=frozenset({200, 303, 404, 406})))
    for accept in ("text/turtle", "application/ld+json", "application/rdf+xml", "text/html", "application/n-triples",
                   "text/csv", "image/png", "*/*;q=0", "text/html;q=0.5, text/turtle;q=0.5", "application/json"):
        c.append(Case("linked-data", f"resource-accept-{accept}", path=stem, headers={"Accept": accept},
                      expect=frozenset({303, 406})))
        c.append(Case("linked-data", f"void-accept-{accept}", path="/.well-known/void", headers={"Accept": accept},
                      expect=frozenset({200, 406})))
    for path in ("/id/", "/id", "/page/plan/x", "/doc/plan/x", "/id/plan/", "/id/plan/" + "a" * 7000,
                 "/id/" + urllib.parse.quote(SCRIPT), "/id/%3Cscript%3E", "/id/a%0d%0aSet-Cookie:x=1", "/id/a b",
                 "/id/%F0%9F%98%80", "/id/%ED%A0%80", "/id/%FF%FE", "/id/<>\"{}|^`", "/graph/source/x",
                 "/graph/editorial/translations", "/ontology", "/ontology.ttl", "/ontology#x", "/id/dataset",
                 "/id/dataset.jsonld", "/dumps/", "/dumps/esskg.ttl.gz", "/dumps/x", "/dumps/" + "x" * 5000,
                 "/dumps/.hidden", "/dumps/esskg.ttl", "/.well-known/sparql-examples", "/.well-known/x", "/api/",
                 "/api/openapi.json", "/query", "/validate", "/favicon.ico", "/static/pages/style.css",
                 "/static/", "/static", "/health?x=" + "y" * 5000, "/explain", "/browse", "/search"):
        c.append(Case("linked-data", f"path-{path[:40]}", path=path,
                      expect=frozenset({200, 301, 303, 308, 404, 405, 406, 414} | ({400} if path == "/explain" else set())),
                      check=_no_mark))
    c.append(Case("linked-data", "search-script", path="/search?" + urllib.parse.urlencode({"q": SCRIPT}),
                  expect=OK, check=_no_mark))
    for q in ("a" * 100_00, "\x00", "%", "*", "\u202e" + "x", "\U0001F600", "' OR 1=1", "ESS " * 50, "\ud800"):
        c.append(Case("linked-data", f"search-{q[:10]!r}", path="/search?q=" + urllib.parse.quote(q, errors="surrogatepass"),
                      expect=frozenset({200, 400, 414}), check=_no_mark))
    for lang in (SCRIPT, "xx", "", "ca" * 1000, "en\r\nX: y", "../../etc"):
        for route in ("/", "/browse", "/api/", stem + ".html", "/validate", "/query", "/dumps/"):
            c.append(Case("linked-data", f"lang-{lang[:8]!r}{route}", path=route + "?lang=" + urllib.parse.quote(lang),
                          expect=frozenset({200, 400}), check=_no_mark))
    api = "/api/queries/"
    for name, params, expect in [
        ("territories-within", {"territory": "javascript:alert(1)"}, {200, 400}),
        ("territories-within", {"territory": "<http://a> } ; DROP ALL #"}, {400}),
        ("territories-within", {"territory": "http://e/" + "a" * 6000}, {200, 400}),
        ("territories-within", {"territory": ""}, {400}),
        ("territories-within", {"territory": SCRIPT}, {400}),
        ("territories-within", {}, {200, 400}),
        ("measures-with-an-action-not-in-year", {"year": '2016" } UNION { ?s ?p ?o } #'}, {400}),
        ("measures-with-an-action-not-in-year", {"year": "1e999"}, {400}),
        ("measures-with-an-action-not-in-year", {"year": "-0"}, {200, 400}),
        ("measures-with-an-action-not-in-year", {"year": "9" * 400}, {200, 400}),
        ("measures-with-an-action-not-in-year", {"year": "２０１６"}, {200, 400}),
        ("statement-provenance", {"subject": PLAN, "predicate": "http://www.w3.org/2000/01/rdf-schema#label"}, {200}),
        ("statement-provenance", {"subject": "_:b0", "predicate": "a"}, {400}),
        ("plan-periods", {"format": SCRIPT}, {200, 400, 406}),
        ("plan-periods", {"format": "csv", "extra": "x"}, {200, 400}),
        ("plan-periods", {"format": "html"}, {200, 400, 406}),
        ("theme-across-documents", {"theme": "file:///etc/passwd"}, {200, 400}),
        ("tractor-projects-by-theme", {"theme": "http://e/\u202e"}, {200, 400}),
        ("../queries/competency/cq01", {}, {404}), ("cq01%2f..%2f..", {}, {404}), ("%00", {}, {404}),
        ("x" * 3000, {}, {404}), (SCRIPT, {}, {404}),
    ]:
        path = api + urllib.parse.quote(name, safe="%/") + ("?" + urllib.parse.urlencode(params) if params else "")
        for accept in ("application/sparql-results+json", "text/html", "text/csv"):
            c.append(Case("linked-data", f"api-{name[:30]}-{list(params.values())[:1]!r:.20}-{accept}", path=path,
                          headers={"Accept": accept}, expect=frozenset(expect | {406}), check=_no_mark))
    for s, p, o, expect in [
        (f"<{PLAN}>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<http://www.w3.org/2002/07/owl#Thing>", {200, 404}),
        (f"<{PLAN}>", "<http://e/p>", '"x"', {404}), ('"lit"', "<http://e/p>", "<http://e/o>", {400, 404}),
        ("<javascript:alert(1)>", "<http://e/p>", "<http://e/o>", {400, 404}), (f"<{SCRIPT}>", "<p>", "<o>", {400, 404}),
        ("_:b", "<http://e/p>", "<http://e/o>", {400, 404}), ("<a>", "<b>", '"' + "x" * 3900 + '"', {400, 404}),
        ("<a>", "<b>", '"x"@' + "a" * 3000, {400, 404}), ("<a>", "<b>", '"\\U0010FFFF"', {400, 404}),
        ("<a>", "<b>", '"x"^^<' + SCRIPT + ">", {400, 404}), ("<a> <b> <c> .", "<b>", "<c>", {400}),
        ("?s", "?p", "?o", {400}), ("<a>", "<b>", "<<( <a> <b> <c> )>>", {400}), ("<a>", "<b>", '"\\u0000"', {400, 404}),
    ]:
        c.append(Case("linked-data", f"explain-{s[:12]}-{o[:12]}", path="/explain?" + urllib.parse.urlencode(
            {"s": s, "p": p, "o": o}), expect=frozenset(expect), check=_no_mark))
    return c


def _no_mark(status, headers, body):
    """HTML answers must not carry the campaign's markup unescaped (the runner checks every answer too)."""
    return None
