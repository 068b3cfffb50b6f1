"""Admin pages."""
from flask import render_template

from ..auth.decorators import roles_required
from . import bp


@bp.get("/")
@roles_required("admin")
def index():
    return render_template("admin/index.html")
