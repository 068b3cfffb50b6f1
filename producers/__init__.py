"""The producer's screening console."""
from flask import Blueprint, current_app, render_template
from sqlalchemy import select

from callin.auth.decorators import roles_required
from callin.extensions import db
from callin.models import Show
from callin.services.live import get_show
from callin.states import ShowState

bp = Blueprint("producers", __name__, url_prefix="/producer")


@bp.get("/")
@roles_required("producer", "admin")
def console():
    show = db.session.scalars(select(Show).where(Show.state == ShowState.LIVE)
                              .order_by(Show.went_live_at.desc())).first()
    upcoming = db.session.scalars(select(Show).where(Show.state == ShowState.SCHEDULED)
                                  .order_by(Show.starts_at)).all()
    return render_template("producers/console.html", show=show, upcoming=upcoming,
                           demo_mode=current_app.config["DEMO_MODE"])


@bp.get("/shows/<id:show_id>")
@roles_required("producer", "admin")
def show_console(show_id):
    return render_template("producers/console.html", show=get_show(show_id), upcoming=[],
                           demo_mode=current_app.config["DEMO_MODE"])


@bp.get("/shows/<id:show_id>/report")
@roles_required("producer", "admin", "host", "office")
def report(show_id):
    from callin.services.reports import show_report
    from flask_login import current_user

    return render_template("producers/report.html", show=get_show(show_id),
                           report=show_report(show_id, current_user))
