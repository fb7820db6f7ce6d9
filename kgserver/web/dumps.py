"""Dumps at stable URLs: ``/dumps/esskg.ttl.gz``, ``/dumps/esskg-inferred.nq.gz``, ...

Each file is made once per process, on first request, by the same function as
``kgserver export`` (:func:`kgserver.export.render_dump`), and then served from memory
with an ``ETag`` so clients can revalidate cheaply.

Making them holds the whole dataset in the web process (about 1.5 kB a quad), so a dataset over
``DUMPS_MAX_QUADS`` quads (default :data:`MAX_QUADS`) gets no dump from the web server: each dump URL
answers 503 with a sentence saying so, and ``/dumps/`` lists the names without sizes.  One request
would otherwise take gigabytes (1M synthetic triples: 5.3M quads) and could bring the server down.
"""

from __future__ import annotations

import hashlib
import threading

from flask import Blueprint, Response, current_app, render_template, request

from ..errors import KGError
from ..export import DUMP_FORMATS, dump_names, parse_dump_name, render_dumps
from .state import get_state

bp = Blueprint("dumps", __name__)

_EXT = "kgserver.dumps"

#: Largest dataset, in quads of its named graphs, whose dumps the web server makes (about 750 MB).
MAX_QUADS = 500_000


class TooLarge(KGError):
    """The dataset is over ``DUMPS_MAX_QUADS``: the web server makes no dump of it."""

    http_status = 503

    def __init__(self, quads: int, limit: int):
        self.quads, self.limit = quads, limit
        super().__init__(f"the dataset has {quads:,} quads; this server makes dumps of datasets up to {limit:,} "
                         f"(DUMPS_MAX_QUADS; about 1.5 kB of memory a quad). `kgserver export` writes the same "
                         f"files offline, at the same cost.")


def _check_size() -> None:
    quads = int(get_state().store.figures.get("quads", 0))
    limit = int(current_app.config.get("DUMPS_MAX_QUADS", MAX_QUADS))
    if quads > limit:
        raise TooLarge(quads, limit)


def init_app(app) -> None:
    """Give the application an empty dump cache."""
    app.extensions[_EXT] = {"lock": threading.Lock(), "files": {}}


def dump_bytes(name: str) -> bytes:
    """Return the gzipped bytes of one dump, making every dump on first use.

    :raises KeyError: when ``name`` is not a dump file name.
    :raises TooLarge: when the dataset is over ``DUMPS_MAX_QUADS``.
    """
    parsed = parse_dump_name(name)
    if parsed is None:
        raise KeyError(name)
    _check_size()
    cache = current_app.extensions[_EXT]
    files = cache["files"]
    if name not in files:
        with cache["lock"]:
            if name not in files:  # every dump at once: reading and labelling the dataset is most of the cost
                files.update(render_dumps(get_state().store))
    return files[name]


@bp.get("/dumps/")
def index():
    """List the dumps with their sizes."""
    from .pages import _common_context
    from .ui import request_languages, ui_strings

    try:
        _check_size()
        too_large = None
    except TooLarge as err:
        too_large = err
    rows = []
    for name in dump_names():
        fmt, inferred = parse_dump_name(name)
        rows.append({"name": name, "href": f"{request.script_root}/dumps/{name}",
                     "bytes": "" if too_large else len(dump_bytes(name)),
                     "media": DUMP_FORMATS[fmt][1], "inferred": inferred})
    languages = request_languages()
    html = render_template("pages/dumps.html", rows=rows, too_large=too_large,
                           **_common_context(languages, title=ui_strings(languages)[1]["dumps"]))
    return Response(html, content_type="text/html; charset=utf-8")


@bp.get("/dumps/<name>")
def dump(name: str):
    """Serve one gzipped dump (``application/gzip``), or the helpful 404 for another name."""
    try:
        data = dump_bytes(name)
    except KeyError:
        from .pages import base_iri, not_found

        return not_found(base_iri() + "dumps/" + name)
    except TooLarge as err:
        response = Response(f"503 Service Unavailable: {err}\n", status=err.http_status,
                            content_type="text/plain; charset=utf-8")
        response.cache_control.no_store = True
        return response
    response = Response(data, content_type="application/gzip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(hashlib.sha256(data).hexdigest())
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response.make_conditional(request)
