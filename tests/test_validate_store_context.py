"""Validation joins a contribution to the graphs the served store publishes, read through the store interface."""

from __future__ import annotations

import pytest

from kgserver.store import open_store
from kgserver.validation.contribution import load_files
from kgserver.validation.context import bundle_context, store_context
from kgserver.validation.engine import validate_graphs
from store_harness import InterfaceOnly
from test_validate_contributions import FIXTURES, _document, _expected, _normalise

CASES = ["01-valid-sabadell", "b04-year-outside", "b09-dangling-typo", "b26-duplicate-label-entity", "v32-neighbourhood"]


@pytest.fixture(scope="module")
def context():
    return store_context(InterfaceOnly(open_store()))


def test_store_context_holds_the_bundle(context):
    files = bundle_context()
    assert set(context.data) == set(files.data)
    assert len(context.ontology) == len(files.ontology) > 0
    assert all(len(context.data[path]) == len(graph) for path, graph in files.data.items())


@pytest.mark.parametrize("name", CASES)
def test_contribution_gets_the_expected_report_on_the_store_context(context, name):
    folder = FIXTURES / name
    expected = _expected(folder)
    report = validate_graphs(load_files([_document(folder)]), context=context).to_dict()
    found = {(_normalise(f["focus"], folder), f["path"], _normalise(f["value"], folder), f["source"])
             for f in report["findings"] if f["severity"] == "Violation"}
    assert found == {(v["focus"], v["path"], v["value"], v["source"]) for v in expected["violations"]}
    assert report["conforms"] is (expected["exit_code"] == 0)
