"""The studio screens: the host's and the guest's."""
from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from callin.auth.decorators import roles_required
from callin.extensions import db
from callin.models import Show
from callin.states import ShowState

bp = Blueprint("hosts", __name__, url_prefix="/studio")


def _live_show(department_id=None):
    query = select(Show).where(Show.state == ShowState.LIVE)
    if department_id is not None:
        query = query.where(Show.department_id == department_id)
    return db.session.scalars(query.order_by(Show.went_live_at.desc())).first()


@bp.get("/host")
@roles_required("host")
def host_screen():
    return render_template("hosts/host.html", show=_live_show())


@bp.get("/guest")
@roles_required("guest")
def guest_screen():
    return render_template("hosts/guest.html", show=_live_show(current_user.department_id))
