"""What the web application keeps between requests: the store, loaded once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Flask, current_app


@dataclass
class KGState:
    """The served dataset and what is derived from it once."""

    store: ox.Store


def init_state(app: Flask) -> None:
    """Load the served dataset once and keep it on ``app.extensions['kgserver']``."""
    from ..store import open_store

    app.extensions["kgserver"] = KGState(store=open_store(include_inferred=app.config["INCLUDE_INFERRED"]))


def get_state() -> KGState:
    """Return the current application's :class:`KGState`."""
    return current_app.extensions["kgserver"]
