"""The admin start page: what there is, and where to change it."""
from sqlalchemy import func, select

from ..auth.decorators import roles_required
from ..extensions import db
from ..models import Show, User
from ..services.reference import reference_counts
from ..states import ShowState
from . import bp
from .forms import page


def _counts():
    """Reference counts, plus users (enabled) and shows by state."""
    counts = reference_counts()
    counts["users"] = db.session.scalar(select(func.count()).select_from(User))
    counts["enabled_users"] = db.session.scalar(
        select(func.count()).select_from(User).where(User.is_enabled.is_(True)))
    by_state = dict(db.session.execute(select(Show.state, func.count()).group_by(Show.state)).all())
    counts.update({f"shows_{state}": by_state.get(state, 0)
                   for state in ShowState})
    return counts


@bp.get("/")
@roles_required("admin")
def index():
    live = db.session.scalars(select(Show).where(Show.state == ShowState.LIVE)).all()
    upcoming = db.session.scalars(select(Show).where(Show.state == ShowState.SCHEDULED)
                                  .order_by(Show.starts_at).limit(5)).all()
    return page("admin/index.html", counts=_counts(), live_shows=live, upcoming=upcoming)
