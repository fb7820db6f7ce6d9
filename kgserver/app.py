"""The Flask application factory (model: Flask's flaskr tutorial).

Configuration is layered: defaults, then ``KGSERVER_*`` environment variables,
then the ``config`` mapping a caller (a test, ``kgserver serve``) passes.  The
graph is loaded once here and kept in ``app.extensions["kgserver"]``.
"""

from __future__ import annotations

import importlib

from flask import Flask

from .namespaces import BASE

#: Blueprints, one module per concern; each module exposes ``bp``.
BLUEPRINTS: list[str] = [
    "kgserver.web.sparql",
    "kgserver.web.site",
    "kgserver.web.pages",
    "kgserver.web.api",
    "kgserver.web.dumps",
    "kgserver.web.validate",
    "kgserver.web.provenance",
]

DEFAULTS = {
    "BASE_IRI": BASE,
    "ENGINE": "oxigraph",  # or "rdflib"
    "QUERY_TIMEOUT": 30.0,  # seconds
    "QUERY_WORKERS": None,  # query processes per web process; None: the CPU count, at least 2
    "MAX_RESULT_ROWS": 100_000,
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,  # bytes, request size limit
    "INCLUDE_INFERRED": True,  # default graph = asserted + inferred
    "ALLOW_UPDATE": False,
}


def create_app(config: dict | None = None) -> Flask:
    """Create the kgserver web application.

    :param config: settings that override the defaults and the environment.
    """
    from .web.templating import PageEnvironment

    app = Flask(__name__)
    app.jinja_environment = PageEnvironment  # before anything reads app.jinja_env
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("KGSERVER")
    if config:
        app.config.from_mapping(config)

    from .web.state import init_state  # loads the graph once

    init_state(app)
    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
        if hasattr(module, "init_app"):
            module.init_app(app)
    from .web import caching

    caching.init_app(app)
    return app
