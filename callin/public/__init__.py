"""Public pages: the now-on-air page for the web audience (no personal data)."""
from flask import Blueprint, render_template
from sqlalchemy import select

from ..extensions import db
from ..models import Show
from ..states import ShowState

bp = Blueprint("public", __name__)


@bp.get("/onair")
def now_on_air():
    show = db.session.scalars(select(Show).where(Show.state == ShowState.LIVE)
                              .order_by(Show.went_live_at.desc())).first()
    return render_template("public/onair.html", show=show)
