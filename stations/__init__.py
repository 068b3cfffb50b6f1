"""Liaison station pages (联络站): file a case for a resident and follow the station's cases."""
from flask import Blueprint

bp = Blueprint("stations", __name__, url_prefix="/station")
