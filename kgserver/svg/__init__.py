"""Diagrams drawn on the server as SVG, in pure Python.

Each drawing function takes plain data (trees, rows) and returns an SVG string.  Output is
deterministic (same input, same bytes), text is escaped, and layouts give every box its own
row band, so boxes and labels never overlap.
"""

from .timeline import TimelineGroup, TimelineRow, render_timeline
from .tree import TreeNode, render_tree

__all__ = ["TreeNode", "render_tree", "TimelineGroup", "TimelineRow", "render_timeline"]
