"""Untrusted input never reaches the network: remote JSON-LD contexts, external XML entities and
remote owl:imports are refused with a clear message, and no connection is even attempted."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from kgserver.cli import cli


@pytest.fixture()
def no_network(monkeypatch):
    """Record every outgoing connection attempt made through the socket module."""
    attempts = []
    real_connect = socket.socket.connect

    def connect(self, address):
        attempts.append(address)
        return real_connect(self, address)

    def create_connection(address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return attempts


def _inputs(url: str) -> dict[str, tuple[str, str, str]]:
    return {
        "jsonld-remote-context": ("x.jsonld", json.dumps({"@context": f"{url}/context.jsonld", "@id": "https://w3id.org/esskg/id/project/x", "name": "x"}), "remote @context refused"),
        "jsonld-remote-context-in-list": ("x.jsonld", json.dumps({"@context": [f"{url}/c.jsonld", {"n": "http://x/n"}], "@id": "https://w3id.org/esskg/id/project/x", "n": "x"}), "remote @context refused"),
        "jsonld-import": ("x.jsonld", json.dumps({"@context": {"@version": 1.1, "@import": f"{url}/c.jsonld"}, "@id": "https://w3id.org/esskg/id/project/x"}), "remote @context refused"),
        "xml-external-entity": ("x.rdf", f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "{url}/secret">]>\n'
                                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:r="http://www.w3.org/2000/01/rdf-schema#">\n'
                                '<rdf:Description rdf:about="https://w3id.org/esskg/id/project/x"><r:label>&ext;</r:label></rdf:Description>\n</rdf:RDF>\n',
                                "external entity"),
        "xml-external-dtd": ("x.rdf", f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{url}/x.dtd">\n'
                             '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n', "external entity or DTD"),
        "xml-entity-expansion": ("x.rdf", '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                                 '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n', "entity-expansion"),
        "owl-imports": ("x.ttl", f"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<https://w3id.org/esskg/id/project/x> owl:imports <{url}/onto.ttl> .\n",
                        "owl:imports"),
    }


CASES = sorted(_inputs("http://127.0.0.1:1"))


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_remote_resources_are_refused_without_connecting(case, runner, tmp_path, listener, no_network):
    url, accepted = listener
    name, text, words = _inputs(url)[case]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and words in result.output
    assert accepted == [] and no_network == []


def test_the_probe_would_see_a_connection(listener, no_network):
    """The listener and the socket patch do detect a connection (so the test above can fail)."""
    url, accepted = listener
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as client:
        client.connect((host, int(port)))
    assert no_network == [(host, int(port))]
    for _ in range(20):
        if accepted:
            break
        threading.Event().wait(0.05)
    assert len(accepted) == 1


def test_http_body_with_remote_context_is_a_400(client, listener, no_network):
    url, accepted = listener
    body = json.dumps({"@context": f"{url}/context.jsonld", "@id": "https://w3id.org/esskg/id/project/x"})
    response = client.post("/validate", data=body, content_type="application/ld+json")
    assert response.status_code == 400
    assert "remote @context refused" in response.get_json()["error"]
    assert accepted == [] and no_network == []
