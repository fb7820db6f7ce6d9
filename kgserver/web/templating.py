"""The templates' environment: Flask's, with attribute lookups on plain dicts made cheap.

The pages hand their templates plain dicts (``v.label``, ``p.href``): Jinja looks an attribute up
with ``getattr`` first and only then as an item, so every such lookup raised and caught an
``AttributeError`` (a sixth of the CPU of a large document's page, /graph/editorial/translations.html).  A plain dict's key is
now read first, except for the names of dict's own attributes (``items``, ``values``...), which
keep Jinja's meaning: the result of every lookup is the same.
"""

from __future__ import annotations

from flask.templating import Environment

_DICT_ATTRIBUTES = frozenset(dir(dict))


class PageEnvironment(Environment):
    """Flask's Jinja environment with :meth:`getattr` reading a plain dict's keys first, and the property
    tables' globals ``table`` and ``value`` (:mod:`kgserver.web.value_html`)."""

    def __init__(self, *args, **kwargs):
        from . import value_html

        super().__init__(*args, **kwargs)
        self.globals.update(table=value_html.table, value=value_html.value)

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)
