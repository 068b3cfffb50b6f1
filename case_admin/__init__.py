"""Admin pages for the case tracker's settings: deadlines, calendar, supervision, reveals."""
from flask import Blueprint

bp = Blueprint("case_admin", __name__, url_prefix="/admin/cases")


from . import views  # noqa: E402,F401
