"""Safe RDF parsing: precise syntax errors (file:line:column) in every format, all or nothing."""

from __future__ import annotations

import pytest

from kgserver.errors import RDFSyntaxError, UnsafeInputError
from kgserver.rdfio import format_for_media_type, format_for_path, parse_bytes, parse_file

XML_HEAD = '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'

BROKEN = {
    "turtle": ('@prefix x: <http://x/> .\nx:a x:b x:c .\nx:a x:b "open .\n', 3),
    "nt": ("<http://x/a> <http://x/b> <http://x/c> .\n<http://x/a> <b> <http://x/c> .\n", 2),
    "json-ld": ('{\n  "@id": "http://x/a",\n  "http://x/b": [1,}\n', 3),
    "xml": (XML_HEAD + '<rdf:Description rdf:about="http://x/a">\n</rdf:RDF>\n', 4),
    "trig": ("<http://x/g> {\n  <http://x/a> <http://x/b> .\n}\n", 2),
}


@pytest.mark.parametrize("fmt", sorted(BROKEN), ids=sorted(BROKEN))
def test_syntax_error_has_line_and_column(fmt):
    text, line = BROKEN[fmt]
    with pytest.raises(RDFSyntaxError) as info:
        parse_bytes(text.encode("utf-8"), fmt, source="doc")
    assert info.value.line == line
    assert info.value.column is not None and info.value.column >= 1
    assert str(info.value).startswith(f"doc:{line}:{info.value.column}: ")
    assert "Parser error" not in str(info.value)  # the position is said once, as file:line:column


def test_invalid_utf8_has_position():
    with pytest.raises(RDFSyntaxError) as info:
        parse_bytes(b'<http://x/a> <http://x/b> "caf\xe9" .\n', "nt", source="doc")
    assert (info.value.line, info.value.column) == (1, 31)


def test_parse_file_names_the_file(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("<http://x/a> <http://x/b> .\n", encoding="utf-8")
    with pytest.raises(RDFSyntaxError) as info:
        parse_file(path)
    assert str(info.value).startswith(f"{path}:1:")


def test_unknown_suffix_and_missing_file(tmp_path):
    with pytest.raises(RDFSyntaxError):
        format_for_path("notes.docx")
    with pytest.raises(RDFSyntaxError) as info:
        parse_file(tmp_path / "missing.ttl")
    assert "cannot read file" in str(info.value)


def test_plain_internal_entities_are_accepted():
    text = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY x "http://x/">]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '<rdf:Description rdf:about="&x;a"><rdf:value>v</rdf:value></rdf:Description>\n</rdf:RDF>\n')
    assert len(parse_bytes(text.encode("utf-8"), "xml")) == 1


@pytest.mark.parametrize("text", [
    '<!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "file:///etc/passwd">]><rdf:RDF/>',
    '<!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "file:///etc/passwd">]><rdf:RDF/>',
    '<!DOCTYPE rdf:RDF [<!ENTITY a "x"><!ENTITY b "&a;&a;">]><rdf:RDF/>',
], ids=["parameter-entity", "file-entity", "nested-entity"])
def test_dangerous_xml_is_refused(text):
    with pytest.raises(UnsafeInputError):
        parse_bytes(text.encode("utf-8"), "xml")


def test_local_imports_are_allowed_remote_ones_refused():
    local = b"<https://w3id.org/esskg/id/x> <http://www.w3.org/2002/07/owl#imports> <https://w3id.org/esskg/ontology> .\n"
    assert len(parse_bytes(local, "nt")) == 1
    with pytest.raises(UnsafeInputError):
        parse_bytes(local.replace(b"https://w3id.org/esskg/ontology", b"http://example.org/onto"), "nt")


def test_blank_nodes_are_scoped_per_document():
    a = parse_bytes(b"_:b <http://x/p> <http://x/o> .\n", "nt")
    b = parse_bytes(b"_:b <http://x/p> <http://x/o> .\n", "nt")
    assert set(a.subjects()) != set(b.subjects())


def test_media_types():
    assert format_for_media_type("text/turtle; charset=utf-8") == "turtle"
    assert format_for_media_type("application/ld+json") == "json-ld"
    assert format_for_media_type("application/pdf") is None
    assert format_for_media_type(None) is None


def test_byte_order_mark_is_accepted():
    assert len(parse_bytes(b"\xef\xbb\xbf<http://x/a> <http://x/b> <http://x/c> .\n", "turtle")) == 1


def test_relative_iri_without_base_says_how_to_fix():
    with pytest.raises(RDFSyntaxError) as info:
        parse_bytes(b"<plan/x> <http://x/b> <http://x/c> .\n", "turtle", source="doc")
    assert str(info.value).startswith("doc:1:") and "@base" in str(info.value)
