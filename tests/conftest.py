"""Shared fixtures: the bundled graph (session-scoped), the app, its client and a CLI runner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kgserver import dataset


@pytest.fixture(scope="session")
def bundled_graphs():
    """Named graph IRI -> rdflib graph, for every bundled ontology, import and data file."""
    graphs = dataset.load_graphs(dataset.bundled_sources())
    assert graphs, "no bundled RDF files were found"
    return graphs


@pytest.fixture(scope="session")
def bundled_graph(bundled_graphs):
    """The union of every bundled file as one rdflib graph (asserted facts only)."""
    return dataset.union_graph(bundled_graphs)


@pytest.fixture(scope="session")
def app():
    """The web application on the bundled graph, created once for the test session."""
    from kgserver.app import create_app

    return create_app({"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner():
    return CliRunner()
