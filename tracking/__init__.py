"""Public case pages: a citizen tracks a case by number and code; the board of resolved cases."""
from flask import Blueprint

bp = Blueprint("tracking", __name__)


from . import views  # noqa: E402,F401
