"""Dumps written once by ``kgserver build`` in bounded memory, byte for byte the in-memory ones, served and exported
as files; the graphs' fingerprints recorded beside them for ``kgserver publish``."""

from __future__ import annotations

import hashlib
import json

import pytest

from dumps_reference import reference_dumps
from fresh_build import GROUP, fresh_build, ontology_sources
from kgserver import export as dumps_module
from kgserver import streaming
from kgserver.export import dump_names, write_dumps
from kgserver.reasoning.build import MANIFEST, build

NAMES = dump_names()
pytestmark = pytest.mark.xdist_group(GROUP)  # the fresh build is test_build.py's, made once on its worker


@pytest.fixture(scope="module")
def reference(app):
    """The dumps as the first implementation made them from the session's store (the whole dataset in memory)."""
    return reference_dumps(app.extensions["kgserver"].store)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A fresh build of the bundle (it writes the dumps; the one test_build.py checks), and an app serving it."""
    from kgserver.app import create_app

    result, _ = fresh_build(tmp_path_factory)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KGSERVER_BUILD_DIR", str(result.path))
        app = create_app({"TESTING": True, "QUERY_WORKERS": 1, "DUMPS_MAX_QUADS": 1000})
    assert app.extensions["kgserver"].store.dump_file(NAMES[0]) is not None
    return result, app


@pytest.fixture()
def no_rendering(monkeypatch):
    from kgserver.web import dumps

    def refuse(_store):
        raise AssertionError("a dump was made on request although the build wrote it")

    monkeypatch.setattr(dumps, "render_dumps", refuse)


def test_the_streaming_writer_gives_the_reference_bytes_holding_a_run_at_a_time(app, reference, tmp_path,
                                                                                monkeypatch):
    """Tiny runs (many of them, merged a few at a time in rounds): the writer never holds more lines than a run,
    and the files are the old function's, byte for byte."""
    held, spill = [], dumps_module._spill

    def spy(buffers, runs, work):
        held.append(sum(len(lines) for lines in buffers.values()))
        spill(buffers, runs, work)

    monkeypatch.setattr(dumps_module, "_spill", spy)
    monkeypatch.setattr(streaming, "FAN_IN", 3)
    written = write_dumps(app.extensions["kgserver"].store, tmp_path, run_lines=2000)
    assert len(held) > 10 and max(held) <= 2000
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(NAMES)  # no temporary file left
    for name in NAMES:
        data = (tmp_path / name).read_bytes()
        assert data == reference[name], name
        assert written[name] == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def test_the_build_writes_the_dumps_and_names_them_in_its_manifest(built, reference):
    result, _ = built
    manifest = json.loads((result.path / MANIFEST).read_text())
    assert manifest["dumps"]["dir"] == "dumps" and list(manifest["dumps"]["files"]) == NAMES
    for name, recorded in manifest["dumps"]["files"].items():
        data = (result.path / "dumps" / name).read_bytes()
        assert data == reference[name], name
        assert recorded == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert "dumps" in manifest["phases"]


def test_the_build_records_the_fingerprints_publish_would_compute(built):
    import pyoxigraph as ox

    from kgserver.remote import MERGE_GRAPH
    from kgserver.remote.publish import _iter_graph_triples, build_fingerprints, fingerprint

    result, _ = built
    targets = list(result.manifest["figures"]["graphs"]) + [MERGE_GRAPH]
    recorded = build_fingerprints(result.manifest, targets)
    disk = ox.Store.read_only(str(result.path / "store"))
    assert recorded == {graph: fingerprint(_iter_graph_triples(disk, graph)) for graph in targets}
    assert recorded[MERGE_GRAPH][1] > 0  # the bundle's blank nodes are counted, not hashed
    older = {key: value for key, value in result.manifest.items() if key != "fingerprints"}
    assert build_fingerprints(older, targets) is None  # a build made before: publish computes them


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_the_server_streams_the_builds_files_with_their_hash_as_etag(built, no_rendering, name):
    """Served from the file even over DUMPS_MAX_QUADS (the limit is only for dumps made on request)."""
    result, app = built
    client = app.test_client()
    data = (result.path / "dumps" / name).read_bytes()
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200 and response.mimetype == "application/gzip"
    assert response.data == data
    assert response.headers["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert "public" in response.headers["Cache-Control"] and response.headers["Access-Control-Allow-Origin"] == "*"
    assert f'filename={name}' in response.headers["Content-Disposition"]
    again = client.get(f"/dumps/{name}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    part = client.get(f"/dumps/{name}", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == data[:100]
    response.close()


def test_the_dumps_page_gives_the_files_sizes(built, no_rendering):
    result, app = built
    html = app.test_client().get("/dumps/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "DUMPS_MAX_QUADS" not in html
    for name, recorded in result.manifest["dumps"]["files"].items():
        assert name in html and f">{recorded['bytes']}<" in html


def test_export_copies_the_builds_files(built, runner, tmp_path, monkeypatch, no_rendering):
    from kgserver.cli import cli

    result, _ = built
    monkeypatch.setattr(dumps_module, "write_dumps", lambda *a, **k: pytest.fail("exported by writing again"))
    monkeypatch.setenv("KGSERVER_BUILD_DIR", str(result.path))
    outcome = runner.invoke(cli, ["export", "--out", str(tmp_path / "out")])
    assert outcome.exit_code == 0, outcome.output
    for name in NAMES:
        assert (tmp_path / "out" / name).read_bytes() == (result.path / "dumps" / name).read_bytes(), name


def test_a_dump_file_replaced_under_the_server_is_a_503_not_another_builds_bytes(built, monkeypatch, no_rendering):
    import dataclasses

    _, app = built
    store = app.extensions["kgserver"].store
    name = NAMES[0]
    monkeypatch.setitem(store.dumps, name, dataclasses.replace(store.dumps[name], bytes=1))
    response = app.test_client().get(f"/dumps/{name}")
    assert response.status_code == 503 and "restart" in response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]


def test_a_build_without_dumps_is_not_reused_by_one_that_wants_them(runner, tmp_path, monkeypatch):
    """``kgserver build --no-dumps`` writes no dumps and no fingerprints (the server then makes a dump on request,
    publish reads the store); run again, it says it reused the build; a later build that wants the dumps makes them
    instead of reusing it.  Of the ontology and its imports as the bundle (two builds of under half its triples: what
    is checked is which build is reused, not what the data gives; the module's build is the whole bundle's)."""
    from kgserver import dataset
    from kgserver.cli import cli
    from kgserver.store import build_dumps

    small = ontology_sources()
    monkeypatch.setattr(dataset, "bundled_sources", lambda: list(small))
    out = tmp_path / "build"
    result = runner.invoke(cli, ["build", "--out", str(out), "--no-dumps"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("built") and "inferred" in result.output
    again = runner.invoke(cli, ["build", "--out", str(out), "--no-dumps"])
    assert again.exit_code == 0 and again.output.startswith("reused")
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["dumps"] is None and manifest["fingerprints"] is None and "dumps" not in manifest["phases"]
    assert not (out / "dumps").exists() and not (out / "graphs").exists() and build_dumps(out, manifest) == {}
    assert build(out=out, dumps=False).reused
    again = build(out=out)
    assert not again.reused and again.manifest["dumps"]["files"].keys() == set(NAMES)
    assert json.loads((out / MANIFEST).read_text())["dumps"] and all((out / "dumps" / n).is_file() for n in NAMES)
    assert build(out=out, dumps=False).reused  # a build with dumps serves one that does not need them
