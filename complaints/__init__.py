"""The public web complaint form (网上投诉): no login, rate-limited, photos checked by content."""
from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")


from . import photo_files, views  # noqa: E402,F401
