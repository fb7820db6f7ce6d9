"""Dumps at stable URLs: ``/dumps/esskg.ttl.gz``, ``/dumps/esskg-inferred.nq.gz``, ...

The embedded server serves the files ``kgserver build`` wrote once into the build directory
(:func:`kgserver.export.write_dumps`), streamed from disk with the SHA-256 of their bytes as a
strong ``ETag`` (conditional and range requests answered by Werkzeug), the files ``kgserver export``
copies.  Several server processes, or replicas on one read-only build directory, serve the same
files and write nothing.

A store with no such files (``serve --store`` over an external store; an in-memory build; a build
made before the builds wrote dumps; ``--no-inferred``) gets them made once per process, on first
request, by the same writer, from the store's ``dump()``, and kept in memory.  That takes minutes
and CPU in the web process at a million triples, so it is done only for datasets up to
``DUMPS_MAX_QUADS`` quads (default :data:`MAX_QUADS`): over it, each dump URL answers 503 with a
sentence saying so, and ``/dumps/`` lists the names without sizes.
"""

from __future__ import annotations

import hashlib
import os
import threading

from flask import Blueprint, Response, current_app, render_template, request, send_file

from ..errors import KGError
from ..export import DUMP_FORMATS, dump_names, parse_dump_name, render_dumps
from .state import get_state

bp = Blueprint("dumps", __name__)

_EXT = "kgserver.dumps"

#: Largest dataset, in quads of its named graphs, whose dumps a web process makes itself (no build's files).
MAX_QUADS = 500_000
#: Seconds a client may reuse a dump without asking again.
MAX_AGE = 3600


class TooLarge(KGError):
    """The dataset is over ``DUMPS_MAX_QUADS`` and the store has no dump files: the web server makes none."""

    http_status = 503

    def __init__(self, quads: int, limit: int):
        self.quads, self.limit = quads, limit
        super().__init__(f"the dataset has {quads:,} quads; without a build's dump files this server makes dumps "
                         f"of datasets up to {limit:,} (DUMPS_MAX_QUADS). `kgserver build` writes them once and "
                         f"`kgserver export` copies them; the embedded server serves them.")


def _check_size() -> None:
    quads = int(get_state().store.figures.get("quads", 0))
    limit = int(current_app.config.get("DUMPS_MAX_QUADS", MAX_QUADS))
    if quads > limit:
        raise TooLarge(quads, limit)


def init_app(app) -> None:
    """Give the application an empty cache for the dumps it makes itself."""
    app.extensions[_EXT] = {"lock": threading.Lock(), "files": {}}


def dump_bytes(name: str) -> bytes:
    """Return the gzipped bytes of one dump made by this process (a store without dump files), making every
    dump on first use.

    :raises KeyError: when ``name`` is not a dump file name.
    :raises TooLarge: when the dataset is over ``DUMPS_MAX_QUADS``.
    """
    if parse_dump_name(name) is None:
        raise KeyError(name)
    _check_size()
    cache = current_app.extensions[_EXT]
    files = cache["files"]
    if name not in files:
        with cache["lock"]:
            if name not in files:  # every dump at once: reading and labelling the dataset is most of the cost
                files.update(render_dumps(get_state().store))
    return files[name]


def _size(name: str) -> int | str:
    """Return the size of a dump in bytes, or "" when this server makes no dump of the dataset."""
    made = get_state().store.dump_file(name)
    if made is not None:
        return made.bytes
    try:
        return len(dump_bytes(name))
    except TooLarge:
        return ""


def _replaced(made) -> bool:
    """Tell whether the file of a build's dump is no longer the one its manifest names (its size differs: a build
    put in its place)."""
    try:
        return os.stat(made.path).st_size != made.bytes
    except OSError:
        return True


def _unavailable(reason: str) -> Response:
    response = Response(f"503 Service Unavailable: {reason}\n", status=503, content_type="text/plain; charset=utf-8")
    response.cache_control.no_store = True
    return response


@bp.get("/dumps/")
def index():
    """List the dumps with their sizes."""
    from .pages import _common_context
    from .ui import request_languages, ui_strings

    too_large = None
    if any(get_state().store.dump_file(name) is None for name in dump_names()):
        try:
            _check_size()
        except TooLarge as err:
            too_large = err
    rows = []
    for name in dump_names():
        fmt, inferred = parse_dump_name(name)
        rows.append({"name": name, "href": f"{request.script_root}/dumps/{name}", "bytes": _size(name),
                     "media": DUMP_FORMATS[fmt][1], "inferred": inferred})
    languages = request_languages()
    html = render_template("pages/dumps.html", rows=rows, too_large=too_large,
                           **_common_context(languages, title=ui_strings(languages)[1]["dumps"]))
    return Response(html, content_type="text/html; charset=utf-8")


@bp.get("/dumps/<name>")
def dump(name: str):
    """Serve one gzipped dump (``application/gzip``), or the helpful 404 for another name."""
    made = get_state().store.dump_file(name) if parse_dump_name(name) else None
    if made is not None:
        if _replaced(made):
            return _unavailable("the build directory was replaced under this server (its dumps are another "
                                "build's); restart the server to serve the new build")
        response = send_file(made.path, mimetype="application/gzip", as_attachment=True, download_name=name,
                             etag=made.sha256, conditional=True, max_age=MAX_AGE)
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    try:
        data = dump_bytes(name)
    except KeyError:
        from .pages import base_iri, not_found

        return not_found(base_iri() + "dumps/" + name)
    except TooLarge as err:
        return _unavailable(str(err))
    response = Response(data, content_type="application/gzip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(hashlib.sha256(data).hexdigest())
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response.make_conditional(request)
