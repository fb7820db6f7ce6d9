"""``POST /validate``: the same report over HTTP, as JSON or HTML, with precise errors."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = (ROOT / "templates" / "plan-template.ttl").read_bytes()
BROKEN = TEMPLATE.replace(b"a ess:Measure ;", b"a ess:Mesure ;")


def test_valid_document_conforms(client):
    response = client.post("/validate", data=TEMPLATE, content_type="text/turtle")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["conforms"] is True and data["findings"] == []


def test_broken_document_gets_the_report(client):
    response = client.post("/validate?lang=ca", data=BROKEN, content_type="text/turtle; charset=utf-8")
    assert response.status_code == 200
    data = response.get_json()
    assert data["conforms"] is False
    finding = next(f for f in data["findings"] if f["source"] == "checks/undeclared-term.rq")
    assert finding["file"] == "<request>"
    assert finding["focus"] == "esskg:measure/pla-exemple-ess-2025-2027-1"
    assert finding["value"] == "ess:Mesure"
    assert "no existeix a l'ontologia" in finding["message"]


def test_browser_gets_html(client):
    response = client.post("/validate", data=BROKEN, content_type="text/turtle",
                           headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b"ess:Mesure" in response.data and b"Does not conform." in response.data


def test_form_page_and_form_post(client):
    page = client.get("/validate")
    assert page.status_code == 200 and b"<form" in page.data
    response = client.post("/validate", data={"document": TEMPLATE.decode("utf-8"), "format": "turtle"},
                           headers={"Accept": "text/html"})
    assert response.status_code == 200 and b"Conforms." in response.data


def test_syntax_error_is_400_with_position(client):
    response = client.post("/validate", data=b'@prefix ess: <https://w3id.org/esskg/ontology#> .\n<x:y> a ess:Plan ;\n ess:startYear "2020 .\n',
                           content_type="text/turtle")
    assert response.status_code == 400
    data = response.get_json()
    assert data["line"] == 3 and data["column"] >= 1
    assert data["error"].startswith("<request>:3:")


def test_unsupported_media_type_is_415(client):
    response = client.post("/validate", data=b"%PDF-1.4", content_type="application/pdf")
    assert response.status_code == 415
    assert "text/turtle" in response.get_json()["error"]


def test_empty_body_is_400(client):
    assert client.post("/validate", data=b"", content_type="text/turtle").status_code == 400


def test_size_limit_is_413(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = client.post("/validate", data=TEMPLATE, content_type="text/turtle")
    assert response.status_code == 413
    assert "1000 bytes" in response.get_json()["error"]
