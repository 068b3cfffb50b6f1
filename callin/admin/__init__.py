"""Admin pages: users, departments, towns and communities, categories, shows."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


from . import reference, shows, stations, users, views  # noqa: E402,F401
