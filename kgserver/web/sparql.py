"""Placeholder blueprint, replaced by the work on its issue."""

from flask import Blueprint

bp = Blueprint("sparql", __name__)
