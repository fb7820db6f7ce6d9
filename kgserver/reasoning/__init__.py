"""Reasoning over the ESS graph: materialised OWL 2 RL entailments, consistency checks, explanations.

- :mod:`.tbox`: the schema compiled into look-up tables;
- :mod:`.engine`: the fast reasoner (the kept rules over integer-encoded terms, semi-naive loop);
- :mod:`.stratified`: its faster evaluation when the schema allows it;
- :mod:`.reference`: owlrl's closure filtered to the same rules, the reference the tests compare with;
- :mod:`.materialise`: the served dataset's inferred graph;
- :mod:`.build`: ``kgserver build``, reused by content hash;
- :mod:`.consistency`: contradictions (``check``);
- :mod:`.explain`: why an inferred triple holds (``explain``);
- :mod:`.nogc`: the garbage collector paused while the reasoner makes millions of small objects.

Nothing is imported eagerly here: import the submodule you need.
"""
