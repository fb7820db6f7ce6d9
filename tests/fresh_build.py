"""Builds for the tests: one fresh build of the bundle per test process, and the sources of a small one.


``test_build.py`` (its phases, store, manifest) and ``test_dumps_build.py`` (its dumps and fingerprints) read the
same build: it is made once, the first time one of them asks (they share an ``xdist_group``, so one worker makes
it), into a folder of its own, and never changed by a test.
"""

from __future__ import annotations

import io

from kgserver import dataset

#: The xdist group of the modules that read the fresh build (one worker makes it).
GROUP = "test_build"

_MADE: dict = {}


def fresh_build(tmp_path_factory):
    """Return (the build, what its progress printed): the bundle built once for the process, reporting its phases."""
    if "build" not in _MADE:
        from kgserver.reasoning.build import build
        from kgserver.reasoning.progress import Progress

        stream = io.StringIO()
        result = build(out=tmp_path_factory.mktemp("fresh") / "build", progress=Progress(enabled=True, stream=stream))
        _MADE["build"] = (result, stream.getvalue())
    return _MADE["build"]


def ontology_sources() -> list[dataset.Source]:
    """The bundle's ontology and imports, without the data: for builds that test which build is reused, where a
    build stops, or what the classes entail (under half the bundle's triples; the data is not what they check)."""
    return [s for s in dataset.bundled_sources() if not dataset.is_data_graph(s.graph_iri)]
