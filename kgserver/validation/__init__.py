"""Validation of contributions and of the bundled graph: SHACL shapes, SPARQL checks, consistency.

- :mod:`.engine`: ``validate_paths(paths)`` and ``validate_graphs(contribution)`` -> :class:`.report.Report`;
  :mod:`.scope`: which resources a report keeps, and their files;
  :mod:`.contradictions`: the reasoner's contradictions as findings;
- :mod:`.contribution`: reading files, folders and HTTP bodies, all or nothing;
- :mod:`.context`: the graph a contribution joins (ontology and bundled data), parsed once;
- :mod:`.shapes`: the bundled shapes (``shapes/*.ttl``); :mod:`.shacl_compiler` (:mod:`.shacl_core`: what SHACL
  Core is), :mod:`.sparql_shacl`: any SHACL Core shapes compiled to SPARQL and run on Oxigraph (the ``fast`` engine);
- :mod:`.standalone`: any data against any shapes (``--shapes --no-bundle``), and pyshacl's results as findings;
- :mod:`.checks`: the whole-graph checks (``shapes/checks/*.rq``; :mod:`.cycles` for the cycle ones);
  :mod:`.vocabulary`: the terms of reused vocabularies;
- :mod:`.lines`, :mod:`.hints`: the line of each finding, "did you mean", causes before effects;
- :mod:`.report`, :mod:`.render`: findings, and the report as text, JSON, JUnit XML or HTML.

Nothing heavy is imported here (pyshacl loads only when a validation runs).
"""
