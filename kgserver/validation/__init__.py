"""Validation of contributions and of the bundled graph: SHACL shapes, SPARQL checks, consistency.

- :mod:`.engine`: ``validate_paths(paths)`` and ``validate_graphs(contribution)`` -> :class:`.report.Report`;
- :mod:`.contribution`: reading files, folders and HTTP bodies, all or nothing;
- :mod:`.context`: the graph a contribution joins (ontology and bundled data), parsed once;
- :mod:`.shapes`, :mod:`.sparql_shacl`: the bundled shapes (``shapes/*.ttl``), and the same compiled
  to SPARQL for large graphs;
- :mod:`.checks`: the whole-graph checks (``shapes/checks/*.rq``); :mod:`.vocabulary`: the terms of
  reused vocabularies;
- :mod:`.report`, :mod:`.render`: findings, and the report as text, JSON, JUnit XML or HTML.

Nothing heavy is imported here (pyshacl loads only when a validation runs).
"""
