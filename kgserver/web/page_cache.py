"""What the pages derive from the store and keep.

The embedded build does not change while it is served.  An external store does when ``kgserver publish``
switches a release in, and a running ``serve --store`` reads the new release as soon as the switch has
committed (``docs/store.md``): for it the per-resource values are not kept (only what it already reads once at
start, the figures and the list of graphs, as the docs say).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

#: How many recent answers of each kind a process keeps (:meth:`PagesCache.recent`): a client reads one
#: resource in several formats one after the other (``/id/x`` 303, ``/id/x.html``, ``/id/x.ttl``, ...).
RECENT = 64


class PagesCache:
    """What the pages derive from the store, which does not change while it is served: once (the VoID store,
    the ontology page, the property axioms), or for the :data:`RECENT` last resources asked for."""

    def __init__(self, keep_recent: bool = True):
        """:param keep_recent: keep the last resources' values (False over a store that may change)."""
        self.lock = threading.RLock()  # a value may be made from another (the VoID store from the page store)
        self.values: dict = {}
        self.recent_values: OrderedDict = OrderedDict()
        self.keep_recent = keep_recent

    def get(self, key: str, make):
        """Return the cached value for ``key``, making it once (thread-safe)."""
        if key not in self.values:
            with self.lock:
                if key not in self.values:
                    self.values[key] = make()
        return self.values[key]

    def recent(self, key, make):
        """Return the value for ``key`` if it is among the :data:`RECENT` last ones made, else make and keep it.

        Made outside the lock (two requests may both make it; either value is right): a slow page does not
        hold up the others.  Without ``keep_recent``, always made.
        """
        if not self.keep_recent:
            return make()
        with self.lock:
            if key in self.recent_values:
                self.recent_values.move_to_end(key)
                return self.recent_values[key]
        value = make()
        with self.lock:
            self.recent_values[key] = value
            while len(self.recent_values) > RECENT:
                self.recent_values.popitem(last=False)
        return value
